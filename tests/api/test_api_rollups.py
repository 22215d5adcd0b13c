"""Daily rollups stay equal to the calls: after a rescore, a review closed with a final
score, new metadata moving a scored call to another agent and day, a call without a start
time, and an erasure, the stored rollups equal a from-scratch aggregate, and every
dashboard grouping and an agent's trend read from them equal the same numbers grouped
from the calls. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.db.buckets import PERIODS
from pipeline.db.dashboards import GROUP_BYS as GROUPS
from tests.api.conftest import World, flag, scorecard, seed


def _stored(url: str) -> list[tuple[Any, ...]]:
    from sqlalchemy import select

    from pipeline.db.models import AgentDayRollup, DailyRollup
    from pipeline.db.rollups import COARSE, COLUMNS, _aggregate, _coarse
    from pipeline.db.session import session_scope

    def rounded(rows: Any) -> list[tuple[Any, ...]]:
        return sorted((tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                       for row in rows), key=repr)

    with session_scope(url) as s:
        dialect = s.get_bind().dialect.name
        stored = sorted(
            (tuple(getattr(r, c) for c in COLUMNS) for r in s.scalars(select(DailyRollup))),
            key=repr)
        fresh = sorted((tuple(row) for row in s.execute(_aggregate(dialect))), key=repr)
        per_agent = [tuple(getattr(r, c) for c in COARSE)
                     for r in s.scalars(select(AgentDayRollup))]
        assert rounded(per_agent) == rounded(tuple(row) for row in s.execute(_coarse()))
    norm = [tuple(date.fromisoformat(v) if isinstance(v, str) and i == 0 else
                  bool(v) if i == 1 else round(v, 6) if isinstance(v, float) else v
                  for i, v in enumerate(row)) for row in fresh]
    assert rounded(stored) == sorted(norm, key=repr)
    return stored


def _assert_in_step(url: str) -> None:
    """Rollups = a fresh aggregate; dashboards and trends from them = from the calls."""
    from sqlalchemy import select

    from pipeline.db import dashboards
    from pipeline.db.models import Agent
    from pipeline.db.search import CallFilters
    from pipeline.db.session import session_scope
    from pipeline.db.trends import agent_trend

    assert _stored(url)
    with session_scope(url) as s:
        for period in PERIODS:
            for group in GROUPS:
                f = CallFilters()
                assert dashboards.summary(s, f, period, group) == \
                    dashboards._from_calls(s, f, period, group, None), (period, group)
            narrowed = CallFilters(team="Sales", date_from=datetime(2026, 11, 21, tzinfo=UTC))
            assert dashboards.summary(s, narrowed, period, "agent") == \
                dashboards._from_calls(s, narrowed, period, "agent", None)
        for agent in s.scalars(select(Agent)):
            trend = agent_trend(s, agent.id, "week")
            assert sum(b.calls for b in trend) == _scored_calls(s, agent.id)


def _scored_calls(s: Any, agent_id: int) -> int:
    from sqlalchemy import func, select

    from pipeline.db.models import Call, ScoreRecord

    return int(s.scalar(select(func.count()).select_from(Call).join(
        ScoreRecord, (ScoreRecord.call_id == Call.id) & ScoreRecord.current)
        .where(Call.agent_id == agent_id)) or 0)


def _summary_calls(url: str) -> int:
    from pipeline.db.dashboards import summary
    from pipeline.db.search import CallFilters
    from pipeline.db.session import session_scope

    with session_scope(url) as s:
        return sum(r.calls for r in summary(s, CallFilters(), "month", "none"))


def test_rollups_follow_rescore_review_metadata_and_erasure(
    both_db_url: str, callqa_home: Path,
) -> None:
    from sqlalchemy import select

    from api.app import create_app
    from pipeline.db.calls import begin_call
    from pipeline.db.erasure import erase_call
    from pipeline.db.models import Call, RubricRecord
    from pipeline.db.scores import save_scorecard
    from pipeline.db.session import session_scope
    from pipeline.metadata import CallMetadata
    from pipeline.settings import Settings
    from pipeline.store import LocalStore

    w: World = seed(both_db_url, callqa_home / "recordings")
    _assert_in_step(both_db_url)
    before = _summary_calls(both_db_url)

    with session_scope(both_db_url) as s:  # a rescore: the new card replaces the old
        rubric = s.scalar(select(RubricRecord))
        assert rubric is not None
        save_scorecard(s, w.calls["a1_clean"], rubric.id, scorecard(
            {"greeting": "fail"}, [flag("legal_threat", "critical", 90.0)]))
    _assert_in_step(both_db_url)

    settings = Settings(home=callqa_home, database_url=both_db_url)
    with TestClient(create_app(settings)) as client:  # a review closed with a final score
        auth = w.auth("sup")
        review = client.post("/api/v1/reviews", headers=auth,
                             json={"call_id": w.calls["a1_flagged"]}).json()
        closed = client.post(f"/api/v1/reviews/{review['id']}/close", headers=auth,
                             json={"final_score": 12.5})
        assert closed.status_code == 200, closed.text
    _assert_in_step(both_db_url)

    with session_scope(both_db_url) as s:  # reprocessing with new metadata moves the call
        call = s.get(Call, w.calls["a2_flagged"])
        assert call is not None
        begin_call(s, content_hash=call.content_hash, key=call.source_key,
                   store_url=call.store_url, metadata=CallMetadata(
                       agent_id="A-1", team="Billing", queue="retention",
                       started_at=datetime(2026, 11, 2, 9, tzinfo=UTC)))
    _assert_in_step(both_db_url)

    with session_scope(both_db_url) as s:  # no start time: its created_at decides the day
        call = s.get(Call, w.calls["a1_clean"])
        assert call is not None
        old_day = call.started_at
        assert old_day is not None
        call.started_at = None
        s.flush()
        from pipeline.db import rollups

        rollups.refresh(s, {(old_day.date(), call.agent_id)} | rollups.keys_of(s, [call.id]))
    _assert_in_step(both_db_url)
    assert _summary_calls(both_db_url) == before

    with session_scope(both_db_url) as s:  # an erasure: the dashboards count one call less
        erase_call(s, LocalStore(w.store), w.calls["a1_flagged"], actor="admin",
                   reason="KVKK request 12")
    _assert_in_step(both_db_url)
    assert _summary_calls(both_db_url) == before - 1


@pytest.mark.parametrize("bound", [datetime(2026, 11, 21, 12, tzinfo=UTC),
                                   datetime(2026, 11, 21, 2, 0)])
def test_a_bound_inside_a_day_is_answered_from_the_calls(
    both_db_url: str, callqa_home: Path, bound: datetime,
) -> None:
    from pipeline.db import dashboards
    from pipeline.db.search import CallFilters
    from pipeline.db.session import session_scope

    seed(both_db_url, callqa_home / "recordings")
    f = CallFilters(date_from=bound)
    assert not dashboards._rollup_fits(f, "postgresql")
    with session_scope(both_db_url) as s:
        assert dashboards.summary(s, f, "day", "agent") == \
            dashboards._from_calls(s, f, "day", "agent", None)


def test_a_filtered_review_queue_caps_its_count_and_the_whole_queue_counts_exactly(
    both_db_url: str, callqa_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole queue's count is exact (computed from flag, review and dispute counts);
    a filtered queue says "or more" past COUNT_CAP, like a transcript search."""
    import pipeline.db.search as search_module
    from api.app import create_app
    from pipeline.settings import Settings

    w = seed(both_db_url, callqa_home / "recordings")
    settings = Settings(home=callqa_home, database_url=both_db_url)
    with TestClient(create_app(settings)) as client:
        auth = w.auth("sup")
        whole = client.get("/api/v1/review-queue", headers=auth)
        ids = [c["id"] for c in whole.json()["data"]]
        assert whole.json()["count"] == len(ids) == 2  # a1 flagged; a2 flagged + disputed
        assert "x-count-capped" not in whole.headers
        every = client.get("/api/v1/review-queue", headers=auth,
                           params={"include_reviewed": True}).json()
        assert every["count"] == 2
        monkeypatch.setattr(search_module, "COUNT_CAP", 1)
        r = client.get("/api/v1/review-queue", headers=auth, params={"score_min": 0})
        assert r.json()["count"] == 1 and r.headers["x-count-capped"] == "true"
        assert [c["id"] for c in r.json()["data"]] == ids
        r = client.get("/api/v1/review-queue", headers=auth, params={"team": "Sales"})
        assert r.json()["count"] == 1 and "x-count-capped" not in r.headers
        review = client.post("/api/v1/reviews", headers=auth,
                             json={"call_id": w.calls["a1_flagged"]}).json()
        client.post(f"/api/v1/reviews/{review['id']}/close", headers=auth, json={})
        after = client.get("/api/v1/review-queue", headers=auth).json()
        assert after["count"] == len(after["data"]) == 1
        assert client.get("/api/v1/review-queue", headers=auth,
                          params={"include_reviewed": True}).json()["count"] == 2


