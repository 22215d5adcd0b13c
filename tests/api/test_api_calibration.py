"""Calibration sessions through the API: reviewers score one call blind (nobody sees
another's verdicts or the automatic ones until it is revealed), it is revealed when
every reviewer has submitted or when the organiser says so, then all verdicts are side
by side; uninvited users, agents and other teams get nothing; every step is audited; the
agreement report's figures equal hand-computed ones. On SQLite and PostgreSQL.

The world (tests/api/conftest.py): a1_flagged is Billing's, automatic verdicts greeting
pass, recording_disclosure pass, identity_verification na, empathy fail; a2_flagged is
Sales', greeting fail, with sup2's open review. Users were made in the order admin, sup,
sup2, trainer, agent1, agent2, so their ids rise in that order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, seed
from tests.api.test_api_team_scope import _give_teams

CRITERIA = ("greeting", "recording_disclosure", "identity_verification", "empathy")


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def _open(api: Api, user: str, call: str, *reviewers: str) -> Any:
    ids = [api.world.users[r] for r in reviewers]
    return api.post("/api/v1/calibrations", user,
                    json={"call_id": api.world.calls[call], "reviewer_ids": ids,
                          "title": "November calibration"})


def _verdicts(api: Api, call: str, said: dict[str, str]) -> dict[str, Any]:
    results = api.world.results[call]
    return {"verdicts": [{"criterion_result_id": results[c], "verdict": v,
                          "comment": f"{c} looked {v}"} for c, v in said.items()]}


def _submit(api: Api, user: str, session_id: int, call: str, said: dict[str, str]) -> Any:
    return api.put(f"/api/v1/calibrations/{session_id}/verdicts", user,
                   json=_verdicts(api, call, said))


SUP = {"greeting": "pass", "recording_disclosure": "pass", "identity_verification": "na",
       "empathy": "pass"}
TRAINER = {"greeting": "pass", "recording_disclosure": "fail",
           "identity_verification": "na", "empathy": "pass"}


def test_reviewers_score_blind_until_everyone_has_submitted(api: Api) -> None:
    made = _open(api, "sup", "a1_flagged", "sup", "trainer")
    assert made.status_code == 201, made.text
    session = made.json()
    sid = session["id"]
    assert session["status"] == "open" and session["organiser"] == "sup"
    assert [r["username"] for r in session["reviewers"]] == ["sup", "trainer"]
    assert all(c["automatic"] is None for c in session["criteria"])  # blind
    assert [c["criterion_id"] for c in session["criteria"]] == list(CRITERIA)
    assert session["criteria"][0]["title"] == "Greets with the company and their own name"
    turkish = api.get(f"/api/v1/calibrations/{sid}", "trainer",
                      headers={"Accept-Language": "tr"}).json()
    assert turkish["criteria"][0]["title"] == "Şirket adı ve kendi adıyla karşılama"

    partial = api.put(f"/api/v1/calibrations/{sid}/verdicts", "sup",
                      json=_verdicts(api, "a1_flagged", {"greeting": "pass"}))
    assert partial.status_code == 422
    assert "every criterion" in partial.json()["error"]["message"]
    other_call = {"verdicts": [{"criterion_result_id": api.world.results["a2_flagged"][c],
                                "verdict": "pass"} for c in CRITERIA]}
    stray = api.put(f"/api/v1/calibrations/{sid}/verdicts", "sup", json=other_call)
    assert stray.status_code == 422 and "not on this" in stray.json()["error"]["message"]

    first = _submit(api, "sup", sid, "a1_flagged", SUP)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["status"] == "open" and body["submitted"]
    mine = {c["criterion_id"]: c["mine"]["verdict"] for c in body["criteria"]}
    assert mine == SUP
    assert all(c["automatic"] is None and c["verdicts"] == [] for c in body["criteria"])

    # the trainer, not yet submitted, sees neither sup's verdicts nor the automatic ones
    seen = api.get(f"/api/v1/calibrations/{sid}", "trainer")
    assert seen.status_code == 200
    assert all(c["mine"] is None and c["verdicts"] == [] and c["automatic"] is None
               for c in seen.json()["criteria"])
    assert "looked" not in seen.text
    listed = api.get("/api/v1/calibrations", "trainer", params={"status": "open"}).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == sid
    assert not listed["data"][0]["submitted"]
    # nor through the call page or the scorecard routes: blind means blind in the API
    call_id, score_id = api.world.calls["a1_flagged"], api.world.scores["a1_flagged"]
    page = api.get(f"/api/v1/calls/{call_id}", "trainer").json()
    assert page["blind_calibration"] == sid and page["scorecard"] is None
    assert page["score"] is None and page["flags"] == [] and page["utterances"]
    card = api.get(f"/api/v1/scores/{score_id}", "trainer")
    assert card.status_code == 403 and "blind" in card.json()["error"]["message"]
    history = api.get("/api/v1/scores", "trainer", params={"call_id": call_id})
    assert history.status_code == 403
    organiser = api.get(f"/api/v1/calls/{call_id}", "admin").json()  # not a reviewer
    assert organiser["blind_calibration"] is None and organiser["scorecard"]["total"] is not None

    last = _submit(api, "trainer", sid, "a1_flagged", TRAINER)
    assert last.status_code == 200, last.text
    revealed = last.json()
    assert revealed["status"] == "revealed" and revealed["revealed_at"]
    rows = {c["criterion_id"]: c for c in revealed["criteria"]}
    assert rows["empathy"]["automatic"] == "fail"
    assert [(s["username"], s["verdict"]) for s in rows["recording_disclosure"]["verdicts"]] == [
        ("sup", "pass"), ("trainer", "fail")]
    assert rows["greeting"]["agreement"] == "all"
    assert rows["empathy"]["agreement"] == "people"
    assert rows["recording_disclosure"]["agreement"] == "split"
    assert rows["empathy"]["verdicts"][0]["comment"] == "empathy looked pass"
    # sup now sees the trainer's too, and both see the call's scorecard again
    assert api.get(f"/api/v1/calls/{call_id}", "trainer").json()["scorecard"] is not None
    assert api.get(f"/api/v1/scores/{score_id}", "trainer").status_code == 200
    again = api.get(f"/api/v1/calibrations/{sid}", "sup").json()
    assert len(again["criteria"][1]["verdicts"]) == 2
    late = _submit(api, "sup", sid, "a1_flagged", TRAINER)
    assert late.status_code == 409 and "revealed" in late.json()["error"]["message"]

    opened, submitted = api.audit("calibration.open"), api.audit("calibration.submit")
    reveals = api.audit("calibration.reveal")
    assert opened[0]["detail"]["reviewers"] == ["sup", "trainer"]
    assert len(submitted) == 2 and submitted[0]["detail"]["verdicts"]["empathy"] in (
        "pass", "fail")
    assert reveals[0]["detail"]["why"] == "every reviewer submitted"


def test_the_organiser_reveals_early_and_others_get_nothing(api: Api) -> None:
    sid = _open(api, "sup", "a1_flagged", "sup2", "trainer").json()["id"]
    assert _submit(api, "sup2", sid, "a1_flagged", SUP).status_code == 200
    # uninvited supervisor: as if it did not exist; an agent: not their page
    assert api.get(f"/api/v1/calibrations/{sid}", "admin").status_code == 200
    missing = api.get(f"/api/v1/calibrations/{sid}", "agent1")
    assert missing.status_code == 403
    assert api.get("/api/v1/calibrations/999999", "sup").status_code == 404
    assert api.post("/api/v1/calibrations", "agent1",
                    json={"call_id": api.world.calls["a1_flagged"],
                          "reviewer_ids": [1, 2]}).status_code == 403
    assert api.post("/api/v1/calibrations", "trainer",
                    json={"call_id": api.world.calls["a1_flagged"],
                          "reviewer_ids": [1, 2]}).status_code == 403
    agent = _open(api, "sup", "a1_flagged", "sup2", "agent1")
    assert agent.status_code == 422 and "cannot review" in agent.json()["error"]["message"]
    alone = _open(api, "sup", "a1_flagged", "sup2")
    assert alone.status_code == 422

    # the organiser's own verdicts: they are not a reviewer of it
    assert _submit(api, "sup", sid, "a1_flagged", SUP).status_code == 403
    assert api.post(f"/api/v1/calibrations/{sid}/reveal", "trainer").status_code == 403
    watching = api.get(f"/api/v1/calibrations/{sid}", "sup").json()
    assert watching["may_reveal"] and not watching["reviewer"]
    assert [r["submitted_at"] is not None for r in watching["reviewers"]] == [True, False]
    assert all(c["verdicts"] == [] for c in watching["criteria"])
    shown = api.post(f"/api/v1/calibrations/{sid}/reveal", "sup")
    assert shown.status_code == 200, shown.text
    assert shown.json()["status"] == "revealed"
    assert len(shown.json()["criteria"][0]["verdicts"]) == 1
    assert api.post(f"/api/v1/calibrations/{sid}/reveal", "sup").status_code == 409
    assert api.audit("calibration.reveal")[0]["detail"]["why"] == "revealed by the organiser"
    assert api.get("/api/v1/calibrations", "sup").json()["count"] == 1
    assert api.get("/api/v1/calibrations", "admin").json()["count"] == 0  # not theirs


def test_the_agreement_report_equals_the_hand_computed_figures(api: Api) -> None:
    start = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    sid = _open(api, "sup", "a1_flagged", "sup", "trainer").json()["id"]
    _submit(api, "sup", sid, "a1_flagged", SUP)
    _submit(api, "trainer", sid, "a1_flagged", TRAINER)
    # sup2 closes their review of a2_flagged, turning its failed greeting into a pass
    review = api.world.reviews["a2_flagged"]
    greeting = api.world.results["a2_flagged"]["greeting"]
    assert api.put(f"/api/v1/reviews/{review}/criteria/{greeting}", "sup2",
                   json={"verdict": "pass", "comment": "greeted"}).status_code == 200
    assert api.post(f"/api/v1/reviews/{review}/close", "sup2", json={}).status_code == 200
    end = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()

    got = api.get("/api/v1/calibrations/agreement", "trainer",
                  params={"since": start, "until": end})
    assert got.status_code == 200, got.text
    report = got.json()
    assert report["sessions"] == 1 and report["reviews"] == 1
    rows = [(c["criterion_id"], c["automatic"], c["people"]) for c in report["criteria"]]
    assert [r[0] for r in rows] == ["recording_disclosure", "empathy", "greeting",
                                    "identity_verification"]
    by = {c: (a, p) for c, a, p in rows}
    # automatic against people: (pass,pass) (pass,fail) (pass,pass): 2/3, pe 2/3, kappa 0
    assert by["recording_disclosure"][0] == {"n": 3, "percent": 66.7, "kappa": 0.0}
    assert by["recording_disclosure"][1] == {"n": 1, "percent": 0.0, "kappa": 0.0}
    assert by["empathy"][0] == {"n": 3, "percent": 33.3, "kappa": 0.0}
    # one label on both sides: chance agreement 1, kappa undefined
    assert by["identity_verification"][0] == {"n": 3, "percent": 100.0, "kappa": None}
    assert by["greeting"][1] == {"n": 1, "percent": 100.0, "kappa": None}
    people = {r["username"]: (r["automatic"], r["people"]) for r in report["reviewers"]}
    assert [r["username"] for r in report["reviewers"]] == ["trainer", "sup", "sup2"]
    # sup: (pass,pass) (pass,pass) (na,na) (fail,pass): po 3/4, pe 7/16 -> 5/9
    assert people["sup"][0] == {"n": 4, "percent": 75.0, "kappa": 0.556}
    # trainer: po 1/2, pe 6/16 -> 0.2
    assert people["trainer"][0] == {"n": 4, "percent": 50.0, "kappa": 0.2}
    assert people["sup"][1] == people["trainer"][1] == {"n": 4, "percent": 75.0,
                                                        "kappa": 0.556}
    # sup2's review: (fail,pass) (pass,pass) (na,na) (fail,fail): po 3/4, pe 5/16 -> 7/11
    assert people["sup2"] == ({"n": 4, "percent": 75.0, "kappa": 0.636},
                              {"n": 0, "percent": None, "kappa": None})

    before = api.get("/api/v1/calibrations/agreement", "sup",
                     params={"since": "2026-01-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"})
    assert before.json()["sessions"] == 0 and before.json()["criteria"] == []
    backwards = api.get("/api/v1/calibrations/agreement", "sup",
                        params={"since": end, "until": start})
    assert backwards.status_code == 422 and "before" in backwards.json()["error"]["message"]
    assert api.get("/api/v1/calibrations/agreement", "agent1").status_code == 403


@pytest.fixture
def scoped(db_url: str, callqa_home: Path) -> Iterator[Api]:
    """Team scoping on: sup and trainer work in Billing, sup2 in Sales."""
    from api.app import create_app
    from pipeline.settings import Settings

    world = seed(db_url, callqa_home / "recordings")
    _give_teams(db_url, {"sup": ["Billing"], "trainer": ["Billing"], "sup2": ["Sales"]})
    settings = Settings(home=callqa_home, database_url=db_url, team_scoping=True)
    with TestClient(create_app(settings)) as client:
        yield Api(client, world, settings)


def test_team_scoping_holds(scoped: Api) -> None:
    api = scoped
    other_team = _open(api, "sup", "a1_flagged", "sup", "sup2")
    assert other_team.status_code == 422
    assert "sup2 cannot see this call" in other_team.json()["error"]["message"]
    assert _open(api, "sup", "a2_flagged", "sup", "trainer").status_code == 404
    choices = api.get("/api/v1/calibrations/reviewers", "sup",
                      params={"call_id": api.world.calls["a1_flagged"]}).json()
    assert [c["username"] for c in choices["data"]] == ["admin", "sup", "trainer"]
    sid = _open(api, "sup", "a1_flagged", "sup", "trainer").json()["id"]
    _submit(api, "sup", sid, "a1_flagged", SUP)
    _submit(api, "trainer", sid, "a1_flagged", TRAINER)
    assert api.get(f"/api/v1/calibrations/{sid}", "sup2").status_code == 404
    assert api.get("/api/v1/calibrations/agreement", "sup2").json()["sessions"] == 0
    assert api.get("/api/v1/calibrations/agreement", "sup").json()["sessions"] == 1


def test_cli_report_fits_80_columns_and_has_json_and_csv(
    api: Api, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from api.cli import app
    from pipeline.settings import get_settings

    monkeypatch.setenv("CALLQA_DATABASE_URL", api.world.url)
    get_settings.cache_clear()
    runner = CliRunner()
    empty = runner.invoke(app, ["calibration", "report"], env={"COLUMNS": "80"})
    assert empty.exit_code == 0, empty.output
    assert "0 calibration session(s)" in empty.output and "widen it" in empty.output
    sid = _open(api, "sup", "a1_flagged", "sup", "trainer").json()["id"]
    _submit(api, "sup", sid, "a1_flagged", SUP)
    _submit(api, "trainer", sid, "a1_flagged", TRAINER)

    table = runner.invoke(app, ["calibration", "report"], env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert max(len(line) for line in lines) <= 80, table.output
    assert "null" not in table.output and "None" not in table.output
    assert "n/a" in table.output  # greeting: both sides always pass
    lines = [line.rstrip() for line in lines]
    criteria = lines.index("Criteria, worst agreement first")
    assert lines[criteria + 3].split()[:2] == ["Acknowledges", "the"]  # empathy: 0% first
    assert lines[criteria + 3].split()[-6:] == ["2", "0.0%", "0.00", "1", "100.0%", "n/a"]
    reviewers = lines.index("Reviewers, worst agreement first")
    assert lines[reviewers + 3].split() == ["trainer", "4", "50.0%", "0.20", "4", "75.0%",
                                            "0.56"]
    as_json = json.loads(runner.invoke(app, ["calibration", "report", "--json"]).output)
    assert [r["id"] for r in as_json if r["kind"] == "criterion"] == [
        "empathy", "recording_disclosure", "greeting", "identity_verification"]
    trainer = next(r for r in as_json if r["name"] == "trainer")
    assert trainer["automatic_percent"] == 50.0 and trainer["automatic_kappa"] == 0.2
    sheet = runner.invoke(app, ["calibration", "report", "--csv", "--since", "2026-01-01"])
    parsed = list(csv.DictReader(io.StringIO(sheet.output)))
    assert len(parsed) == 6 and parsed[0]["kind"] == "criterion"
    assert parsed[-1]["people_kappa"] == "0.556"
    backwards = runner.invoke(app, ["calibration", "report", "--since", "2026-12-01",
                                    "--until", "2026-11-01"])
    assert backwards.exit_code == 1 and "before" in backwards.output
