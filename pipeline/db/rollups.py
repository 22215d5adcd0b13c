"""Daily rollups: what dashboards and trends add up, kept in step with the calls.

A dashboard over 100,000 calls cannot join and group every call within 200 ms on SQLite;
``daily_rollups`` holds, per UTC day x agent x team x queue x direction x language x
category x region x channel x product, the sums and counts the dashboard means and rates
are made of (handle time, FCR, repeats, complaints too); ``agent_day_rollups`` the same per
day and agent only, for trends and agent/team dashboards. Rather than adding and
subtracting deltas (easy to get wrong when a scorecard is replaced, an analysis redone or
a call erased), every write that can change a call's contribution recomputes the rollup
rows of the call's (day, agent) from the calls themselves, in the same transaction:
:func:`keys_of` before the change (a call may move), :func:`refresh` after it. That is a
few dozen calls per refresh, read through ``ix_calls_agent_started``.

The day is :func:`pipeline.db.buckets.bucket_start` of ``coalesce(started_at, created_at)``,
the expression the live dashboard query groups by, so both give the same buckets.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, exists, func, insert, or_, select
from sqlalchemy.orm import Session, aliased

from pipeline.db.buckets import as_date, bucket_start
from pipeline.db.complaint_records import ComplaintCaseCall
from pipeline.db.models import (
    AgentDayRollup,
    Call,
    CallMetricsRecord,
    DailyRollup,
    FlagRecord,
    ScoreRecord,
)

Key = tuple[date, int | None]  # (day, agent_id)


def day_of_call(dialect: str) -> ColumnElement[Any]:
    return bucket_start(dialect, "day", func.coalesce(Call.started_at, Call.created_at))


REPEAT_FLAG = "repeat_contact"  # the customer said they called before (scoring's flag)


def category_column() -> ColumnElement[Any]:
    """The dashboards' ``category``: the recorder's ``category`` (metadata fields callqa
    does not know are stored under ``extra``), else the queue."""
    return func.coalesce(Call.call_metadata[("extra", "category")].as_string(), Call.queue)


def fcr_counted() -> ColumnElement[bool]:
    """A call first-contact resolution counts: categorised, with a known customer."""
    return and_(Call.contact_reason.is_not(None), Call.customer_key.is_not(None))


def is_repeat() -> ColumnElement[bool]:
    """A repeat contact: linked to an earlier call, or the customer said so (the
    ``repeat_contact`` flag on the current scorecard, joined as ``ScoreRecord``)."""
    said = exists().where(FlagRecord.score_id == ScoreRecord.id, FlagRecord.code == REPEAT_FLAG)
    return or_(Call.repeat_of.is_not(None), said)


def is_resolved() -> ColumnElement[bool]:
    """A first contact no later call repeats."""
    later = aliased(Call)
    return and_(~is_repeat(), ~exists().where(later.repeat_of == Call.id))


def is_complaint() -> ColumnElement[bool]:
    """The call belongs to a complaint case (:mod:`pipeline.db.complaints` refreshes the
    call's rollups when it attaches one)."""
    return exists().where(ComplaintCaseCall.call_id == Call.id)


def told_apart() -> ColumnElement[Any]:
    """The call's speakers were told apart (stereo or diarised): its per-party figures
    (agent talk ratio, overtalk) mean something; an undiarised call's do not, and are left
    out of their means rather than counted as 0."""
    return func.coalesce(Call.diarization, "") != "none"


def sum_columns() -> list[ColumnElement[Any]]:
    """What a rollup row adds up (:data:`SUMS`, in order) over calls joined with their
    current ``ScoreRecord`` and outer-joined with their ``CallMetricsRecord``: the rollups
    store them per key, a dashboard the rollups cannot serve groups them itself."""
    duration = func.coalesce(CallMetricsRecord.duration, Call.duration)
    parties = and_(CallMetricsRecord.call_id.is_not(None), told_apart())
    counted = fcr_counted()
    timed_acw = case((duration.is_not(None), Call.acw_seconds))
    return [func.count(ScoreRecord.id), func.sum(ScoreRecord.total),
            func.sum(case((ScoreRecord.auto_failed, 1), else_=0)),
            func.sum(case((ScoreRecord.flagged, 1), else_=0)),
            func.sum(ScoreRecord.customer_end), func.count(ScoreRecord.customer_end),
            func.sum(duration), func.count(duration),
            func.sum(CallMetricsRecord.silence_pct),
            func.sum(case((parties, CallMetricsRecord.talk_ratio_agent))),
            func.sum(case((parties, CallMetricsRecord.overtalk))),
            func.count(CallMetricsRecord.call_id), func.count(case((parties, 1))),
            func.sum(timed_acw), func.count(timed_acw), func.count(case((counted, 1))),
            func.count(case((and_(counted, is_repeat()), 1))),
            func.count(case((and_(counted, is_resolved()), 1))),
            func.count(case((is_complaint(), 1)))]


def _aggregate(dialect: str) -> Any:
    """Rollup rows of every call with a current scorecard (callers narrow it)."""
    day = day_of_call(dialect)
    keys = (day, Call.started_at.is_not(None), Call.agent_id, Call.team_id, Call.queue,
            Call.direction, Call.language, category_column(), Call.region, Call.channel,
            Call.product)
    return (
        select(*keys, *sum_columns())
        .select_from(Call)
        .join(ScoreRecord, and_(ScoreRecord.call_id == Call.id, ScoreRecord.current))
        .outerjoin(CallMetricsRecord, CallMetricsRecord.call_id == Call.id)
        .group_by(*keys)
    )


KEYS = ("day", "dated", "agent_id", "team_id", "queue", "direction", "language",
        "category", "region", "channel", "product")
SUMS = ("calls", "score_sum", "fails", "flagged", "end_sum", "end_n", "duration_sum",
        "duration_n", "silence_pct_sum", "talk_ratio_sum", "overtalk_sum", "metrics_n",
        "parties_n", "acw_sum", "acw_n", "fcr_calls", "repeats", "resolved", "complaints")
COLUMNS = (*KEYS, *SUMS)
COARSE = ("day", "dated", "agent_id", "team_id", *SUMS)


def _coarse(where: Any = ()) -> Any:
    """``agent_day_rollups`` rows from ``daily_rollups`` rows."""
    r = DailyRollup
    keys = (r.day, r.dated, r.agent_id, r.team_id)
    return select(*keys, *(func.sum(getattr(r, c)) for c in SUMS)).where(*where).group_by(*keys)


def _day_value(dialect: str, day: date) -> Any:
    """``day`` as the day expression yields it (SQLite: ISO text)."""
    return day.isoformat() if dialect == "sqlite" else day


def keys_of(session: Session, call_ids: Collection[str]) -> set[Key]:
    """The (day, agent) rollup keys of these calls as stored now."""
    if not call_ids:
        return set()
    session.flush()
    dialect = session.get_bind().dialect.name
    rows = session.execute(select(day_of_call(dialect), Call.agent_id)
                           .where(Call.id.in_(list(call_ids))).distinct())
    return {(as_date(day), agent) for day, agent in rows if day is not None}


def refresh(session: Session, keys: Iterable[Key]) -> None:
    """Recompute the rollup rows of each (day, agent) from the calls as stored now."""
    session.flush()
    dialect = session.get_bind().dialect.name
    for day, agent_id in sorted(keys, key=lambda k: (k[0], k[1] is None, k[1] or 0)):
        if dialect == "postgresql":  # two writers of one (day, agent) take turns, or both
            # would delete nothing of the other's and insert the same sums twice (SQLite
            # writers are serialised by its database lock)
            session.execute(select(func.pg_advisory_xact_lock(
                day.toordinal(), -1 if agent_id is None else agent_id)))
        same_agent = (DailyRollup.agent_id.is_(None) if agent_id is None
                      else DailyRollup.agent_id == agent_id)
        session.execute(delete(DailyRollup).where(DailyRollup.day == day, same_agent))
        calls_agent = Call.agent_id.is_(None) if agent_id is None else Call.agent_id == agent_id
        query = _aggregate(dialect).where(calls_agent,
                                          day_of_call(dialect) == _day_value(dialect, day))
        session.execute(insert(DailyRollup).from_select(COLUMNS, query))
        same_agent_coarse = (AgentDayRollup.agent_id.is_(None) if agent_id is None
                             else AgentDayRollup.agent_id == agent_id)
        session.execute(delete(AgentDayRollup).where(AgentDayRollup.day == day,
                                                     same_agent_coarse))
        session.execute(insert(AgentDayRollup).from_select(
            COARSE, _coarse((DailyRollup.day == day, same_agent))))


def refresh_calls(session: Session, call_ids: Collection[str],
                  before: Iterable[Key] = ()) -> None:
    """After a write to these calls: their keys now, and ``before`` (their keys earlier)."""
    refresh(session, set(before) | keys_of(session, call_ids))


# The last migration that changed what a rollup row holds: an upgrade from before it
# rebuilds every row once the schema is at head (pipeline.db.session.upgrade), with this
# module's query against the schema it was written for. A migration never calls
# ``rebuild`` itself: at its revision the tables may lack columns added later.
CHANGED_AT = "0018"


def rebuild(session: Session) -> None:
    """Every rollup row from scratch (after an upgrade, the benchmark seed, repairs)."""
    dialect = session.get_bind().dialect.name
    session.execute(delete(DailyRollup))
    session.execute(delete(AgentDayRollup))
    session.execute(insert(DailyRollup).from_select(COLUMNS, _aggregate(dialect)))
    session.execute(insert(AgentDayRollup).from_select(COARSE, _coarse()))
