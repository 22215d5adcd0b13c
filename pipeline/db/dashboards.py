"""Dashboard summaries: per day, week (Monday first) or month and per group, the scored
calls, their average current score, auto-fail and flag rates, the customer's end
sentiment, the call metrics and the centre's KPIs: average handle time (the call's
duration, talk and hold, plus the after-call work metadata gave), first-contact resolution
and repeat-contact rate (:mod:`pipeline.db.repeats`, over the scored calls whose customer
and reason are known), and the complaint rate (calls whose primary contact reason is a
complaint reason of the taxonomy).

What counts: calls with a *current* scorecard (replaced scorecards and unscored calls do
not), chosen by the same filters as the call list (team, agent, queue, language,
direction, region, channel, product, ``date_from`` <= started_at < ``date_to``). A call
falls in the bucket of its ``started_at`` (or of its ``created_at`` when it has no start
time), through :func:`pipeline.db.buckets.bucket_start`, so SQLite and PostgreSQL give
the same answer.

Groups: ``none`` (one group, ``None``), ``agent`` (the agent's external id), ``team`` (team
name), ``queue``, ``direction``, ``language``, ``region``, ``channel`` (voice, chat ...),
``product`` (metadata's, else the taxonomy's), and ``category``: the recorder's
``category`` (stored under the metadata's ``extra``) when it has one, else the queue.

Served from the rollups (:mod:`pipeline.db.rollups`: ``agent_day_rollups`` when only
team/agent narrow or group, else ``daily_rollups``), summed per day in SQL and folded into
weeks or months here, whenever the filters cover whole days; otherwise (:func:`_from_calls`)
one GROUP BY over the calls does it all. What it needs of a scorecard is stored as columns when the
scorecard is saved (:func:`pipeline.db.scores.save_scorecard`): ``flagged`` (it has a
flag) and ``customer_end`` (:func:`customer_end` of its sentiment JSON), so no flags
subquery and no JSON reaches this query. A partial covering index on current scorecards
(``ix_scores_current_summary``) and a covering one on call metrics serve it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session

from pipeline.db.buckets import Period, as_date, bucket_start
from pipeline.db.models import (
    Agent,
    AgentDayRollup,
    Call,
    CallMetricsRecord,
    DailyRollup,
    ScoreRecord,
    Team,
)
from pipeline.db.rollups import SUMS, category_column, sum_columns
from pipeline.db.search import CallFilters, filter_conditions, in_scope

GroupBy = Literal["none", "agent", "team", "queue", "direction", "language", "category",
                  "region", "channel", "product"]
GROUP_BYS: tuple[GroupBy, ...] = ("none", "agent", "team", "queue", "direction", "language",
                                  "category", "region", "channel", "product")
DIMENSIONS = ("queue", "direction", "language", "category", "region", "channel", "product")
FIELDS = ("start", "group", "calls", "average_score", "auto_fail_rate", "flag_rate",
          "customer_sentiment_end", "avg_duration", "avg_silence_pct",
          "avg_talk_ratio_agent", "avg_overtalk", "avg_handle_time", "avg_acw", "fcr",
          "repeat_rate", "complaint_rate")


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
    # per-party figures: over the calls whose speakers were told apart (None: no such call)
    avg_talk_ratio_agent: float | None  # 4 decimals
    avg_overtalk: float | None  # seconds, 2 decimals
    # handle time: duration + after-call work (where given), over calls with a duration
    avg_handle_time: float | None = None  # seconds, 2 decimals
    avg_acw: float | None = None  # over the calls whose metadata gave it, 2 decimals
    fcr: float | None = None  # resolved first contacts / first contacts, 4 decimals
    repeat_rate: float | None = None  # repeats / calls with customer and reason, 4 dec.
    complaint_rate: float = 0.0  # calls on a complaint reason / calls, 4 decimals


def group_column(group_by: GroupBy) -> ColumnElement[Any]:
    if group_by == "none":
        return literal(None)
    if group_by == "agent":
        return Agent.external_id.expression
    if group_by == "team":
        return Team.name.expression
    if group_by == "category":
        return category_column()
    if group_by in DIMENSIONS:
        return getattr(Call, group_by).expression  # type: ignore[no-any-return]
    raise ValueError(f"group_by must be one of {', '.join(GROUP_BYS)}, not {group_by!r}")


def _round(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _scoped(query: Select[Any], filters: CallFilters, agent_ids: Collection[int] | None,
            team_ids: Collection[int] | None) -> Select[Any]:
    query = (query.select_from(Call)
             .join(ScoreRecord, and_(ScoreRecord.call_id == Call.id, ScoreRecord.current))
             .outerjoin(Agent, Agent.id == Call.agent_id)
             .outerjoin(Team, Team.id == Call.team_id))
    query = query.where(*in_scope(Call.agent_id, Call.team_id, agent_ids, team_ids))
    return query.where(*filter_conditions(filters))


def summary(
    session: Session, filters: CallFilters, period: Period = "week",
    group_by: GroupBy = "none", *, agent_ids: Collection[int] | None = None,
    team_ids: Collection[int] | None = None,
) -> list[SummaryRow]:
    """One row per bucket x group that has a scored call: oldest bucket first, then by
    group (a missing group last). Only team/agent/queue/language/direction/region/channel/
    product/date filters of ``filters`` are meant for this (others are answered from
    the calls); ``agent_ids`` and ``team_ids`` narrow to those
    agents' and teams' calls (:func:`pipeline.db.search.in_scope`; rollups carry both).

    Served from ``daily_rollups`` (:mod:`pipeline.db.rollups`) when the filters fit whole
    days; otherwise (a date bound inside a day, other filters) from the calls."""
    if _rollup_fits(filters, session.get_bind().dialect.name):
        return _from_rollups(session, filters, period, group_by, agent_ids, team_ids)
    return _from_calls(session, filters, period, group_by, agent_ids, team_ids)


def _day_bound(value: datetime | None, dialect: str) -> tuple[bool, date | None]:
    """(usable, day): a bound at midnight is a whole day, as the live query compares it:
    SQLite compares the stored text with the bound's wall time (its offset dropped);
    PostgreSQL compares instants, and a naive bound there means the session's time zone."""
    if value is None:
        return True, None
    if dialect == "sqlite":
        value = value.replace(tzinfo=None)
    elif value.tzinfo is None or value.utcoffset() is None:
        return False, None
    else:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.time() == time(), value.date()


