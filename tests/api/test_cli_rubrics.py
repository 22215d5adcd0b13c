"""``callqa rubric list`` shows exactly the rubrics in force (:mod:`scoring.in_force`):
a ``CALLQA_RUBRICS_DIR`` folder's, with an admin-activated stored version in its name's
place, each with where it came from, in 80 columns when piped."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scoring.rubric import BUILTIN_DIR

TEXT = (BUILTIN_DIR / "inbound_service_en.yaml").read_text("utf-8")


def _rows(output: str) -> dict[str, list[str]]:
    """The table's rows by rubric name: each column's text, a folded cell joined again."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["rubric"])
    names = lines[header].split()
    names[names.index("applies"):names.index("to") + 1] = ["applies to"]
    starts = [lines[header].index(n) for n in names] + [None]
    rows: dict[str, list[str]] = {}
    cells: list[str] = []
    for line in lines[header + 2:]:
        parts = [line[a:b].strip() for a, b in pairwise(starts)]
        if parts[0]:
            cells = parts
            rows[parts[0]] = cells
        elif cells:
            for i, part in enumerate(parts):
                cells[i] += part
    return rows


def test_rubric_list_shows_a_folder_rubric_and_an_activated_stored_version(
    callqa_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.cli import app
    from pipeline.db.scores import upsert_rubric
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.settings import get_settings
    from scoring.rubric import parse_rubric

    folder = tmp_path / "rubrics"
    folder.mkdir()
    own = TEXT.replace("name: inbound_service_en", "name: billing_folder_en", 1)
    (folder / "billing_folder_en.yaml").write_text(own, "utf-8")
    (folder / "inbound_service_en.yaml").write_text(TEXT, "utf-8")  # the stored v3 replaces it
    monkeypatch.chdir(tmp_path)  # a relative folder keeps the origin on one line
    monkeypatch.setenv("CALLQA_RUBRICS_DIR", "rubrics")
    get_settings.cache_clear()  # type: ignore[attr-defined]
    url = get_settings().resolved_database_url
    ensure_schema(url)
    v3 = parse_rubric(TEXT.replace('version: "1.0"', 'version: "3.0"', 1), source="upload")
    with session_scope(url) as session:
        record = upsert_rubric(session, name=v3.name, version=v3.version,
                               language=v3.language, hash=v3.hash, source=v3.text)
        record.active = True
        record_id = record.id

    result = CliRunner().invoke(app, ["rubric", "list"])
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.output.splitlines()), result.output
    assert "\x1b[" not in result.output  # no colour codes when piped
    rows = _rows(result.output)
    assert rows == {
        "billing_folder_en": ["billing_folder_en", "1.0", "en", "inbound", "folder rubrics"],
        "inbound_service_en": ["inbound_service_en", "3.0", "en", "inbound",
                               f"stored #{record_id} (activated)"],
    }, result.output  # the folder's rubrics (not the shipped ones), the stored v3 for v1


def test_rubric_list_shows_only_callqa_rubric_when_it_is_set(
    callqa_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.cli import app
    from pipeline.settings import get_settings

    monkeypatch.setenv("CALLQA_RUBRIC", "inbound_service_tr")
    get_settings.cache_clear()  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, ["rubric", "list"])
    assert result.exit_code == 0, result.output
    assert _rows(result.output) == {"inbound_service_tr": [
        "inbound_service_tr", "1.0", "tr", "inbound", "CALLQA_RUBRIC=inbound_service_tr"]}, \
        result.output


def test_rubric_list_says_what_to_do_about_an_empty_folder(
    callqa_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.cli import app
    from pipeline.settings import get_settings

    monkeypatch.setenv("CALLQA_RUBRICS_DIR", str(tmp_path))
    get_settings.cache_clear()  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, ["rubric", "list"])
    assert result.exit_code == 1
    assert "no rubric files" in result.output and "CALLQA_RUBRICS_DIR" in result.output
