"""Dashboard summaries: per day, week (Monday first) or month and per group, the scored
calls, their average current score, auto-fail and flag rates, the customer's end
sentiment and the call metrics.

What counts: calls with a *current* scorecard (replaced scorecards and unscored calls do
not), chosen by the same filters as the call list (team, agent, queue, language,
direction, ``date_from`` <= started_at < ``date_to``). A call falls in the bucket of its
``started_at`` (or of its ``created_at`` when it has no start time), through
:func:`pipeline.db.trends.bucket_start`, so SQLite and PostgreSQL give the same answer.

Groups: ``none`` (one group, ``None``), ``agent`` (the agent's external id), ``team`` (team
name), ``queue``, ``direction``, ``language``, and ``category``: the call's metadata
``category`` when it has one, else its queue.

One GROUP BY does it all. What it needs of a scorecard is stored as columns when the
scorecard is saved (:func:`pipeline.db.scores.save_scorecard`): ``flagged`` (it has a
flag) and ``customer_end`` (:func:`customer_end` of its sentiment JSON), so no flags
subquery and no JSON reaches this query. A partial covering index on current scorecards
(``ix_scores_current_summary``) and a covering one on call metrics serve it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, select
from sqlalchemy.orm import Session

from pipeline.db.models import Agent, Call, CallMetricsRecord, ScoreRecord, Team
from pipeline.db.search import CallFilters, filter_conditions
from pipeline.db.trends import Period, _as_date, bucket_start

GroupBy = Literal["none", "agent", "team", "queue", "direction", "language", "category"]
GROUP_BYS: tuple[GroupBy, ...] = ("none", "agent", "team", "queue", "direction", "language",
                                  "category")
FIELDS = ("start", "group", "calls", "average_score", "auto_fail_rate", "flag_rate",
          "customer_sentiment_end", "avg_duration", "avg_silence_pct",
          "avg_talk_ratio_agent", "avg_overtalk")


@dataclass(frozen=True)
class SummaryRow:
    start: date  # first day of the bucket
    group: str | None  # the group's value (None: no grouping, or the value is missing)
    calls: int  # calls with a current scorecard
    average_score: float | None  # mean current total, 2 decimals
    auto_fail_rate: float  # auto-failed / calls, 4 decimals
    flag_rate: float  # calls whose current scorecard has a flag / calls, 4 decimals
    customer_sentiment_end: float | None  # mean of the customer's "end" sentiment, 3 dec.
    avg_duration: float | None  # seconds (the call metrics', else the call's), 2 decimals
    avg_silence_pct: float | None  # 2 decimals
    avg_talk_ratio_agent: float | None  # 4 decimals
    avg_overtalk: float | None  # seconds, 2 decimals


def group_column(group_by: GroupBy) -> ColumnElement[Any]:
    if group_by == "none":
        return literal(None)
    if group_by == "agent":
        return Agent.external_id.expression
    if group_by == "team":
        return Team.name.expression
    if group_by == "queue":
        return Call.queue.expression
    if group_by == "direction":
        return Call.direction.expression
    if group_by == "language":
        return Call.language.expression
    if group_by == "category":
        return func.coalesce(Call.call_metadata["category"].as_string(), Call.queue)
    raise ValueError(f"group_by must be one of {', '.join(GROUP_BYS)}, not {group_by!r}")


def _round(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _scoped(query: Select[Any], filters: CallFilters,
            agent_ids: Collection[int] | None) -> Select[Any]:
    query = (query.select_from(Call)
             .join(ScoreRecord, and_(ScoreRecord.call_id == Call.id, ScoreRecord.current))
             .outerjoin(Agent, Agent.id == Call.agent_id)
             .outerjoin(Team, Team.id == Call.team_id))
    if agent_ids is not None:
        query = query.where(Call.agent_id.in_(list(agent_ids)) if agent_ids else false())
    return query.where(*filter_conditions(filters))


def summary(
    session: Session, filters: CallFilters, period: Period = "week",
    group_by: GroupBy = "none", *, agent_ids: Collection[int] | None = None,
) -> list[SummaryRow]:
    """One row per bucket x group that has a scored call: oldest bucket first, then by
    group (a missing group last). Only team/agent/queue/language/direction/date filters
    of ``filters`` are meant for this; ``agent_ids`` narrows to those agents' calls."""
    when = func.coalesce(Call.started_at, Call.created_at)
    bucket = bucket_start(session.get_bind().dialect.name, period, when).label("bucket")
    group = group_column(group_by).label("grp")
    query = _scoped(select(
        bucket, group,
        func.count(ScoreRecord.id).label("calls"),
        func.avg(ScoreRecord.total).label("average"),
        func.sum(case((ScoreRecord.auto_failed, 1), else_=0)).label("fails"),
        func.sum(case((ScoreRecord.flagged, 1), else_=0)).label("flagged"),
        func.avg(ScoreRecord.customer_end).label("sentiment_end"),
        func.avg(func.coalesce(CallMetricsRecord.duration, Call.duration)).label("duration"),
        func.avg(CallMetricsRecord.silence_pct).label("silence_pct"),
        func.avg(CallMetricsRecord.talk_ratio_agent).label("talk_ratio"),
        func.avg(CallMetricsRecord.overtalk).label("overtalk"),
    ), filters, agent_ids)
    query = (query.outerjoin(CallMetricsRecord, CallMetricsRecord.call_id == Call.id)
             .group_by(bucket, group))
    rows = []
    for row in session.execute(query):
        calls = int(row.calls)
        rows.append(SummaryRow(
            start=_as_date(row.bucket), group=row.grp, calls=calls,
            average_score=_round(row.average, 2),
            auto_fail_rate=round(int(row.fails or 0) / calls, 4) if calls else 0.0,
            flag_rate=round(int(row.flagged or 0) / calls, 4) if calls else 0.0,
            customer_sentiment_end=_round(row.sentiment_end, 3),
            avg_duration=_round(row.duration, 2), avg_silence_pct=_round(row.silence_pct, 2),
            avg_talk_ratio_agent=_round(row.talk_ratio, 4), avg_overtalk=_round(row.overtalk, 2),
        ))
    rows.sort(key=lambda r: (r.start, r.group is None, r.group or ""))
    return rows


def customer_end(trajectories: Any) -> float | None:
    """The customer's ``end`` sentiment from a scorecard's sentiment list, if it has one
    (stored as ``scores.customer_end`` when the scorecard is saved)."""
    if not isinstance(trajectories, list):
        return None
    for entry in trajectories:
        if isinstance(entry, dict) and entry.get("role") == "customer":
            end = entry.get("end")
            if isinstance(end, int | float) and not isinstance(end, bool):
                return float(end)
    return None

