"""Coaching through the API, on SQLite and PostgreSQL: a trainer gives agent1 a criterion
of a call with a note and a due date, agent1 sees only their own tasks and marks it done,
its assigner reopens it, it shows on agent1's trend; bad input is refused with a sentence;
overdue tasks are found by their due date; under team scoping a trainer of another team
cannot reach the agent; every step is audited.

The world (tests/api/conftest.py): agent1 is A-1 (Billing: a1_flagged, a1_clean), agent2
is A-2 (Sales: a2_flagged); each agent has one task from sup (criterion empathy)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, seed
from tests.api.test_api_team_scope import _give_teams

PATH = "/api/v1/coaching"
TODAY = datetime.now(UTC).date()
EMPATHY_EN = "Acknowledges the customer's problem with empathy"
EMPATHY_TR = "Müşterinin sorununu empatiyle karşılama"


@pytest.fixture
def db_url(both_db_url: str) -> str:
    """The seeded world (tests/api/conftest.py's ``api``) on SQLite and on PostgreSQL."""
    return both_db_url


def _assign(api: Api, user: str = "trainer", **body: object) -> dict[str, object]:
    r = api.post(PATH, user, json={"note": "Say sorry before you explain.", **body})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _sentence(r: object, *words: str) -> str:
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    message = str(r.json()["error"]["message"])  # type: ignore[attr-defined]
    for word in words:
        assert word in message, message
    return message


def test_assign_list_complete_reopen_and_delete(api: Api) -> None:
    w = api.world
    due = TODAY + timedelta(days=3)
    task = _assign(api, call_id=w.calls["a1_flagged"], criterion_id="empathy",
                   due_on=due.isoformat())
    # the agent is the call's, the criterion titled in the reader's language
    assert task["agent"] == "A-1" and task["agent_name"] == "Ayşe Yılmaz"
    assert task["title"] == EMPATHY_EN and task["call_is_agents"] is True
    assert task["status"] == "open" and task["overdue"] is False
    assert task["due_on"] == due.isoformat() and task["created_by_name"] == "trainer"
    assert "[CARD]" in str(task["example"]) and "4111" not in str(task["example"])
    tr = api.get(f"{PATH}/{task['id']}", "agent1", headers={"Accept-Language": "tr"}).json()
    assert tr["title"] == EMPATHY_TR

    # an agent sees their own tasks only, open ones first
    mine = api.get(PATH, "agent1").json()
    assert mine["count"] == 2 and {t["agent"] for t in mine["data"]} == {"A-1"}
    assert mine["data"][0]["id"] == task["id"]  # the one with a due date before none
    theirs = api.get(PATH, "agent2").json()
    assert [t["id"] for t in theirs["data"]] == [w.coaching["a2_flagged"]]
    assert api.get(f"{PATH}/{task['id']}", "agent2").status_code == 404
    assert api.get(PATH, "agent1", params={"agent_id": 2}).json()["count"] == 0

    # only the agent it is for marks it done
    assert api.post(f"{PATH}/{task['id']}/done", "agent2", json={}).status_code == 404
    refused = api.post(f"{PATH}/{task['id']}/done", "sup", json={})
    assert refused.status_code == 403 and "only the agent" in refused.json()["error"]["message"]
    done = api.post(f"{PATH}/{task['id']}/done", "agent1", json={"done_note": "Listened twice."})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["done_note"] == "Listened twice."
    assert done.json()["done_at"]
    again = api.post(f"{PATH}/{task['id']}/done", "agent1", json={})
    assert again.status_code == 409 and "done already" in again.json()["error"]["message"]
    assert [t["id"] for t in api.get(PATH, "agent1", params={"status": "done"}).json()[
        "data"]] == [task["id"]]

    # reopen and change: the assigner or an admin, nobody else
    other = api.patch(f"{PATH}/{task['id']}", "sup", json={"status": "open"})
    assert other.status_code == 403 and "given by trainer" in other.json()["error"]["message"]
    assert api.patch(f"{PATH}/{task['id']}", "agent1", json={"status": "open"}).status_code == 403
    reopened = api.patch(f"{PATH}/{task['id']}", "trainer", json={"status": "open"})
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open" and reopened.json()["done_at"] is None
    cleared = api.patch(f"{PATH}/{task['id']}", "admin", json={"due_on": None, "note": "Again."})
    assert cleared.json()["due_on"] is None and cleared.json()["note"] == "Again."
    nothing = api.patch(f"{PATH}/{task['id']}", "trainer", json={})
    _sentence(nothing, "nothing to change")
    assert api.delete(f"{PATH}/{task['id']}", "sup").status_code == 403
    assert api.delete(f"{PATH}/{task['id']}", "trainer").status_code == 204
    assert api.get(f"{PATH}/{task['id']}", "trainer").status_code == 404

    # every step is in the audit log, by whom
    for action in ("coaching.assign", "coaching.done", "coaching.reopen", "coaching.update",
                   "coaching.delete"):
        assert [e["object_id"] for e in api.audit(action)] == [str(task["id"])], action
    (assigned,) = api.audit("coaching.assign")
    assert assigned["user_id"] == w.users["trainer"] and assigned["object_id"] == str(task["id"])
    assert assigned["detail"]["criterion_id"] == "empathy"
    (finished,) = api.audit("coaching.done")
    assert finished["user_id"] == w.users["agent1"]
    assert finished["detail"]["done_note"] == "Listened twice."


def test_bad_input_is_refused_with_a_sentence(api: Api) -> None:
    w = api.world
    _sentence(api.post(PATH, "trainer", json={"agent": "A-1", "note": "Listen."}),
              "say what to work on")
    _sentence(api.post(PATH, "trainer", json={
        "agent": "A-1", "criterion_id": "empathy", "note": "Listen.",
        "due_on": (TODAY - timedelta(days=1)).isoformat()}), "has passed", "later day")
    _sentence(api.post(PATH, "trainer", json={"agent": "A-1", "criterion_id": "charisma",
                                              "note": "Listen."}), "no criterion 'charisma'")
    _sentence(api.post(PATH, "trainer", json={"criterion_id": "empathy", "note": "Listen."}),
              "which agent")
    _sentence(api.post(PATH, "trainer", json={"agent": "A-1", "criterion_id": "empathy",
                                              "note": "   "}), "write a note")
    _sentence(api.post(PATH, "trainer", json={
        "call_id": w.calls["a1_clean"], "clip_id": w.clips["a1_flagged"], "note": "Listen."}),
        "is not of call")
    bad_date = api.post(PATH, "trainer", json={"agent": "A-1", "criterion_id": "empathy",
                                               "note": "x", "due_on": "31.12.2026"})
    assert bad_date.status_code == 422 and "due_on" in bad_date.json()["error"]["message"]
    unknown = api.post(PATH, "trainer", json={"agent": "A-9", "criterion_id": "empathy",
                                              "note": "Listen."})
    assert unknown.status_code == 404 and "A-9" in unknown.json()["error"]["message"]
    assert api.post(PATH, "agent1", json={"agent": "A-1", "criterion_id": "empathy",
                                          "note": "Listen."}).status_code == 403
    task = _assign(api, agent="A-1", criterion_id="empathy")
    _sentence(api.patch(f"{PATH}/{task['id']}", "trainer", json={
        "due_on": (TODAY - timedelta(days=2)).isoformat()}), "has passed")
    assert api.get(PATH, "agent1").json()["count"] == 2  # nothing refused was saved


def test_overdue_tasks_by_their_due_date(api: Api) -> None:
    from sqlalchemy import update

    from pipeline.db.coaching_records import CoachingTask
    from pipeline.db.session import session_scope

    late = _assign(api, agent="A-1", criterion_id="greeting", due_on=TODAY.isoformat())
    soon = _assign(api, agent="A-1", criterion_id="empathy",
                   due_on=(TODAY + timedelta(days=5)).isoformat())
    assert api.get(PATH, "sup", params={"overdue": "true"}).json()["count"] == 0
    with session_scope(api.world.url) as s:  # the day it was due has gone by
        s.execute(update(CoachingTask).where(CoachingTask.id == late["id"])
                  .values(due_on=TODAY - timedelta(days=2)))
    found = api.get(PATH, "sup", params={"overdue": "true"}).json()
    assert [t["id"] for t in found["data"]] == [late["id"]] and found["data"][0]["overdue"]
    everything = api.get(PATH, "sup").json()["data"]
    assert [t["id"] for t in everything][:2] == [late["id"], soon["id"]]  # overdue first
    api.post(f"{PATH}/{late['id']}/done", "agent1", json={})
    assert api.get(PATH, "sup", params={"overdue": "true"}).json()["count"] == 0  # done is done

    # the library takes the day to judge by
    from pipeline.db.accounts import User
    from scoring.work.coaching import list_tasks

    with session_scope(api.world.url) as s:
        sup = s.get(User, api.world.users["sup"])
        assert sup is not None
        rows, count = list_tasks(s, sup, overdue_only=True, today=TODAY + timedelta(days=6))
        assert count == 1 and [t.id for t in rows] == [soon["id"]]


def test_the_trend_shows_the_coaching_done(api: Api) -> None:
    w = api.world
    task = _assign(api, call_id=w.calls["a1_flagged"], criterion_id="empathy")
    before = api.get("/api/v1/me/trend", "agent1").json()
    assert before["coaching"] == []
    assert api.post(f"{PATH}/{task['id']}/done", "agent1", json={}).status_code == 200
    trend = api.get("/api/v1/me/trend", "agent1", params={"period": "week"}).json()
    (mark,) = trend["coaching"]
    monday = TODAY - timedelta(days=TODAY.weekday())
    assert mark == {"task_id": task["id"], "day": TODAY.isoformat(),
                    "bucket": monday.isoformat(), "title": EMPATHY_EN}
    tr = api.get("/api/v1/me/trend", "agent1", headers={"Accept-Language": "tr"}).json()
    assert tr["coaching"][0]["title"] == EMPATHY_TR
    by_sup = api.get("/api/v1/me/trend", "sup", params={"agent_id": task["agent_id"],
                                                         "period": "month"}).json()
    assert by_sup["coaching"][0]["bucket"] == TODAY.replace(day=1).isoformat()
    earlier = api.get("/api/v1/me/trend", "agent1", params={
        "until": (TODAY - timedelta(days=1)).isoformat()}).json()
    assert earlier["coaching"] == [] and len(earlier["data"]) == len(before["data"])
    assert api.get("/api/v1/me/trend", "agent2").json()["coaching"] == []


def test_an_example_from_another_agents_call_is_read_through_the_task_only(api: Api) -> None:
    w = api.world
    task = _assign(api, "admin", agent="A-1", clip_id=w.clips["a2_flagged"])
    assert task["call_id"] == w.calls["a2_flagged"] and task["call_is_agents"] is False
    assert task["title"] == "legal"  # the clip's tag
    seen = api.get(f"{PATH}/{task['id']}", "agent1").json()
    text = " ".join(line["text"] for line in seen["example"])
    assert "[CARD]" in text and "a2-flagged" in text and "4111" not in text
    assert api.get(f"/api/v1/calls/{w.calls['a2_flagged']}", "agent1").status_code == 404
    assert api.get(f"/api/v1/clips/{w.clips['a2_flagged']}", "agent1").status_code == 404


@pytest.fixture
def scoped(db_url: str, callqa_home: Path) -> Iterator[Api]:
    """The world under CALLQA_TEAM_SCOPING, the trainer working in Sales, sup in Billing."""
    from api.app import create_app
    from pipeline.settings import Settings

    world = seed(db_url, callqa_home / "recordings")
    _give_teams(db_url, {"trainer": ["Sales"], "sup": ["Billing"]})
    settings = Settings(home=callqa_home, database_url=db_url, team_scoping=True)
    with TestClient(create_app(settings)) as client:
        yield Api(client, world, settings)


def test_a_trainer_of_another_team_cannot_coach_the_agent(scoped: Api) -> None:
    w = scoped.world
    a1 = scoped.get(f"{PATH}/{w.coaching['a1_flagged']}", "admin").json()["agent_id"]
    for body in ({"agent": "A-1", "criterion_id": "empathy"},
                 {"agent_id": a1, "criterion_id": "empathy"},
                 {"call_id": w.calls["a1_flagged"]}, {"clip_id": w.clips["a1_flagged"]}):
        r = scoped.post(PATH, "trainer", json={"note": "Listen.", **body})
        assert r.status_code == 404, (body, r.text)
        assert "Ayşe" not in r.text
    # a Sales call as an example for a Billing agent: the agent is still out of sight
    r = scoped.post(PATH, "trainer", json={"note": "Listen.", "agent": "A-1",
                                           "call_id": w.calls["a2_flagged"]})
    assert r.status_code == 404, r.text
    own = scoped.post(PATH, "trainer", json={"note": "Listen.", "agent": "A-2",
                                             "call_id": w.calls["a2_flagged"]})
    assert own.status_code == 201, own.text
    # each sees the tasks of their teams' agents only; another team's task is missing
    assert {t["agent"] for t in scoped.get(PATH, "trainer").json()["data"]} == {"A-2"}
    assert {t["agent"] for t in scoped.get(PATH, "sup").json()["data"]} == {"A-1"}
    assert scoped.get(f"{PATH}/{own.json()['id']}", "sup").status_code == 404
    assert scoped.get(f"{PATH}/{w.coaching['a1_flagged']}", "trainer").status_code == 404
    assert scoped.get(PATH, "admin").json()["count"] == 3


def test_cli_lists_tasks_in_80_columns_and_as_json_and_csv(
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
    long = _assign(api, agent="A-1", criterion_id="empathy",
                   due_on=(TODAY + timedelta(days=1)).isoformat())
    runner = CliRunner()
    table = runner.invoke(app, ["coaching", "list"], env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["ID", "AGENT", "STATUS", "DUE", "BY", "WHAT"]
    assert max(len(line) for line in lines) <= 80, table.output
    assert "null" not in table.output and "None" not in table.output
    assert lines[1].split()[:4] == [str(long["id"]), "A-1", "open",
                                    (TODAY + timedelta(days=1)).isoformat()]
    assert "Acknowledges the customer" in lines[1] and lines[1].endswith("…")  # cut to fit
    assert lines[-1] == "3 tasks"
    mine = runner.invoke(app, ["coaching", "list", "--agent", "A-2", "--json"])
    rows = json.loads(mine.output)
    assert [r["id"] for r in rows] == [api.world.coaching["a2_flagged"]]
    assert rows[0]["title"] == EMPATHY_EN and rows[0]["overdue"] is False
    sheet = runner.invoke(app, ["coaching", "list", "--status", "open", "--csv"])
    parsed = list(csv.DictReader(io.StringIO(sheet.output)))
    assert len(parsed) == 3 and parsed[0]["agent"] == "A-1" and parsed[0]["due_on"]
    assert runner.invoke(app, ["coaching", "list", "--overdue"]).output.splitlines()[-1] \
        == "0 tasks"
    for args, message in ((["--agent", "A-9"], "no agent 'A-9'"),
                          (["--status", "late"], "open or done"),
                          (["--json", "--csv"], "not both")):
        refused = runner.invoke(app, ["coaching", "list", *args])
        assert refused.exit_code == 1 and message in refused.output, refused.output
    get_settings.cache_clear()