def _rollup_fits(f: CallFilters, dialect: str) -> bool:
    others = (f.status, f.score_min, f.score_max, f.flag, f.text, f.criterion, f.verdict,
              f.sentiment, f.disputed, f.reason)
    return (all(v is None for v in others) and _day_bound(f.date_from, dialect)[0]
            and _day_bound(f.date_to, dialect)[0])


def _rollup_key(r: Any, group_by: GroupBy) -> ColumnElement[Any]:
    """The rollup column a grouping splits by (agents and teams by id, named later)."""
    if group_by == "none":
        return literal(None)
    if group_by == "agent":
        return r.agent_id.expression  # type: ignore[no-any-return]
    if group_by == "team":
        return r.team_id.expression  # type: ignore[no-any-return]
    if group_by in DIMENSIONS:
        return getattr(r, group_by).expression  # type: ignore[no-any-return]
    raise ValueError(f"group_by must be one of {', '.join(GROUP_BYS)}, not {group_by!r}")


def period_start(day: date, period: Period) -> date:
    """The first day of ``day``'s bucket: itself, its week's Monday, its month's first."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"period must be one of day, week, month, not {period!r}")


def _from_rollups(session: Session, f: CallFilters, period: Period, group_by: GroupBy,
                  agent_ids: Collection[int] | None,
                  team_ids: Collection[int] | None = None) -> list[SummaryRow]:
    """SQL adds up rollup rows per day and raw group key (a plain scan of small rows); the
    days are folded into weeks or months and ids turned into names here."""
    dialect = session.get_bind().dialect.name
    period_start(date(2000, 1, 1), period)  # a bad period fails before any query
    narrowed = {"queue": f.queue, "language": f.language, "direction": f.direction,
                "region": f.region, "channel": f.channel, "product": f.product}
    coarse = group_by in ("none", "agent", "team") and all(
        v is None for v in narrowed.values())
    r: Any = AgentDayRollup if coarse else DailyRollup  # per day x agent is enough
    key = _rollup_key(r, group_by).label("grp")
    query = select(r.day, key, *(func.sum(getattr(r, c)) for c in SUMS)).group_by(r.day, key)
    query = query.where(*in_scope(r.agent_id, r.team_id, agent_ids, team_ids))
    if f.team is not None:
        query = query.where(r.team_id.in_(select(Team.id).where(Team.name == f.team)))
    if f.agent is not None:
        query = query.where(r.agent_id.in_(select(Agent.id).where(Agent.external_id == f.agent)))
    for name, value in narrowed.items():
        if value is not None:
            query = query.where(getattr(r, name) == value)
    day_from, day_to = _day_bound(f.date_from, dialect)[1], _day_bound(f.date_to, dialect)[1]
    if day_from is not None or day_to is not None:  # started_at bounds: undated calls out
        query = query.where(r.dated)
    if day_from is not None:
        query = query.where(r.day >= day_from)
    if day_to is not None:
        query = query.where(r.day < day_to)
    names: dict[Any, Any] = {}
    if group_by == "agent":
        names = dict(session.execute(select(Agent.id, Agent.external_id)).tuples().all())
    elif group_by == "team":
        names = dict(session.execute(select(Team.id, Team.name)).tuples().all())
    sums: dict[tuple[date, Any], list[Any]] = {}
    for day, grp, *values in session.execute(query):
        if group_by in ("agent", "team"):
            grp = names.get(grp)
        acc = sums.setdefault((period_start(as_date(day), period), grp), [0] * len(SUMS))
        for i, value in enumerate(values):
            if value is not None:
                acc[i] += value

    rows = [_row(start, grp, values) for (start, grp), values in sums.items() if values[0]]
    rows.sort(key=lambda r: (r.start, r.group is None, r.group or ""))
    return rows


def _row(start: date, grp: str | None, values: Sequence[Any]) -> SummaryRow:
    """A summary row from the sums of :data:`pipeline.db.rollups.SUMS` (in order)."""
    v = {name: value or 0 for name, value in zip(SUMS, values, strict=True)}
    calls = int(v["calls"])

    def mean(total: Any, n: Any, digits: int) -> float | None:
        return round(float(total) / int(n), digits) if n else None

    first = int(v["fcr_calls"]) - int(v["repeats"])
    return SummaryRow(
        start=start, group=grp, calls=calls, average_score=mean(v["score_sum"], calls, 2),
        auto_fail_rate=round(int(v["fails"]) / calls, 4),
        flag_rate=round(int(v["flagged"]) / calls, 4),
        customer_sentiment_end=mean(v["end_sum"], v["end_n"], 3),
        avg_duration=mean(v["duration_sum"], v["duration_n"], 2),
        avg_silence_pct=mean(v["silence_pct_sum"], v["metrics_n"], 2),
        avg_talk_ratio_agent=mean(v["talk_ratio_sum"], v["parties_n"], 4),
        avg_overtalk=mean(v["overtalk_sum"], v["parties_n"], 2),
        avg_handle_time=mean(float(v["duration_sum"]) + float(v["acw_sum"]),
                             v["duration_n"], 2),
        avg_acw=mean(v["acw_sum"], v["acw_n"], 2),
        fcr=mean(v["resolved"], first, 4), repeat_rate=mean(v["repeats"], v["fcr_calls"], 4),
        complaint_rate=round(int(v["complaints"]) / calls, 4),
    )


def _from_calls(session: Session, filters: CallFilters, period: Period, group_by: GroupBy,
                agent_ids: Collection[int] | None,
                team_ids: Collection[int] | None = None) -> list[SummaryRow]:
    """One GROUP BY over the calls, adding up what a rollup row would."""
    when = func.coalesce(Call.started_at, Call.created_at)
    bucket = bucket_start(session.get_bind().dialect.name, period, when).label("bucket")
    group = group_column(group_by).label("grp")
    query = _scoped(select(bucket, group, *sum_columns()), filters, agent_ids, team_ids)
    query = (query.outerjoin(CallMetricsRecord, CallMetricsRecord.call_id == Call.id)
             .group_by(bucket, group))
    rows = [_row(as_date(bucket_), grp, values)
            for bucket_, grp, *values in session.execute(query) if values[0]]
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


def group_names(session: Session, group_by: GroupBy,
                groups: Iterable[str | None]) -> dict[str, str]:
    """What a person calls each group: an agent's name for its external id (the id where
    the agent has no name); other groupings are already names, and get no entry."""
    wanted = {g for g in groups if g is not None}
    if group_by != "agent" or not wanted:
        return {}
    found = session.execute(select(Agent.external_id, Agent.name)
                            .where(Agent.external_id.in_(wanted))).tuples().all()
    return {ext: name or ext for ext, name in found}

