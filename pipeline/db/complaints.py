"""The lifecycle of a complaint case (ISO 10002), over a database session.

    received -> acknowledged -> assessed -> investigating -> responded -> closed
                                            ^                    |         |
                                            +---- not accepted --+         |
                                            +------------ reopen ----------+

    open_case(session, call, sla, now, ...)       a new case, its first call attached
    attach_call(session, case, call, why, now)    a call joins a case (one case per call)
    transition(session, case, to, sla, now, ...)  one step; anything else is refused with
                                                  the steps that are allowed
    set_owner(session, case, owner, now, ...)     who handles it (None: nobody)

Closing needs a :class:`Closure`: the outcome (:data:`~pipeline.complaint_sla.OUTCOMES`),
a root-cause code of the SLA file and, if the customer gave it, their satisfaction with
the resolution (1-5). Reopening clears them (the history keeps them) and starts the SLA
clock again. ``due_at`` always follows the current stage. Every change is written to
``complaint_events`` and the audit log, and the notifications outbox learns of openings
and closures (:mod:`pipeline.db.complaint_notices`), all in the caller's transaction:
nothing here commits. Every function takes ``now``: there is no hidden clock.

Which calls open cases by rule, and the escalation of overdue ones, are
:mod:`pipeline.db.complaint_opening` and :mod:`pipeline.db.complaint_escalation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.complaint_sla import OUTCOMES, ComplaintSla
from pipeline.db import rollups
from pipeline.db.accounts import User
from pipeline.db.audit import audit
from pipeline.db.complaint_notices import notify_case
from pipeline.db.complaint_records import (
    CaseStatus,
    ComplaintCase,
    ComplaintCaseCall,
    ComplaintEvent,
)
from pipeline.db.models import Call
from pipeline.db.times import as_utc
from pipeline.errors import Conflict, Invalid

__all__ = ["TRANSITIONS", "Closure", "attach_call", "case_of_call", "open_case",
           "open_case_of_customer", "record_event", "reference_of", "set_owner",
           "transition"]

S = CaseStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.ACKNOWLEDGED,),
    S.ACKNOWLEDGED: (S.ASSESSED,),
    S.ASSESSED: (S.INVESTIGATING,),
    S.INVESTIGATING: (S.RESPONDED,),
    S.RESPONDED: (S.CLOSED, S.INVESTIGATING),  # the customer did not accept the response
    S.CLOSED: (S.INVESTIGATING,),  # reopen
}
WHY = ("opened", "repeat", "person")
NOTE_MAX = 2000


@dataclass(frozen=True)
class Closure:
    outcome: str  # one of OUTCOMES
    root_cause: str  # a code of the SLA file's root_causes
    satisfaction: int | None = None  # the customer's, 1..5


def reference_of(case_id: int, opened_at: datetime) -> str:
    """The reference a person quotes: ``CMP-2026-000123``."""
    return f"CMP-{opened_at.year}-{case_id:06d}"


def record_event(session: Session, case: ComplaintCase, action: str, now: datetime,
                 actor: User | None, *, from_status: str | None = None,
                 to_status: str | None = None, **detail: Any) -> ComplaintEvent:
    """One line of the case's history and its audit entry (``complaint.<action>``)."""
    event = ComplaintEvent(case_id=case.id, at=now, user_id=actor.id if actor else None,
                           action=action, from_status=from_status, to_status=to_status,
                           detail={k: v for k, v in detail.items() if v is not None})
    session.add(event)
    entry = audit(session, actor, f"complaint.{action}", "complaint", case.id,
                  reference=case.reference, from_status=from_status, to_status=to_status,
                  **event.detail)
    entry.at = now
    return event


def case_of_call(session: Session, call_id: str) -> ComplaintCase | None:
    """The case the call belongs to, if any."""
    return session.scalar(select(ComplaintCase).join(ComplaintCaseCall).where(
        ComplaintCaseCall.call_id == call_id))


def open_case_of_customer(session: Session, customer_key: str | None) -> ComplaintCase | None:
    """The customer's open case (the most recent, should there be more than one)."""
    if customer_key is None:
        return None
    return session.scalar(select(ComplaintCase).where(
        ComplaintCase.customer_key == customer_key,
        ComplaintCase.status.in_(CaseStatus.OPEN)).order_by(ComplaintCase.id.desc()).limit(1))


