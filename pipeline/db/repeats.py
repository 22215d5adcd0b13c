"""Repeat contacts and first-contact resolution.

A call *repeats* an earlier one when the same customer (``calls.customer_key``) called
within the repeat window before it (``CALLQA_REPEAT_WINDOW_DAYS``, 7) on the same primary
contact reason; ``calls.repeat_of`` names the latest such call. :func:`relink` recomputes
the links of one customer's calls from their times and reasons (a few calls each), so
calls processed out of order, recategorised or erased leave the links right.

First-contact resolution (:func:`resolution`): of the calls that are first contacts (not a
repeat, and the customer did not say they had called before: the ``repeat_contact`` flag
on the current scorecard, the second signal), the share that no later call repeats. A
call too recent for its window to have passed is counted all the same (it may yet be
repeated): the figure is as of now.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, case, func, literal, select, update
from sqlalchemy.orm import Session

from pipeline.db import rollups
from pipeline.db.models import Agent, Call, CallStatus, ScoreRecord, Team
from pipeline.db.search import CallFilters, filter_conditions, in_scope

__all__ = ["FCR_GROUPS", "ResolutionRow", "relink", "relink_calls", "resolution", "unlink"]

FcrGroup = Literal["none", "agent", "team", "queue", "reason", "product", "region", "channel"]
FCR_GROUPS: tuple[FcrGroup, ...] = ("none", "agent", "team", "queue", "reason", "product",
                                    "region", "channel")
REPEAT_FLAG = rollups.REPEAT_FLAG


def _when(call: Call) -> datetime:
    at = call.started_at or call.created_at
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def relink(session: Session, customer_key: str, window_days: float) -> None:
    """Recompute ``repeat_of`` for every call of this customer; the dashboards' rollups
    of the calls whose link, or whose being repeated, changed follow in step."""
    calls = sorted(session.scalars(select(Call).where(Call.customer_key == customer_key)),
                   key=lambda c: (_when(c), c.id))
    window = timedelta(days=window_days)
    changed: set[str] = set()
    for i, call in enumerate(calls):
        earlier = None
        if call.contact_reason is not None:
            for before in reversed(calls[:i]):
                if _when(call) - _when(before) > window:
                    break
                if before.contact_reason == call.contact_reason and before.id != call.id:
                    earlier = before.id
                    break
        if call.repeat_of != earlier:
            changed.update(c for c in (call.id, call.repeat_of, earlier) if c is not None)
        call.repeat_of = earlier
    session.flush()
    if changed:
        rollups.refresh_calls(session, changed)


def relink_calls(session: Session, call_ids: Iterable[str], window_days: float) -> None:
    """:func:`relink` the customers of these calls."""
    keys = {k for k in session.scalars(select(Call.customer_key).where(
        Call.id.in_(list(call_ids)), Call.customer_key.is_not(None))) if k is not None}
    for key in sorted(keys):
        relink(session, key, window_days)


def unlink(session: Session, call_id: str) -> None:
    """Before an erasure: no call repeats the erased one any more (their rollups follow)."""
    linked = list(session.scalars(select(Call.id).where(Call.repeat_of == call_id)))
    session.execute(update(Call).where(Call.repeat_of == call_id).values(repeat_of=None))
    if linked:
        rollups.refresh_calls(session, linked)


@dataclass(frozen=True)
class ResolutionRow:
    group: str | None
    calls: int  # categorised calls with a known customer
    repeats: int  # of them, repeats of an earlier call (linked, or said so)
    first_contacts: int
    resolved: int  # first contacts no later call repeats
    fcr: float | None  # resolved / first contacts, 4 decimals
    repeat_rate: float | None  # repeats / calls, 4 decimals


def _group(group_by: FcrGroup) -> Any:
    return {"none": None, "agent": Agent.external_id, "team": Team.name, "queue": Call.queue,
            "reason": Call.contact_reason, "product": Call.product, "region": Call.region,
            "channel": Call.channel}[group_by]


def resolution(session: Session, filters: CallFilters, group_by: FcrGroup = "none",
               agent_ids: Collection[int] | None = None,
               team_ids: Collection[int] | None = None) -> list[ResolutionRow]:
    """Repeat-contact rate and FCR per group over the calls the filters and scope allow."""
    is_repeat = rollups.is_repeat()
    group = _group(group_by)
    key = (group if group is not None else literal("all")).label("grp")
    query = (select(key, func.count(Call.id), func.sum(case((is_repeat, 1), else_=0)),
                    func.sum(case((rollups.is_resolved(), 1), else_=0)))
             .select_from(Call)
             .outerjoin(ScoreRecord, and_(ScoreRecord.call_id == Call.id, ScoreRecord.current))
             .where(Call.status == CallStatus.DONE, rollups.fcr_counted(),
                    *filter_conditions(filters),
                    *in_scope(Call.agent_id, Call.team_id, agent_ids, team_ids))
             .group_by(group if group is not None else Call.status))  # status: one value
    if group_by == "agent":
        query = query.outerjoin(Agent, Agent.id == Call.agent_id)
    elif group_by == "team":
        query = query.outerjoin(Team, Team.id == Call.team_id)
    rows = []
    for grp, calls, repeats, resolved in session.execute(query):
        grp = None if group is None else grp
        calls, repeats, resolved = int(calls), int(repeats or 0), int(resolved or 0)
        first = calls - repeats
        rows.append(ResolutionRow(
            group=grp, calls=calls, repeats=repeats, first_contacts=first, resolved=resolved,
            fcr=round(resolved / first, 4) if first else None,
            repeat_rate=round(repeats / calls, 4) if calls else None))
    rows.sort(key=lambda r: (r.group is None, r.group or ""))
    return rows
