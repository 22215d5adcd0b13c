"""The agent's own view: the score trend beside the team's (exact numbers on seeded data,
per week, day and month), their scorecards, acknowledging a scorecard (recorded in the
audit log), and the scope rules (an agent never sees another agent's trend or scorecards,
and cannot acknowledge another's score)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.api.conftest import Api, World, scorecard

# Billing has A-1 (agent1) and A-3 (agent3). The shared world gives A-1 44.4 on Fri
# 2026-11-20 and 100.0 on Sun 2026-11-22 (week of Mon 2026-11-16); A-2 is in Sales.
EXTRA = {  # name -> agent, started, total, auto_failed
    "a3_w1": ("A-3", datetime(2026, 11, 18, 9), 80.0, False),
    "a1_w2": ("A-1", datetime(2026, 11, 24, 23, 30), 70.0, True),
    "a3_w2": ("A-3", datetime(2026, 11, 29, 8), 60.0, False),  # Sunday: still week 2
}


def add_billing_agent(world: World) -> None:
    """A-3 in Billing with user agent3, more scorecards, and a replaced (not current)
    scorecard of A-1 that must not count."""
    from sqlalchemy import select

    from pipeline.db.accounts import User
    from pipeline.db.models import Agent, Call, RubricRecord, Team
    from pipeline.db.scores import save_scorecard
    from pipeline.db.session import session_scope
    from scoring.work.credentials import issue_token
    from tests.api.conftest import password_hash

    with session_scope(world.url) as s:
        billing = s.scalar(select(Team).where(Team.name == "Billing"))
        rubric = s.scalar(select(RubricRecord))
        assert billing is not None and rubric is not None
        agents = {a.external_id: a for a in s.scalars(select(Agent))}
        agents["A-3"] = Agent(external_id="A-3", name="Zeynep Kaya", team=billing)
        s.add(agents["A-3"])
        for name, (agent, started, total, failed) in EXTRA.items():
            call = Call(content_hash=name, source_key=f"2026/{name}.wav", store_url="x",
                        status="done", agent=agents[agent], team=billing,
                        started_at=started.replace(tzinfo=UTC))
            s.add(call)
            s.flush()
            card = {**scorecard({}, []), "total": 0.0, "auto_failed": False}
            old = save_scorecard(s, call.id, rubric.id, card)  # replaced below: history
            s.flush()
            world.scores[f"{name}_old"] = old.id
            new = save_scorecard(s, call.id, rubric.id,
                                 {**card, "total": total, "auto_failed": failed})
            s.flush()
            world.calls[name], world.scores[name] = call.id, new.id
        user = User(username="agent3", full_name="Agent3", role="agent", agent=agents["A-3"],
                    password_hash=password_hash(), active=True)
        s.add(user)
        s.flush()
        world.users["agent3"] = user.id
        world.tokens["agent3"] = issue_token(s, user, 60)[0]
        world.agents = {k: a.id for k, a in agents.items()}  # type: ignore[attr-defined]


@pytest.fixture
def me(api: Api) -> Api:
    add_billing_agent(api.world)
    return api


def agent_id(api: Api, external: str) -> int:
    return int(api.world.agents[external])  # type: ignore[attr-defined]


def test_weekly_trend_has_exact_agent_and_team_averages(me: Api) -> None:
    r = me.get("/api/v1/me/trend", "agent1", params={"period": "week"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["agent"], body["team"], body["period"]) == ("A-1", "Billing", "week")
    assert body["data"] == [
        {"start": "2026-11-16", "average": 72.2, "calls": 2, "auto_fails": 0,
         "team_average": 74.8, "team_calls": 3},  # (44.4 + 100) / 2; (44.4 + 100 + 80) / 3
        {"start": "2026-11-23", "average": 70.0, "calls": 1, "auto_fails": 1,
         "team_average": 65.0, "team_calls": 2},  # 70; (70 + 60) / 2
    ]
    three = me.get("/api/v1/me/trend", "agent3").json()  # week is the default
    assert [(b["start"], b["average"], b["calls"], b["team_average"])
            for b in three["data"]] == [("2026-11-16", 80.0, 1, 74.8),
                                        ("2026-11-23", 60.0, 1, 65.0)]


def test_daily_and_monthly_trend_and_date_range(me: Api) -> None:
    daily = me.get("/api/v1/me/trend", "agent1", params={"period": "day"}).json()["data"]
    assert [(b["start"], b["average"], b["calls"], b["team_average"]) for b in daily] == [
        ("2026-11-18", None, 0, 80.0),  # only A-3 that day: the team's, not the agent's
        ("2026-11-20", 44.4, 1, 44.4), ("2026-11-22", 100.0, 1, 100.0),
        ("2026-11-24", 70.0, 1, 70.0), ("2026-11-29", None, 0, 60.0),
    ]
    monthly = me.get("/api/v1/me/trend", "agent1", params={"period": "month"}).json()["data"]
    assert monthly == [{"start": "2026-11-01", "average": 71.47, "calls": 3, "auto_fails": 1,
                        "team_average": 70.88, "team_calls": 5}]
    ranged = me.get("/api/v1/me/trend", "agent1",
                    params={"since": "2026-11-21", "until": "2026-11-24"}).json()["data"]
    assert [(b["start"], b["average"], b["calls"], b["team_average"]) for b in ranged] == [
        ("2026-11-16", 100.0, 1, 100.0), ("2026-11-23", 70.0, 1, 70.0)]  # until included
    assert me.get("/api/v1/me/trend", "agent1",
                  params={"period": "year"}).status_code == 422


def test_trend_bucketing_in_sql_matches_python_on_this_database(me: Api) -> None:
    from pipeline.db.buckets import bucket_start
    from pipeline.db.session import session_scope
    from pipeline.db.trends import agent_trend

    with session_scope(me.world.url) as s:
        weeks = agent_trend(s, agent_id(me, "A-1"), "week")
    assert [b.start for b in weeks] == [date(2026, 11, 16), date(2026, 11, 23)]
    assert all(b.start.weekday() == 0 for b in weeks)  # Mondays
    with pytest.raises(ValueError):
        bucket_start("sqlite", "year", None)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        bucket_start("mssql", "week", None)


def test_supervisors_see_any_agent_and_agents_only_themselves(me: Api) -> None:
    a3 = agent_id(me, "A-3")
    sup = me.get("/api/v1/me/trend", "sup", params={"agent_id": a3}).json()
    assert sup["agent"] == "A-3" and [b["average"] for b in sup["data"]] == [80.0, 60.0]
    assert me.get("/api/v1/me/trend", "admin",
                  params={"agent_id": agent_id(me, "A-2")}).json()["team"] == "Sales"
    assert me.get("/api/v1/me/trend", "sup").status_code == 422  # whose?
    assert me.get("/api/v1/me/trend", "sup", params={"agent_id": 10**6}).status_code == 404
    assert me.get("/api/v1/me/trend", "trainer", params={"agent_id": a3}).status_code == 403
    # an agent asking for another agent (same team or not) is refused; their own id is fine
    for path in ("/api/v1/me/trend", "/api/v1/me/scorecards"):
        for other in ("A-3", "A-2"):
            r = me.get(path, "agent1", params={"agent_id": agent_id(me, other)})
            assert r.status_code == 403, (path, other, r.text)
            assert "Zeynep" not in r.text and "80.0" not in r.text
        assert me.get(path, "agent1",
                      params={"agent_id": agent_id(me, "A-1")}).status_code == 200
    listed = me.get("/api/v1/me/scorecards", "sup", params={"agent_id": a3}).json()
    assert [c["call_id"] for c in listed["data"]] == [me.world.calls["a3_w2"],
                                                       me.world.calls["a3_w1"]]


def test_unauthenticated_gets_401(me: Api) -> None:
    for method, path in [("GET", "/api/v1/me/trend"), ("GET", "/api/v1/me/scorecards"),
                         ("POST", f"/api/v1/scores/{me.world.scores['a1_clean']}/acknowledge")]:
        r = me.request(method, path)
        assert r.status_code == 401, (method, path)
        assert r.json()["error"]["code"]
        r = me.request(method, path, headers={"Authorization": "Bearer nonsense"})
        assert r.status_code == 401, (method, path)


def test_my_scorecards_are_mine_newest_first_and_paginated(me: Api) -> None:
    w = me.world
    r = me.get("/api/v1/me/scorecards", "agent1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 3
    assert [c["call_id"] for c in body["data"]] == [w.calls["a1_w2"], w.calls["a1_clean"],
                                                     w.calls["a1_flagged"]]
    first = body["data"][0]
    assert first["id"] == w.scores["a1_w2"] and first["total"] == 70.0
    assert first["auto_failed"] is True and first["rubric"] == "inbound_service_en"
    assert first["acknowledged_at"] is None and first["dispute_status"] is None
    page = me.get("/api/v1/me/scorecards", "agent1", params={"skip": 1, "limit": 1}).json()
    assert page["count"] == 3 and [c["call_id"] for c in page["data"]] == [w.calls["a1_clean"]]
    theirs = me.get("/api/v1/me/scorecards", "agent2").json()
    assert [c["dispute_status"] for c in theirs["data"]] == ["open"]
    assert not {c["call_id"] for c in theirs["data"]} & {w.calls["a1_clean"]}


def test_acknowledging_my_scorecard_is_recorded_and_audited(me: Api) -> None:
    w = me.world
    before = datetime.now(UTC)
    score = w.scores["a1_clean"]
    r = me.post(f"/api/v1/scores/{score}/acknowledge", "agent1")
    assert r.status_code == 200, r.text
    ack = r.json()
    assert (ack["score_id"], ack["call_id"], ack["acknowledged_by"]) == (
        score, w.calls["a1_clean"], "agent1")
    assert datetime.fromisoformat(ack["acknowledged_at"]) >= before.replace(microsecond=0)

    again = me.post(f"/api/v1/scores/{score}/acknowledge", "agent1")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    listed = {c["id"]: c for c in me.get("/api/v1/me/scorecards", "agent1").json()["data"]}
    assert listed[score]["acknowledged_at"] == ack["acknowledged_at"]
    assert listed[w.scores["a1_flagged"]]["acknowledged_at"] is None

    entries = me.audit("score.acknowledge")
    assert len(entries) == 1  # the refused second try wrote nothing
    entry = entries[0]
    assert entry["username"] == "agent1" and entry["user_id"] == w.users["agent1"]
    assert (entry["object_type"], entry["object_id"]) == ("score", str(score))
    assert entry["detail"]["call_id"] == w.calls["a1_clean"]
    assert entry["at"] == ack["acknowledged_at"]


def test_acknowledge_refusals(me: Api) -> None:
    w = me.world
    # another agent's scorecard, in another team or the same team: 404 like a missing one
    for other in ("a2_flagged", "a3_w1"):
        r = me.post(f"/api/v1/scores/{w.scores[other]}/acknowledge", "agent1")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", other
        assert w.calls[other] not in r.text
    assert me.post("/api/v1/scores/999999/acknowledge", "agent1").status_code == 404
    # a disputed scorecard (open dispute): 409 until decided
    r = me.post(f"/api/v1/scores/{w.scores['a2_flagged']}/acknowledge", "agent2")
    assert r.status_code == 409 and "dispute" in r.json()["error"]["message"]
    # a replaced scorecard: acknowledge the current one
    r = me.post(f"/api/v1/scores/{w.scores['a1_w2_old']}/acknowledge", "agent1")
    assert r.status_code == 409 and "replaced" in r.json()["error"]["message"]
    # not an agent: 403
    for user in ("sup", "admin", "trainer"):
        r = me.post(f"/api/v1/scores/{w.scores['a1_clean']}/acknowledge", user)
        assert r.status_code == 403, user
    assert me.audit("score.acknowledge") == []
    # once the dispute is decided, the (new) current scorecard can be acknowledged
    d = me.post(f"/api/v1/disputes/{w.disputes['a2_flagged']}/decision", "sup",
                json={"decision": "rejected", "comment": "stands"})
    assert d.status_code == 200, d.text
    r = me.post(f"/api/v1/scores/{w.scores['a2_flagged']}/acknowledge", "agent2")
    assert r.status_code == 200, r.text
    mine = me.get("/api/v1/me/scorecards", "agent2").json()["data"]
    assert mine[0]["dispute_status"] == "rejected" and mine[0]["acknowledged_at"]


def test_routes_have_tags_and_summaries(me: Api) -> None:
    spec = me.client.get("/api/v1/openapi.json").json()
    for path, method in [("/api/v1/me/trend", "get"), ("/api/v1/me/scorecards", "get"),
                         ("/api/v1/scores/{score_id}/acknowledge", "post")]:
        op = spec["paths"][path][method]
        assert op["tags"] == ["me"] and op["summary"], path
        assert {"401", "403", "404"} <= set(op["responses"]), path
    assert "me" in {t["name"] for t in spec["tags"]}


def test_trend_is_the_same_on_sqlite_and_postgresql(both_db_url: str, callqa_home: Path) -> None:
    from pipeline.db.session import session_scope
    from pipeline.db.trends import agent_trend
    from tests.api.conftest import seed

    world = seed(both_db_url, callqa_home / "recordings")
    add_billing_agent(world)
    a1 = int(world.agents["A-1"])  # type: ignore[attr-defined]
    with session_scope(both_db_url) as s:
        weeks = [(b.start, b.average, b.calls, b.auto_fails, b.team_average, b.team_calls)
                 for b in agent_trend(s, a1, "week")]
        days = [(b.start, b.average, b.team_average) for b in agent_trend(s, a1, "day")]
        months = [(b.start, b.average, b.team_average) for b in agent_trend(s, a1, "month")]
        ranged = [(b.start, b.calls) for b in agent_trend(
            s, a1, "week", since=date(2026, 11, 21), until=date(2026, 11, 24))]
    assert weeks == [(date(2026, 11, 16), 72.2, 2, 0, 74.8, 3),
                     (date(2026, 11, 23), 70.0, 1, 1, 65.0, 2)]
    assert days == [(date(2026, 11, 18), None, 80.0), (date(2026, 11, 20), 44.4, 44.4),
                    (date(2026, 11, 22), 100.0, 100.0), (date(2026, 11, 24), 70.0, 70.0),
                    (date(2026, 11, 29), None, 60.0)]
    assert months == [(date(2026, 11, 1), 71.47, 70.88)]
    assert ranged == [(date(2026, 11, 16), 1), (date(2026, 11, 23), 1)]
