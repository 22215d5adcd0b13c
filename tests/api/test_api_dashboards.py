"""Dashboard summaries: exact numbers on seeded data (two teams, three agents, two weeks,
auto-fails, flags, sentiment, metrics) per period and grouped by team, agent and category;
the CSV export matches the JSON; filters narrow the rows; the roles (401 without a token,
403 for agents); everything on SQLite and PostgreSQL alike (the ``dash`` fixture runs on
both)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, World, flag, scorecard, seed

URL = "/api/v1/dashboards/summary"

# The shared world (week of Mon 2026-11-16): A-1/Billing 44.4 flagged (Fri 20), A-1/Billing
# 100.0 (Sun 22), A-2/Sales 22.2 flagged (Sat 21); each with metrics duration 30,
# silence 60 %, agent talk 0.62, overtalk 0, and no sentiment.
# Week of Mon 2026-11-23: name -> agent, team, queue, direction, language, started, total,
# auto_failed, flags, customer end sentiment, metrics (duration, silence %, talk, overtalk)
# or None (then the call's duration, 45 s, counts), metadata as stored (the recorder's own
# fields, such as category, under "extra")
EXTRA: dict[str, tuple[Any, ...]] = {
    "x_a1": ("A-1", "Billing", "billing", "inbound", "en", datetime(2026, 11, 24, 10), 70.0,
             True, [flag("auto_fail", "critical", 95.0)], 0.5, (60.0, 20.0, 0.5, 2.0),
             {"extra": {"category": "refund"}}),
    "x_a3a": ("A-3", "Sales", "sales", "inbound", "en", datetime(2026, 11, 25, 10), 90.0,
              False, [], -0.2, (120.0, 10.0, 0.4, 4.0), {}),
    "x_a3b": ("A-3", "Sales", "sales", "outbound", "tr", datetime(2026, 11, 29, 8), 50.0,
              True, [], 0.1, None, {"extra": {"category": "refund"}}),
}
W1, W2 = "2026-11-16", "2026-11-23"


def add_dashboard_data(world: World) -> None:
    """Agent A-3 in Sales, three scored calls in week 2, a replaced (flagged) scorecard
    and an unscored call that must not count."""
    from sqlalchemy import select

    from pipeline.db.models import Agent, Call, CallMetricsRecord, RubricRecord, Team
    from pipeline.db.scores import save_scorecard
    from pipeline.db.session import session_scope

    with session_scope(world.url) as s:
        teams = {t.name: t for t in s.scalars(select(Team))}
        rubric = s.scalar(select(RubricRecord))
        assert rubric is not None
        agents = {a.external_id: a for a in s.scalars(select(Agent))}
        agents["A-3"] = Agent(external_id="A-3", name="Zeynep Kaya", team=teams["Sales"])
        s.add(agents["A-3"])
        for name, (agent, team, queue, direction, lang, started, total, failed, flags, end,
                   metrics, meta) in EXTRA.items():
            call = Call(content_hash=name, source_key=f"2026/{name}.wav", store_url="x",
                        status="done", agent=agents[agent], team=teams[team], queue=queue,
                        direction=direction, language=lang, duration=45.0,
                        started_at=started.replace(tzinfo=UTC), call_metadata=meta)
            if metrics is not None:
                d, sil, talk, over = metrics
                call.metrics = CallMetricsRecord(
                    duration=d, talk_agent=1, talk_customer=1, talk_ratio_agent=talk,
                    silence=1, silence_pct=sil, longest_silence=1, overtalk=over,
                    interruptions_agent=0, interruptions_customer=0, wpm_agent=1,
                    wpm_customer=1, hold_gaps=0, utterances=1)
            s.add(call)
            s.flush()
            base = scorecard({}, [])
            if name == "x_a3a":  # an older scorecard, flagged and failed: history only
                save_scorecard(s, call.id, rubric.id, {
                    **base, "total": 0.0, "auto_failed": True,
                    "flags": [flag("low_score", "high", 50.0)],
                    "sentiment": [{"role": "customer", "end": -1.0}]})
            sentiment = [
                {"role": "agent", "start": 0.2, "middle": 0.3, "end": 0.9, "overall": 0.4,
                 "trajectory": "stable"},
                {"role": "customer", "start": -0.5, "middle": 0.0, "end": end, "overall": 0.0,
                 "trajectory": "improving"},
            ]
            save_scorecard(s, call.id, rubric.id, {**base, "total": total, "auto_failed": failed,
                                                   "flags": flags, "sentiment": sentiment})
            world.calls[name] = call.id
        s.add(Call(content_hash="x_unscored", source_key="2026/x_unscored.wav", store_url="x",
                   status="processing", agent=agents["A-3"], team=teams["Sales"],
                   queue="sales", started_at=datetime(2026, 11, 26, tzinfo=UTC)))


@pytest.fixture
def dash(both_db_url: str, callqa_home: Path) -> Iterator[Api]:
    from api.app import create_app
    from pipeline.settings import Settings

    world = seed(both_db_url, callqa_home / "recordings")
    add_dashboard_data(world)
    settings = Settings(home=callqa_home, database_url=both_db_url)
    with TestClient(create_app(settings)) as client:
        yield Api(client, world, settings)


def row(start: str, group: str | None, calls: int, avg: float | None, af: float, fr: float,
        sent: float | None, dur: float | None, sil: float | None, talk: float | None,
        over: float | None) -> dict[str, Any]:
    return {"start": start, "group": group, "calls": calls, "average_score": avg,
            "auto_fail_rate": af, "flag_rate": fr, "customer_sentiment_end": sent,
            "avg_duration": dur, "avg_silence_pct": sil, "avg_talk_ratio_agent": talk,
            "avg_overtalk": over,
            # no after-call work, customer or complaint case in this world: the handle
            # time is the duration; FCR and repeats need a known customer
            "avg_handle_time": dur, "avg_acw": None, "fcr": None, "repeat_rate": None,
            "complaint_rate": 0.0}


BY_TEAM = [
    row(W1, "Billing", 2, 72.2, 0.0, 0.5, None, 30.0, 60.0, 0.62, 0.0),
    row(W1, "Sales", 1, 22.2, 0.0, 1.0, None, 30.0, 60.0, 0.62, 0.0),
    row(W2, "Billing", 1, 70.0, 1.0, 1.0, 0.5, 60.0, 20.0, 0.5, 2.0),
    row(W2, "Sales", 2, 70.0, 0.5, 0.0, -0.05, 82.5, 10.0, 0.4, 4.0),
]


NAMES = {"A-1": "Ayşe Yılmaz", "A-2": "Mark Evans", "A-3": "Zeynep Kaya"}


def get(api: Api, user: str = "sup", **params: Any) -> Any:
    r = api.get(URL, user, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_weekly_summary_by_team_has_exact_numbers(dash: Api) -> None:
    body = get(dash, period="week", group_by="team")
    assert (body["period"], body["group_by"]) == ("week", "team")
    assert body["data"] == BY_TEAM


def test_by_agent_and_by_category(dash: Api) -> None:
    assert get(dash, group_by="agent")["data"] == [
        row(W1, "A-1", 2, 72.2, 0.0, 0.5, None, 30.0, 60.0, 0.62, 0.0),
        row(W1, "A-2", 1, 22.2, 0.0, 1.0, None, 30.0, 60.0, 0.62, 0.0),
        row(W2, "A-1", 1, 70.0, 1.0, 1.0, 0.5, 60.0, 20.0, 0.5, 2.0),
        row(W2, "A-3", 2, 70.0, 0.5, 0.0, -0.05, 82.5, 10.0, 0.4, 4.0),
    ]
    # what a person reads for each agent: its name (the id where it has none)
    assert get(dash, group_by="agent")["names"] == NAMES
    assert get(dash, group_by="team")["names"] == {}
    # category: the metadata's category, else the queue
    assert [(r["start"], r["group"], r["calls"], r["average_score"], r["flag_rate"],
             r["customer_sentiment_end"]) for r in get(dash, group_by="category")["data"]] == [
        (W1, "billing", 2, 72.2, 0.5, None), (W1, "sales", 1, 22.2, 1.0, None),
        (W2, "refund", 2, 60.0, 0.5, 0.3), (W2, "sales", 1, 90.0, 0.0, -0.2)]


def test_month_without_grouping_and_days(dash: Api) -> None:
    assert get(dash, period="month")["data"] == [
        row("2026-11-01", None, 6, 62.77, 0.3333, 0.5, 0.133, 52.5, 42.0, 0.552, 1.2)]
    days = get(dash, period="day", group_by="direction")["data"]
    assert [(r["start"], r["group"], r["calls"]) for r in days] == [
        ("2026-11-20", "inbound", 1), ("2026-11-21", "outbound", 1),
        ("2026-11-22", "outbound", 1), ("2026-11-24", "inbound", 1),
        ("2026-11-25", "inbound", 1), ("2026-11-29", "outbound", 1)]


def test_filters_narrow_the_rows(dash: Api) -> None:
    assert get(dash, group_by="team", team="Sales")["data"] == [BY_TEAM[1], BY_TEAM[3]]
    assert [(r["start"], r["group"], r["calls"]) for r in
            get(dash, group_by="agent", agent="A-3")["data"]] == [(W2, "A-3", 2)]
    assert [(r["start"], r["calls"], r["average_score"]) for r in
            get(dash, queue="billing")["data"]] == [(W1, 2, 72.2), (W2, 1, 70.0)]
    assert [(r["start"], r["group"], r["calls"]) for r in
            get(dash, group_by="language", language="tr")["data"]] == [
        (W1, "tr", 1), (W2, "tr", 1)]
    assert [(r["start"], r["calls"]) for r in
            get(dash, direction="outbound")["data"]] == [(W1, 2), (W2, 1)]
    ranged = get(dash, group_by="team", date_from="2026-11-22T00:00:00Z",
                 date_to="2026-11-25T00:00:00Z")["data"]
    assert [(r["start"], r["group"], r["calls"]) for r in ranged] == [
        (W1, "Billing", 1), (W2, "Billing", 1)]
    assert get(dash, team="Nobody")["data"] == []


def test_csv_matches_the_json(dash: Api) -> None:
    params = {"period": "week", "group_by": "team"}
    r = dash.get(URL + ".csv", "trainer", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith("attachment")
    assert 'filename="callqa-summary-week-team.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == list(BY_TEAM[0])
    as_json = get(dash, **params)["data"]
    assert len(rows) == len(as_json) == 4
    for got, want in zip(rows, as_json, strict=True):
        for key, value in want.items():
            if value is None:
                assert got[key] == "", key
            elif isinstance(value, str):
                assert got[key] == value, key
            else:
                assert float(got[key]) == value, key
    # the same filters work on the CSV; an empty result is a header row only
    empty = dash.get(URL + ".csv", "sup", params={"team": "Nobody"})
    assert empty.text.strip().split(",")[:2] == ["start", "group"]
    assert len(list(csv.reader(io.StringIO(empty.text)))) == 1


def test_roles(dash: Api) -> None:
    for path in (URL, URL + ".csv"):
        assert dash.get(path).status_code == 401
        for user in ("admin", "sup", "trainer"):
            assert dash.get(path, user).status_code == 200, (user, path)
        for user in ("agent1", "agent2"):
            r = dash.get(path, user)
            assert r.status_code == 403, (user, path)
            assert r.json()["error"]["code"] == "forbidden"
        for bad in ({"period": "year"}, {"group_by": "customer"}, {"date_from": "soon"}):
            assert dash.get(path, "sup", params=bad).status_code == 422, bad
