"""An agent's score trend: per day, week (Monday first) or month, the agent's average current
score, scored calls and auto-fails, beside their team's average for the same bucket.

Everything is grouped in SQL. The bucket start is one expression per dialect behind
:func:`pipeline.db.buckets.bucket_start` (SQLite ``date()``/``strftime``, PostgreSQL
``date_trunc`` in UTC), and it is turned into a ``date`` here, so callers see the same
answer on both databases. A call counts in the bucket of its ``started_at`` (UTC), or of
its scorecard's ``created_at`` when the call has no start time. Only current scorecards count.

Beside the scores, :func:`coaching_done` gives the coaching tasks the agent marked done in
the same days (when, and the bucket it falls in), so a chart can show whether the score
moved after coaching.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from pipeline.db.buckets import Period, as_date, bucket_start, day_bucket
from pipeline.db.coaching_records import CoachingStatus, CoachingTask
from pipeline.db.models import Agent, AgentDayRollup, Call, ScoreRecord
from pipeline.db.times import as_utc


@dataclass(frozen=True)
class TrendBucket:
    start: date  # first day of the bucket
    average: float | None  # the agent's mean current score (None: no scored call)
    calls: int  # the agent's scored calls
    auto_fails: int  # ... of which auto-failed
    team_average: float | None  # every agent of the team, same bucket
    team_calls: int


def agent_trend(
    session: Session, agent_id: int, period: Period = "week",
    since: date | None = None, until: date | None = None,
) -> list[TrendBucket]:
    """Buckets (oldest first) in which the agent or their team has a current scorecard,
    for calls from ``since`` to ``until`` (both days included, UTC).

    Calls with a start time are added up from ``agent_day_rollups`` (a few rows per agent and
    day, :mod:`pipeline.db.rollups`); the few without one fall in the bucket of their
    scorecard's ``created_at``, which no rollup knows, so they are grouped from the calls."""
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise LookupError(f"agent {agent_id}")
    dialect = session.get_bind().dialect.name
    r = AgentDayRollup
    rbucket = day_bucket(dialect, period, r).label("bucket")
    rmine = r.agent_id == agent_id
    dated = (
        select(rbucket, func.sum(case((rmine, r.score_sum))), func.sum(case((rmine, r.calls))),
               func.sum(case((rmine, r.fails))), func.sum(r.score_sum), func.sum(r.calls))
        .where(r.dated).group_by(rbucket)
    )
    when = ScoreRecord.created_at
    bucket = bucket_start(dialect, period, when).label("bucket")
    mine = Call.agent_id == agent_id
    undated = (
        select(bucket, func.sum(case((mine, ScoreRecord.total))),
               func.sum(case((mine, 1), else_=0)),
               func.sum(case((and_(mine, ScoreRecord.auto_failed), 1), else_=0)),
               func.sum(ScoreRecord.total), func.count(ScoreRecord.id))
        .select_from(ScoreRecord)
        .join(Call, Call.id == ScoreRecord.call_id)
        .where(ScoreRecord.current, Call.started_at.is_(None))
        .group_by(bucket)
    )
    if agent.team_id is not None:  # the team: all its agents (where they are now)
        dated = dated.join(Agent, Agent.id == r.agent_id).where(Agent.team_id == agent.team_id)
        undated = (undated.join(Agent, Agent.id == Call.agent_id)
                   .where(Agent.team_id == agent.team_id))
    else:
        dated, undated = dated.where(rmine), undated.where(mine)
    if since is not None:
        dated = dated.where(r.day >= since)
        undated = undated.where(when >= datetime.combine(since, time(), UTC))
    if until is not None:
        dated = dated.where(r.day <= until)
        undated = undated.where(when < datetime.combine(until + timedelta(days=1), time(), UTC))
    sums: dict[date, list[float]] = {}  # bucket: mine sum, mine n, fails, team sum, team n
    for query in (dated, undated):
        for row in session.execute(query):
            acc = sums.setdefault(as_date(row[0]), [0.0, 0, 0, 0.0, 0])
            for i, value in enumerate(row[1:]):
                acc[i] += value or 0
    buckets = []
    for start in sorted(sums):
        mine_sum, mine_n, fails, team_sum, team_n = sums[start]
        has_team = agent.team_id is not None and team_n > 0
        buckets.append(TrendBucket(
            start=start, average=round(mine_sum / mine_n, 2) if mine_n else None,
            calls=int(mine_n), auto_fails=int(fails),
            team_average=round(team_sum / team_n, 2) if has_team else None,
            team_calls=int(team_n) if agent.team_id is not None else 0,
        ))
    return buckets


@dataclass(frozen=True)
class CoachingMark:
    day: date  # the UTC day the agent marked the task done
    bucket: date  # the first day of the trend bucket that day falls in
    task: CoachingTask


def period_start(day: date, period: Period) -> date:
    """The first day of ``day``'s bucket: itself, its week's Monday, its month's first."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def coaching_done(
    session: Session, agent_id: int, period: Period = "week",
    since: date | None = None, until: date | None = None,
) -> list[CoachingMark]:
    """The agent's coaching tasks done from ``since`` to ``until`` (both days included,
    UTC), oldest first."""
    query = select(CoachingTask).where(CoachingTask.agent_id == agent_id,
                                       CoachingTask.status == CoachingStatus.DONE,
                                       CoachingTask.done_at.is_not(None))
    if since is not None:
        query = query.where(CoachingTask.done_at >= datetime.combine(since, time(), UTC))
    if until is not None:
        query = query.where(
            CoachingTask.done_at < datetime.combine(until + timedelta(days=1), time(), UTC))
    marks = []
    for task in session.scalars(query.order_by(CoachingTask.done_at, CoachingTask.id)):
        assert task.done_at is not None  # the query asks for it
        day = as_utc(task.done_at).date()
        marks.append(CoachingMark(day=day, bucket=period_start(day, period), task=task))
    return marks
