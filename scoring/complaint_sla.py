"""Complaint SLA YAML -> :class:`~pipeline.complaint_sla.ComplaintSla`, refused whole on
any error with ``file:line: reason`` (a :class:`~pipeline.errors.ComplaintSlaError`).

    version: "1.0"
    default: {acknowledge_hours: 24, respond_days: 5, close_days: 10}
    categories:                      # taxonomy category -> limits (optional)
      billing: {acknowledge_hours: 24, respond_days: 5, close_days: 10}
    complaint_flags: [legal_threat, regulator]   # optional; these are the default
    root_causes:
      - {code: billing_error, title: {en: Billing error, tr: Faturalama hatası}}

Limits must grow stage by stage: acknowledging is due before responding, responding
before closing. ``load_sla(settings)`` reads ``CALLQA_COMPLAINT_SLA`` (a file, or empty
for the shipped ``scoring/complaint_sla.yaml``).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from pipeline.complaint_sla import ComplaintSla, Limits, RootCause
from pipeline.errors import ComplaintSlaError, RubricError
from pipeline.settings import Settings
from scoring.rubric_parse_criteria import ID_RE
from scoring.yamlfields import Doc, Fields, read_yaml

__all__ = ["SHIPPED_SLA", "load_sla", "parse_sla", "read_sla"]

SHIPPED_SLA = Path(__file__).resolve().parent / "complaint_sla.yaml"
TOP_FIELDS = ("version", "default", "categories", "complaint_flags", "root_causes")
LIMIT_FIELDS = ("acknowledge_hours", "respond_days", "close_days")
CAUSE_FIELDS = ("code", "title")


def parse_sla(text: str | bytes, source: str = "<string>") -> ComplaintSla:
    """Parse and check one SLA file; ``source`` names the file in error messages."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ComplaintSlaError(f"{source}: not UTF-8 text ({exc.reason} at byte "
                                f"{exc.start})", path=source) from exc
    try:
        data, doc = read_yaml(decoded, source)
        sla = _sla(doc, data, source, hashlib.sha256(raw).hexdigest())
        doc.check_duplicates()
    except RubricError as exc:  # the shared YAML readers speak of rubrics; same message
        raise ComplaintSlaError(exc.message, path=exc.path, line=exc.line,
                                hint=exc.hint) from None
    return sla


def _limits(doc: Doc, data: Any, path: tuple[str, ...], what: str) -> Limits:
    f = Fields(doc, data, path, what)
    f.check_keys(LIMIT_FIELDS)
    limits = Limits(acknowledge_hours=f.number("acknowledge_hours", gt=0, le=24 * 365),
                    respond_days=f.number("respond_days", gt=0, le=365),
                    close_days=f.number("close_days", gt=0, le=365))
    if limits.respond_days * 24 < limits.acknowledge_hours:
        f.fail(f"respond_days ({limits.respond_days:g} days) is due before "
               f"acknowledge_hours ({limits.acknowledge_hours:g} h): responding cannot be "
               "due before acknowledging", "respond_days")
    if limits.close_days < limits.respond_days:
        f.fail(f"close_days ({limits.close_days:g}) is less than respond_days "
               f"({limits.respond_days:g}): closing cannot be due before responding",
               "close_days")
    return limits


def _sla(doc: Doc, data: Any, source: str, digest: str) -> ComplaintSla:
    top = Fields(doc, data, (), "the complaint SLA")
    top.check_keys(TOP_FIELDS)
    version = top.string("version")
    default = _limits(doc, top.raw("default"), ("default",), "'default'")
    categories: list[tuple[str, Limits]] = []
    given = top.raw("categories", {})
    if not isinstance(given, dict):
        top.fail("'categories' must be a mapping of category id to its limits", "categories")
    for name, value in given.items():
        if not isinstance(name, str) or not ID_RE.match(name):
            doc.fail(f"category {str(name)!r} must be a taxonomy category id (letters, "
                     "digits, '_' and '-')", ("categories", str(name)))
        categories.append((name, _limits(doc, value, ("categories", name),
                                         f"category {name!r}")))
    flags = top.strings("complaint_flags", ("legal_threat", "regulator"), single=False)
    causes: list[RootCause] = []
    raw_causes = top.raw("root_causes")
    if not isinstance(raw_causes, list) or not raw_causes:
        top.fail("'root_causes' must be a non-empty list of {code, title}", "root_causes")
    for i, item in enumerate(raw_causes):
        f = Fields(doc, item, ("root_causes", i), f"root cause {i + 1}")
        f.check_keys(CAUSE_FIELDS)
        code = f.string("code")
        if not ID_RE.match(code):
            f.fail(f"root cause code {code!r} may hold only letters, digits, '_' and '-'",
                   "code")
        if any(c.code == code for c in causes):
            f.fail(f"root cause code {code!r} is given twice", "code")
        _, titles = f.text("title", language="en")
        if not {"en", "tr"} <= dict(titles).keys():
            f.fail(f"root cause {code!r} needs its title in English and Turkish "
                   "(title: {en: ..., tr: ...})", "title")
        causes.append(RootCause(code, titles))
    return ComplaintSla(default=default, categories=tuple(categories),
                        root_causes=tuple(causes), complaint_flags=tuple(flags),
                        source=source, version=version, hash=digest)


def read_sla(path: str | Path) -> ComplaintSla:
    """One SLA file; a missing or unreadable file is refused like a bad one."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ComplaintSlaError(f"{path}: cannot read the complaint SLA: {exc.strerror}",
                                path=str(path),
                                hint="Set CALLQA_COMPLAINT_SLA to a readable YAML file, "
                                     "or leave it empty for the shipped one.") from exc
    return parse_sla(raw, source=str(path))


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int) -> ComplaintSla:
    return read_sla(path)


def load_sla(settings: Settings) -> ComplaintSla:
    """The SLA in force: ``CALLQA_COMPLAINT_SLA``'s file, else the shipped one; parsed
    again when the file changes."""
    path = Path(settings.complaint_sla) if settings.complaint_sla else SHIPPED_SLA
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return read_sla(path)  # refused with the reason
    return _cached(str(path), mtime)
