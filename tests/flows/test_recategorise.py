"""``callqa recategorise``: a taxonomy applied to stored calls without transcribing them
again (the seeded world has no recordings for two of its calls); only the calls the
taxonomy has not seen, unless ``--all``; a changed taxonomy replaces the old reasons,
and a call no reason reaches is left without one. The API shows the reasons with their
quote and time and filters calls by primary reason and product."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.api import conftest as api_fixtures
from tests.api.conftest import Api

api, db_url = api_fixtures.api, api_fixtures.db_url  # the seeded API world of tests/api
pytestmark = pytest.mark.usefixtures("prefect_harness")

TAXONOMY = """\
name: legal_and_billing
version: "1"
threshold: {threshold}
categories:
  - id: legal
    title: {{en: Legal, tr: Hukuk}}
    subcategories:
      - id: lawyer
        title: {{en: Lawyer mentioned, tr: Avukat anıldı}}
        complaint: true
        rules:
          - {{type: phrase, phrases: [call my lawyer]}}
  - id: billing
    title: {{en: Billing, tr: Fatura}}
    subcategories:
      - id: any
        title: {{en: Billing queue, tr: Fatura kuyruğu}}
        rules:
          - {{type: metadata, field: queue, equals: [billing]}}
"""


def _run(args: list[str]) -> dict[str, object]:
    from typer.testing import CliRunner

    from api.cli import app

    result = CliRunner().invoke(app, ["recategorise", *args, "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_recategorise_stored_calls_then_again_with_a_changed_taxonomy(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.settings import get_settings

    monkeypatch.setenv("CALLQA_DATABASE_URL", api.world.url)
    get_settings.cache_clear()
    first = tmp_path / "reasons.yaml"
    first.write_text(TAXONOMY.format(threshold=0.5), "utf-8")
    report = _run(["--taxonomy", str(first)])
    assert (report["categorised"], report["uncategorised"], report["failed"]) == (3, 0, {})
    assert report["primary"] == {"billing.any": 2, "legal.lawyer": 1}
    assert _run(["--taxonomy", str(first)])["categorised"] == 0  # nothing it has not seen
    assert _run(["--taxonomy", str(first), "--all"])["categorised"] == 3

    w = api.world
    page = api.get(f"/api/v1/calls/{w.calls['a2_flagged']}", "sup").json()
    assert page["contact_reason"] == "legal.lawyer" and page["product"] is None
    (reason,) = page["reasons"]
    assert reason["primary"] and reason["complaint"] and reason["confidence"] == 0.8
    assert reason["taxonomy"] == "legal_and_billing 1"
    (said,) = reason["evidence"]
    assert "I call my lawyer" in said["quote"] and said["start"] >= 3.5
    assert "4111" not in json.dumps(page["reasons"])  # evidence is the redacted text
    a1 = api.get(f"/api/v1/calls/{w.calls['a1_flagged']}", "sup").json()
    assert [(r["code"], r["primary"]) for r in a1["reasons"]] == [
        ("billing.any", True), ("legal.lawyer", False)]
    by_reason = api.get("/api/v1/calls", "sup", params={"reason": "billing"}).json()
    assert {c["id"] for c in by_reason["data"]} == {w.calls["a1_flagged"], w.calls["a1_clean"]}
    exact = api.get("/api/v1/calls", "sup", params={"reason": "legal.lawyer"}).json()
    assert [c["id"] for c in exact["data"]] == [w.calls["a2_flagged"]]

    # version 2 asks more confidence than a phrase alone gives: a2 loses its reason
    second = tmp_path / "reasons-v2.yaml"
    second.write_text(TAXONOMY.format(threshold=0.85).replace('"1"', '"2"'), "utf-8")
    changed = _run(["--taxonomy", str(second)])
    assert (changed["categorised"], changed["uncategorised"]) == (2, 1)
    page = api.get(f"/api/v1/calls/{w.calls['a2_flagged']}", "sup").json()
    assert page["reasons"] == [] and page["contact_reason"] is None


def test_a_broken_taxonomy_is_refused_before_any_call_is_touched(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from pipeline.settings import get_settings

    monkeypatch.setenv("CALLQA_DATABASE_URL", api.world.url)
    get_settings.cache_clear()
    bad = tmp_path / "bad.yaml"
    bad.write_text(TAXONOMY.format(threshold=0.5).replace("type: metadata", "type: meta"),
                   "utf-8")
    result = CliRunner().invoke(app, ["recategorise", "--taxonomy", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}:19:" in result.output and "'type' must be one of" in result.output
    check = CliRunner().invoke(app, ["taxonomy", "check", str(bad)])
    assert check.exit_code == 1 and "invalid:" in check.output
    page = api.get(f"/api/v1/calls/{api.world.calls['a1_flagged']}", "sup").json()
    assert page["reasons"] == []


def test_metadata_rules_see_the_recorders_own_fields(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sidecar's ``category`` or ``product`` is kept under the stored metadata's
    ``extra``; a metadata rule and the product still find them."""
    from sqlalchemy import update

    from pipeline.db.models import Call
    from pipeline.db.session import session_scope
    from pipeline.metadata import parse_metadata
    from pipeline.settings import get_settings

    monkeypatch.setenv("CALLQA_DATABASE_URL", api.world.url)
    get_settings.cache_clear()
    stored = parse_metadata({"queue": "sales", "category": "Lead", "product": "mobile"})
    with session_scope(api.world.url) as s:
        s.execute(update(Call).where(Call.id == api.world.calls["a2_flagged"])
                  .values(call_metadata=stored.to_dict()))
    taxonomy = tmp_path / "leads.yaml"
    taxonomy.write_text(TAXONOMY.format(threshold=0.5).replace(
        "field: queue, equals: [billing]", "field: category, equals: [lead]"), "utf-8")
    assert _run(["--taxonomy", str(taxonomy), "--call", api.world.calls["a2_flagged"]])[
        "primary"] == {"billing.any": 1}
    page = api.get(f"/api/v1/calls/{api.world.calls['a2_flagged']}", "sup").json()
    assert page["product"] == "mobile"
    assert [r["code"] for r in page["reasons"]] == ["billing.any", "legal.lawyer"]