def _note(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    if len(note) > NOTE_MAX:
        raise Invalid(f"the note is {len(note)} characters long; keep it under {NOTE_MAX}")
    return note.strip()


def open_case(session: Session, call: Call, sla: ComplaintSla, now: datetime, *,
              source: str, category: str | None, actor: User | None = None,
              note: str | None = None, signals: tuple[str, ...] = ()) -> ComplaintCase:
    """A new case for ``call`` (its first call, ``why="opened"``), received now, due to be
    acknowledged by its category's limit; ``complaint.opened`` is queued."""
    now = as_utc(now).astimezone(UTC)
    if source not in ("rule", "person"):
        raise ValueError(f"source must be 'rule' or 'person', not {source!r}")
    case = ComplaintCase(status=S.RECEIVED, category=category, customer_key=call.customer_key,
                         team_id=call.team_id, opened_at=now, clock_from=now,
                         due_at=sla.due(S.RECEIVED, category, now), reopened=0,
                         escalation_level=0, source=source)
    session.add(case)
    session.flush()
    case.reference = reference_of(case.id, now)
    session.add(ComplaintCaseCall(case_id=case.id, call_id=call.id, attached_at=now,
                                  why="opened"))
    record_event(session, case, "open", now, actor, to_status=S.RECEIVED, call_id=call.id,
                 source=source, category=category, note=_note(note),
                 signals=list(signals) or None)
    session.flush()
    rollups.refresh_calls(session, [call.id])  # the dashboards' complaint rate counts it
    notify_case(session, "complaint.opened", case)
    return case


def attach_call(session: Session, case: ComplaintCase, call: Call, why: str, now: datetime,
                actor: User | None = None, note: str | None = None) -> ComplaintCaseCall:
    """``call`` joins ``case``; :class:`Conflict` if it is in a case already."""
    if why not in WHY:
        raise ValueError(f"why must be one of {', '.join(WHY)}, not {why!r}")
    other = case_of_call(session, call.id)
    if other is not None:
        raise Conflict(f"call {call.id} already belongs to complaint {other.reference}")
    link = ComplaintCaseCall(case_id=case.id, call_id=call.id, attached_at=now, why=why)
    session.add(link)
    if case.customer_key is None and call.customer_key is not None:
        case.customer_key = call.customer_key
    record_event(session, case, "attach", now, actor, call_id=call.id, why=why,
                 note=_note(note))
    session.flush()
    rollups.refresh_calls(session, [call.id])  # the dashboards' complaint rate counts it
    return link


def _refuse(case: ComplaintCase, to_status: str) -> Conflict:
    allowed = TRANSITIONS.get(case.status, ())
    steps = " or ".join(allowed) if allowed else "nowhere"
    return Conflict(f"complaint {case.reference} is {case.status}: it can go to {steps}, "
                    f"not to {to_status}")


def _check_closure(closure: Closure | None, sla: ComplaintSla) -> Closure:
    if closure is None:
        raise Invalid("closing a complaint needs its outcome and root cause (and the "
                      "customer's satisfaction 1-5, if given)")
    if closure.outcome not in OUTCOMES:
        raise Invalid(f"outcome {closure.outcome!r} is not one of {', '.join(OUTCOMES)}")
    if sla.root_cause(closure.root_cause) is None:
        raise Invalid(f"root cause {closure.root_cause!r} is not one of the SLA file's "
                      f"codes: {', '.join(sla.root_cause_codes)}")
    if closure.satisfaction is not None and not 1 <= closure.satisfaction <= 5:
        raise Invalid(f"satisfaction must be 1 to 5, not {closure.satisfaction}")
    return closure


def transition(session: Session, case: ComplaintCase, to_status: str, sla: ComplaintSla,
               now: datetime, *, actor: User | None = None, note: str | None = None,
               closure: Closure | None = None) -> ComplaintCase:
    """Move ``case`` one step to ``to_status`` (closing: with ``closure``); an illegal step
    is refused (:class:`Conflict`) with the steps that are allowed."""
    now = as_utc(now).astimezone(UTC)
    if to_status not in CaseStatus.ALL:
        raise Invalid(f"{to_status!r} is not a complaint state; one of "
                      f"{', '.join(CaseStatus.ALL)}")
    if to_status not in TRANSITIONS.get(case.status, ()):
        raise _refuse(case, to_status)
    if to_status == S.CLOSED:
        closure = _check_closure(closure, sla)
    elif closure is not None:
        raise Invalid("an outcome and root cause are given only when closing a complaint")
    before = case.status
    detail: dict[str, Any] = {"note": _note(note)}
    if before == S.CLOSED:  # reopen: the closure stays in the history only
        case.reopened += 1
        case.clock_from = now
        case.closed_at = case.outcome = case.root_cause = case.satisfaction = None
        case.sla_met = None
        detail["reopened"] = case.reopened
    case.status = to_status
    if to_status == S.ACKNOWLEDGED and case.acknowledged_at is None:
        case.acknowledged_at = now
    elif to_status == S.RESPONDED:
        case.responded_at = now
    elif to_status == S.CLOSED and closure is not None:
        case.sla_met = case.due_at is None or now <= as_utc(case.due_at)
        case.closed_at = now
        case.outcome, case.root_cause = closure.outcome, closure.root_cause
        case.satisfaction = closure.satisfaction
        detail.update(outcome=closure.outcome, root_cause=closure.root_cause,
                      satisfaction=closure.satisfaction, sla_met=case.sla_met)
    case.due_at = sla.due(to_status, case.category, as_utc(case.clock_from))
    detail["due_at"] = case.due_at.isoformat() if case.due_at else None
    record_event(session, case, "reopen" if before == S.CLOSED else
                 "close" if to_status == S.CLOSED else "transition", now, actor,
                 from_status=before, to_status=to_status, **detail)
    session.flush()
    if to_status == S.CLOSED:
        notify_case(session, "complaint.closed", case, dedup=f"closed:{case.reopened}")
    return case


def set_owner(session: Session, case: ComplaintCase, owner: User | None, now: datetime, *,
              actor: User | None = None) -> ComplaintCase:
    """``owner`` handles the case from now (None: nobody); the previous owner is kept in
    the history."""
    before = case.owner_id
    case.owner_id = owner.id if owner else None
    if before != case.owner_id:
        record_event(session, case, "owner", now, actor, owner_id=case.owner_id,
                     previous_owner_id=before,
                     owner=owner.username if owner else None)
        session.flush()
    return case
