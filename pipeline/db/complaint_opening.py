"""Which calls open or join a complaint case.

By rule (:func:`open_for_call`, after a call is categorised and scored): a call is a
complaint when one of its contact reasons is marked ``complaint`` in the taxonomy, or its
current scorecard has one of the SLA file's ``complaint_flags`` (legal threat, regulator).
If the customer (``calls.customer_key``) has an open case, the call joins it
(``why="repeat"``), as does any call of theirs that repeats a call of that case or says
"I called before"; otherwise a complaint opens a new case. A call already in a case is
left alone, so categorising or scoring a call again never opens a second case.

By a person (:func:`open_or_attach`): the call opens a case, joins the customer's open
case, or joins the case the person names (``why="person"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.complaint_sla import ComplaintSla
from pipeline.db.accounts import User
from pipeline.db.complaint_records import CaseStatus, ComplaintCase, ComplaintCaseCall
from pipeline.db.complaints import (
    attach_call,
    case_of_call,
    open_case,
    open_case_of_customer,
)
from pipeline.db.models import Call, CallStatus, FlagRecord, ScoreRecord
from pipeline.db.reason_records import CallReason
from pipeline.errors import Conflict

__all__ = ["Opened", "case_category", "complaint_signals", "open_for_call",
           "open_or_attach"]

REPEAT_FLAG = "repeat_contact"


@dataclass(frozen=True)
class Opened:
    """What became of a call: it opened ``case_id`` or joined it, and why."""

    case_id: int
    reference: str
    call_id: str
    why: str  # opened, repeat, person
    signals: tuple[str, ...] = ()


def _flags(session: Session, call_id: str) -> set[str]:
    return set(session.scalars(
        select(FlagRecord.code).join(ScoreRecord, ScoreRecord.id == FlagRecord.score_id)
        .where(FlagRecord.call_id == call_id, ScoreRecord.current)))


def complaint_signals(session: Session, call_id: str, sla: ComplaintSla) -> tuple[str, ...]:
    """Why the call is a complaint (``reason:billing.high_bill``, ``flag:legal_threat``);
    empty when it is not."""
    reasons = session.scalars(select(CallReason.code).where(
        CallReason.call_id == call_id, CallReason.complaint.is_(True))
        .order_by(CallReason.primary.desc(), CallReason.confidence.desc()))
    flags = _flags(session, call_id)
    return (tuple(f"reason:{code}" for code in reasons)
            + tuple(f"flag:{code}" for code in sla.complaint_flags if code in flags))


def case_category(session: Session, call: Call) -> str | None:
    """The taxonomy category of the call's complaint reason (the most confident), else of
    its primary reason; None when it has none."""
    category = session.scalar(select(CallReason.category).where(
        CallReason.call_id == call.id, CallReason.complaint.is_(True))
        .order_by(CallReason.primary.desc(), CallReason.confidence.desc()).limit(1))
    if category is None and call.contact_reason:
        category = call.contact_reason.split(".", 1)[0]
    return category


def _repeats_case(session: Session, call: Call, case: ComplaintCase) -> bool:
    """The call repeats one of the case's calls, or the customer said they called before."""
    if call.repeat_of is not None and session.scalar(select(ComplaintCaseCall.id).where(
            ComplaintCaseCall.case_id == case.id,
            ComplaintCaseCall.call_id == call.repeat_of)) is not None:
        return True
    return REPEAT_FLAG in _flags(session, call.id)


def open_for_call(session: Session, call_id: str, sla: ComplaintSla,
                  now: datetime) -> Opened | None:
    """Open or join a case for a done call by rule; None when the call is in a case
    already, or is no complaint and no repeat of an open one."""
    call = session.get(Call, call_id)
    if call is None or call.status != CallStatus.DONE or case_of_call(session, call_id):
        return None
    signals = complaint_signals(session, call_id, sla)
    current = open_case_of_customer(session, call.customer_key)
    if current is not None and (signals or _repeats_case(session, call, current)):
        attach_call(session, current, call, "repeat", now)
        return Opened(current.id, current.reference or "", call_id, "repeat", signals)
    if not signals:
        return None
    case = open_case(session, call, sla, now, source="rule",
                     category=case_category(session, call), signals=signals)
    return Opened(case.id, case.reference or "", call_id, "opened", signals)


def open_or_attach(session: Session, call: Call, sla: ComplaintSla, now: datetime,
                   actor: User, *, case: ComplaintCase | None = None,
                   note: str | None = None) -> Opened:
    """A person's decision: ``call`` joins ``case`` (one not closed), else the customer's
    open case, else opens a new one; :class:`Conflict` if it is in a case already."""
    existing = case_of_call(session, call.id)
    if existing is not None:
        raise Conflict(f"call {call.id} already belongs to complaint {existing.reference}")
    if case is not None and case.status == CaseStatus.CLOSED:
        raise Conflict(f"complaint {case.reference} is closed; reopen it first, or open a "
                       "new complaint for this call")
    target = case or open_case_of_customer(session, call.customer_key)
    if target is not None:
        attach_call(session, target, call, "person", now, actor=actor, note=note)
        return Opened(target.id, target.reference or "", call.id, "person")
    made = open_case(session, call, sla, now, source="person",
                     category=case_category(session, call), actor=actor, note=note)
    return Opened(made.id, made.reference or "", call.id, "opened")