def test_an_undiarised_call_is_left_out_of_per_party_means(
    both_db_url: str, callqa_home: Path,
) -> None:
    """A mono call nobody diarised has no agent talk ratio or overtalk worth the name: the
    dashboards' means leave it out (not count its figure), and say "none" where every call
    was undiarised, from the rollups and from the calls alike."""
    from pipeline.db import rollups
    from pipeline.db.dashboards import summary
    from pipeline.db.models import Call
    from pipeline.db.search import CallFilters
    from pipeline.db.session import session_scope

    w: World = seed(both_db_url, callqa_home / "recordings")
    with session_scope(both_db_url) as s:
        call = s.get(Call, w.calls["a1_clean"])
        assert call is not None and call.metrics is not None
        call.diarization, call.channels = "none", 1
        call.metrics.talk_ratio_agent, call.metrics.overtalk = 1.0, 0.0  # one "speaker"
        rollups.refresh_calls(s, [call.id])
    _assert_in_step(both_db_url)

    with session_scope(both_db_url) as s:
        a1 = summary(s, CallFilters(agent="A-1"), "month", "none")
        assert [(r.calls, r.avg_talk_ratio_agent, r.avg_silence_pct) for r in a1] == \
            [(2, 0.62, 60.0)]  # both calls' silence, the diarised call's talk ratio only
        call = s.get(Call, w.calls["a1_flagged"])
        assert call is not None
        call.diarization = "none"
        rollups.refresh_calls(s, [call.id])
    _assert_in_step(both_db_url)
    with session_scope(both_db_url) as s:
        a1 = summary(s, CallFilters(agent="A-1"), "month", "none")
        assert [(r.calls, r.avg_talk_ratio_agent, r.avg_overtalk) for r in a1] == \
            [(2, None, None)]


def test_an_upgrade_from_before_the_parties_count_rebuilds_the_rollups(
    postgres_url: str, callqa_home: Path,
) -> None:
    """A database at 0012 with scored calls: ``upgrade`` adds the column and rebuilds the
    rollups from the calls once the schema is at head, so old rows carry the count too.
    PostgreSQL only: on SQLite, downgrading 0015 rebuilds ``calls`` in batch mode, which
    a live connection's lock can refuse ("database table is locked")."""
    both_db_url = postgres_url
    from alembic import command
    from sqlalchemy import select, text

    from pipeline.db.models import DailyRollup
    from pipeline.db.session import alembic_config, session_scope, upgrade

    seed(both_db_url, callqa_home / "recordings")
    command.downgrade(alembic_config(both_db_url), "0012")
    with session_scope(both_db_url) as s:  # rows 0012 would not have: rebuilt, or none
        s.execute(text("DELETE FROM daily_rollups"))
        s.execute(text("DELETE FROM agent_day_rollups"))
    upgrade(both_db_url)
    with session_scope(both_db_url) as s:
        rows = s.scalars(select(DailyRollup)).all()
        assert sum(r.parties_n for r in rows) == 3 and sum(r.calls for r in rows) == 3
    _assert_in_step(both_db_url)
