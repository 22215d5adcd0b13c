"""Post-call survey answers as a file or a list of rows, checked whole before anything is
stored (:mod:`pipeline.db.surveys` stores them).

A CSV file (UTF-8, a header row; commas, or semicolons as Turkish spreadsheets save them)::

    call_id,source_key,csat,nps,answered_at,kind,source
    5f0c...,,5,9,2026-11-24T09:40:00+03:00,,ivr
    ,2026/11/24/a1.wav,2,,2026-11-24 10:05,,sms

Each row names its call by ``call_id`` (callqa's id) or, where the survey tool only knows
the recording, by ``source_key`` (the recording's key in the store; the newest call of
that key). ``csat`` is 1-5, ``nps`` 0-10, at least one of them; ``answered_at`` is ISO 8601
(without an offset: UTC); ``kind`` (default ``post_call``) tells surveys of one call apart;
``source`` names the survey tool (default ``csv`` or ``api``). JSON rows have the same
fields. Any bad row (a number that is not one, out of range, a bad date, a missing cell),
a missing or unknown column, or a file that is not UTF-8 refuses the whole file with every
problem named by file and line (:class:`~pipeline.errors.SurveyFileError`), in English or
Turkish (:meth:`Problem.text`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipeline.errors import SurveyFileError

__all__ = ["COLUMNS", "Problem", "SurveyRow", "parse_csv", "parse_rows"]

REF_COLUMNS = ("call_id", "source_key")
COLUMNS = (*REF_COLUMNS, "csat", "nps", "answered_at", "kind", "source")
RANGES = {"csat": (1, 5), "nps": (0, 10)}
DEFAULT_KIND = "post_call"
MAX_ROWS = 50_000
MAX_PROBLEMS = 50  # named one by one; the rest are counted
LIMITS = {"call_id": 36, "source_key": 1024, "kind": 40, "source": 100}

_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "not_utf8": "the file is not UTF-8 text (byte {byte}); save it as CSV UTF-8 and "
                    "import it again",
        "empty": "the file is empty: its first line must name the columns ({columns})",
        "no_ref": "the header has neither call_id nor source_key: add one so each row "
                  "names its call",
        "no_score": "the header has neither csat nor nps: add at least one",
        "no_date": "the header lacks the answered_at column",
        "unknown_column": "unknown column {column!r}; the columns are {columns}",
        "cells": "the row has {got} cells where the header has {want}",
        "no_call": "the row names no call: fill in call_id or source_key",
        "not_number": "{column} must be a whole number, not {value!r}",
        "range": "{column} must be from {low} to {high}, not {value}",
        "no_answer": "the row has neither a csat nor an nps answer",
        "bad_date": "answered_at must be a date and time such as 2026-11-24T09:30:00+03:00, "
                    "not {value!r}",
        "too_long": "{column} must be at most {limit} characters",
        "duplicate": "the row repeats line {first} (the same call and kind)",
        "not_rows": "the rows must be a list of objects with the fields {columns}",
        "too_many": "there are more than {limit} rows: split the file",
        "more": "and {count} more problems",
    },
    "tr": {
        "not_utf8": "dosya UTF-8 metin değil ({byte}. bayt); dosyayı CSV UTF-8 olarak "
                    "kaydedip yeniden içe aktarın",
        "empty": "dosya boş: ilk satırı sütunların adlarını vermeli ({columns})",
        "no_ref": "başlıkta ne call_id ne source_key var: her satır çağrısını belirtsin diye "
                  "birini ekleyin",
        "no_score": "başlıkta ne csat ne nps var: en az birini ekleyin",
        "no_date": "başlıkta answered_at sütunu yok",
        "unknown_column": "bilinmeyen sütun {column!r}; sütunlar şunlar: {columns}",
        "cells": "satırda {got} hücre var, başlıkta ise {want}",
        "no_call": "satır bir çağrı belirtmiyor: call_id ya da source_key doldurun",
        "not_number": "{column} bir tam sayı olmalı, {value!r} değil",
        "range": "{column} {low} ile {high} arasında olmalı, {value} değil",
        "no_answer": "satırda ne csat ne nps yanıtı var",
        "bad_date": "answered_at 2026-11-24T09:30:00+03:00 gibi bir tarih ve saat olmalı, "
                    "{value!r} değil",
        "too_long": "{column} en çok {limit} karakter olabilir",
        "duplicate": "satır {first}. satırı yineliyor (aynı çağrı ve tür)",
        "not_rows": "satırlar {columns} alanlarını taşıyan nesnelerin listesi olmalı",
        "too_many": "{limit} satırdan fazla var: dosyayı bölün",
        "more": "ve {count} sorun daha",
    },
}


@dataclass(frozen=True)
class Problem:
    """One reason a survey file is refused: where (``file:line``), a message key, args."""

    where: str
    key: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        template = _MESSAGES.get(lang, _MESSAGES["en"])[self.key]
        return f"{self.where}: {template.format(**self.args)}" if self.where \
            else template.format(**self.args)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"where": self.where, "code": self.key, "message": self.text(lang)}


@dataclass(frozen=True)
class SurveyRow:
    line: int  # the file's line (CSV) or the row's number from 1 (JSON)
    call_id: str | None
    source_key: str | None
    kind: str
    csat: int | None
    nps: int | None
    answered_at: datetime
    source: str | None

    @property
    def ref(self) -> str:
        return self.call_id or self.source_key or ""


def refusal(problems: Sequence[Problem]) -> SurveyFileError:
    """The error for these problems (at most :data:`MAX_PROBLEMS` named)."""
    problems = sorted(problems, key=_line_of)  # stable: a line's problems keep their order
    shown = list(problems[:MAX_PROBLEMS])
    if len(problems) > MAX_PROBLEMS:
        shown.append(Problem("", "more", {"count": len(problems) - MAX_PROBLEMS}))
    return SurveyFileError("the survey answers were refused, nothing was imported:\n"
                           + "\n".join(p.text("en") for p in shown),
                           problems=shown, hint="Fix the rows named and import the file again.")


def _line_of(problem: Problem) -> int:
    number = problem.where.rpartition(":")[2]
    return int(number) if number.isdigit() else 0


def parse_csv(data: bytes, name: str = "surveys.csv") -> list[SurveyRow]:
    """The rows of a survey CSV; :class:`~pipeline.errors.SurveyFileError` if any is bad."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise refusal([Problem(f"{name}:{line}", "not_utf8", {"byte": exc.start + 1})]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise refusal([Problem(f"{name}:1", "empty", {"columns": ", ".join(COLUMNS)})])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    problems = _header_problems(header, f"{name}:1")
    if problems:
        raise refusal(problems)
    raw: list[tuple[str, int, dict[str, Any]]] = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(header):
            problems.append(Problem(f"{name}:{line}", "cells",
                                    {"got": len(cells), "want": len(header)}))
            continue
        raw.append((f"{name}:{line}", line, dict(zip(header, cells, strict=True))))
    return _rows(raw, problems)


