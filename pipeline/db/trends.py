"""An agent's score trend: per day, week (Monday first) or month, the agent's average current
score, scored calls and auto-fails, beside their team's average for the same bucket.

Everything is grouped in SQL. The bucket start is one expression per dialect behind
:func:`bucket_start` (SQLite ``date()``/``strftime``, PostgreSQL ``date_trunc`` in UTC), and
it is turned into a ``date`` here, so callers see the same answer on both databases. A call
counts in the bucket of its ``started_at`` (UTC), or of its scorecard's ``created_at`` when
the call has no start time. Only current scorecards count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, select
from sqlalchemy.orm import Session

from pipeline.db.models import Agent, Call, ScoreRecord

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")


@dataclass(frozen=True)
class TrendBucket:
    start: date  # first day of the bucket
    average: float | None  # the agent's mean current score (None: no scored call)
    calls: int  # the agent's scored calls
    auto_fails: int  # ... of which auto-failed
    team_average: float | None  # every agent of the team, same bucket
    team_calls: int


def bucket_start(dialect: str, period: Period, column: Any) -> ColumnElement[Any]:
    """The first day of ``column``'s bucket, as SQL for ``dialect`` ('sqlite', 'postgresql')."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    if dialect == "sqlite":
        if period == "day":
            return func.date(column)
        if period == "week":  # the next-or-same Sunday, less six days: that week's Monday
            return func.date(column, "weekday 0", "-6 days")
        return func.strftime("%Y-%m-01", column)
    if dialect == "postgresql":
        return cast(func.date_trunc(period, func.timezone("UTC", column)), Date)
    raise NotImplementedError(f"score trends are not implemented for {dialect!r}")


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def agent_trend(
    session: Session, agent_id: int, period: Period = "week",
    since: date | None = None, until: date | None = None,
) -> list[TrendBucket]:
    """Buckets (oldest first) in which the agent or their team has a current scorecard,
    for calls from ``since`` to ``until`` (both days included, UTC)."""
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise LookupError(f"agent {agent_id}")
    when = func.coalesce(Call.started_at, ScoreRecord.created_at)
    bucket = bucket_start(session.get_bind().dialect.name, period, when).label("bucket")
    mine = Call.agent_id == agent_id
    query = (
        select(
            bucket,
            func.avg(case((mine, ScoreRecord.total))).label("average"),
            func.sum(case((mine, 1), else_=0)).label("calls"),
            func.sum(case((and_(mine, ScoreRecord.auto_failed), 1), else_=0)).label("fails"),
            func.avg(ScoreRecord.total).label("team_average"),
            func.count(ScoreRecord.id).label("team_calls"),
        )
        .select_from(ScoreRecord)
        .join(Call, Call.id == ScoreRecord.call_id)
        .where(ScoreRecord.current)
        .group_by(bucket)
        .order_by(bucket)
    )
    if agent.team_id is not None:  # the team: all its agents (where they are now)
        query = query.join(Agent, Agent.id == Call.agent_id).where(Agent.team_id == agent.team_id)
    else:
        query = query.where(mine)
    if since is not None:
        query = query.where(when >= datetime.combine(since, time(), UTC))
    if until is not None:
        query = query.where(when < datetime.combine(until + timedelta(days=1), time(), UTC))
    buckets = []
    for row in session.execute(query):
        team_avg = None if agent.team_id is None else row.team_average
        buckets.append(TrendBucket(
            start=_as_date(row.bucket),
            average=None if row.average is None else round(float(row.average), 2),
            calls=int(row.calls or 0), auto_fails=int(row.fails or 0),
            team_average=None if team_avg is None else round(float(team_avg), 2),
            team_calls=int(row.team_calls) if agent.team_id is not None else 0,
        ))
    return buckets
