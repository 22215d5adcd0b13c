"""Escalating complaint cases past their deadline.

:func:`escalate_overdue` finds every open case whose current stage is due before ``now``
and raises its ``escalation_level`` by one, once per deadline: the acknowledgement, the
response and the closure each escalate a case at most once (and once more after each
reopening). Running it twice at the same ``now``, or every few minutes, escalates nothing
twice. Each escalation is in the case's history and the audit log, and
``complaint.escalated`` is queued for the case's owner and its team's supervisors. The
``complaint-sla`` flow and ``callqa complaints escalate`` run it; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.complaint_sla import deadline_of
from pipeline.db.complaint_notices import notify_case
from pipeline.db.complaint_records import CaseStatus, ComplaintCase
from pipeline.db.complaints import record_event
from pipeline.db.times import as_utc

__all__ = ["Escalation", "escalate_overdue", "escalation_key", "overdue_now"]


@dataclass(frozen=True)
class Escalation:
    case_id: int
    reference: str
    status: str
    deadline: str  # acknowledge, respond, close
    due_at: datetime
    level: int  # the new escalation level
    owner_id: int | None
    team_id: int | None
    notified: int  # deliveries queued

    def to_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "reference": self.reference, "status": self.status,
                "deadline": self.deadline, "due_at": self.due_at.isoformat(),
                "level": self.level, "owner_id": self.owner_id, "team_id": self.team_id,
                "notified": self.notified}


def escalation_key(case: ComplaintCase) -> str | None:
    """The deadline the case works to now, as escalations remember it: ``respond:0``."""
    deadline = deadline_of(case.status)
    return None if deadline is None else f"{deadline}:{case.reopened}"


def overdue_now(case: ComplaintCase, now: datetime) -> bool:
    return (case.status in CaseStatus.OPEN and case.due_at is not None
            and as_utc(case.due_at) < as_utc(now))


def escalate_overdue(session: Session, now: datetime) -> list[Escalation]:
    """Escalate every open case past its stage's deadline at ``now`` not yet escalated
    for that deadline; the escalations made, the most overdue first."""
    now = as_utc(now).astimezone(UTC)
    cases = session.scalars(select(ComplaintCase).where(
        ComplaintCase.status.in_(CaseStatus.OPEN), ComplaintCase.due_at.is_not(None),
        ComplaintCase.due_at < now).order_by(ComplaintCase.due_at, ComplaintCase.id))
    made: list[Escalation] = []
    for case in cases:
        key = escalation_key(case)
        if key is None or case.escalated_for == key or case.due_at is None:
            continue
        due = as_utc(case.due_at)
        case.escalation_level += 1
        case.escalated_for = key
        record_event(session, case, "escalate", now, None, from_status=case.status,
                     level=case.escalation_level, deadline=key.split(":")[0],
                     due_at=due.isoformat(),
                     overdue_hours=round((now - due).total_seconds() / 3600, 1))
        session.flush()
        sent = notify_case(session, "complaint.escalated", case, dedup=key)
        made.append(Escalation(case.id, case.reference or "", case.status, key.split(":")[0],
                               due, case.escalation_level, case.owner_id, case.team_id,
                               sent))
    return made