def parse_rows(rows: Any, name: str = "rows") -> list[SurveyRow]:
    """Rows given as JSON objects (``[{"call_id": ..., "csat": 4, ...}]``), checked as a
    CSV file's are; a row's place is ``rows:N`` (N from 1)."""
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise refusal([Problem(name, "not_rows", {"columns": ", ".join(COLUMNS)})])
    problems: list[Problem] = []
    raw = []
    for i, row in enumerate(rows, start=1):
        unknown = sorted(set(row) - set(COLUMNS))
        problems.extend(Problem(f"{name}:{i}", "unknown_column",
                                {"column": c, "columns": ", ".join(COLUMNS)}) for c in unknown)
        raw.append((f"{name}:{i}", i, {k: "" if v is None else v for k, v in row.items()}))
    return _rows(raw, problems)


def _header_problems(header: list[str], where: str) -> list[Problem]:
    problems = [Problem(where, "unknown_column", {"column": h, "columns": ", ".join(COLUMNS)})
                for h in header if h not in COLUMNS]
    if not set(REF_COLUMNS) & set(header):
        problems.append(Problem(where, "no_ref"))
    if not set(RANGES) & set(header):
        problems.append(Problem(where, "no_score"))
    if "answered_at" not in header:
        problems.append(Problem(where, "no_date"))
    return problems


def _rows(raw: list[tuple[str, int, dict[str, Any]]], problems: list[Problem]
          ) -> list[SurveyRow]:
    if len(raw) > MAX_ROWS:
        raise refusal([Problem("", "too_many", {"limit": MAX_ROWS})])
    rows: list[SurveyRow] = []
    seen: dict[tuple[str, str], int] = {}
    for where, line, cells in raw:
        row = _row(where, line, cells, problems)
        if row is None:
            continue
        key = (row.ref, row.kind)
        if key in seen:
            problems.append(Problem(where, "duplicate", {"first": seen[key]}))
            continue
        seen[key] = line
        rows.append(row)
    if problems:
        raise refusal(problems)
    return rows


def _text(where: str, cells: Mapping[str, Any], column: str,
          problems: list[Problem]) -> str | None:
    value = str(cells.get(column, "")).strip()
    if len(value) > LIMITS[column]:
        problems.append(Problem(where, "too_long", {"column": column, "limit": LIMITS[column]}))
        return None
    return value or None


def _number(where: str, cells: Mapping[str, Any], column: str,
            problems: list[Problem]) -> int | None:
    value = cells.get(column, "")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if not value.lstrip("-").isdigit():
            problems.append(Problem(where, "not_number", {"column": column, "value": value}))
            return None
        value = int(value)
    elif isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(where, "not_number", {"column": column, "value": str(value)}))
        return None
    low, high = RANGES[column]
    if not low <= value <= high:
        problems.append(Problem(where, "range", {"column": column, "low": low, "high": high,
                                                 "value": value}))
        return None
    return int(value)


def _when(where: str, value: Any, problems: list[Problem]) -> datetime | None:
    text = str(value).strip()
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(where, "bad_date", {"value": text}))
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _row(where: str, line: int, cells: Mapping[str, Any],
         problems: list[Problem]) -> SurveyRow | None:
    before = len(problems)
    call_id = _text(where, cells, "call_id", problems)
    source_key = _text(where, cells, "source_key", problems)
    kind = _text(where, cells, "kind", problems) or DEFAULT_KIND
    source = _text(where, cells, "source", problems)
    csat = _number(where, cells, "csat", problems)
    nps = _number(where, cells, "nps", problems)
    answered_at = _when(where, cells.get("answered_at", ""), problems)
    if len(problems) > before:
        return None
    if call_id is None and source_key is None:
        problems.append(Problem(where, "no_call"))
    if csat is None and nps is None:
        problems.append(Problem(where, "no_answer"))
    if len(problems) > before or answered_at is None:
        return None
    return SurveyRow(line=line, call_id=call_id, source_key=source_key, kind=kind.lower(),
                     csat=csat, nps=nps, answered_at=answered_at, source=source)
