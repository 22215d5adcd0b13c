"""What the notifications outbox is told about a complaint case: its reference, state,
category, due date, escalation level and a link to its page, never the customer
(:func:`pipeline.db.outbox.notify` queues it in the caller's transaction). The case's
owner is told by e-mail, and so are the supervisors of its team."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from pipeline.db.complaint_records import ComplaintCase
from pipeline.db.outbox import notify
from pipeline.settings import get_settings

__all__ = ["case_link", "case_payload", "notify_case"]


def case_link(case_id: int) -> str:
    """The case's page in the web UI (relative when CALLQA_PUBLIC_URL is unset)."""
    base = (get_settings().public_url or "").rstrip("/")
    return f"{base}/#/complaint?id={case_id}"


def case_payload(case: ComplaintCase) -> dict[str, Any]:
    return {"case_id": case.id, "reference": case.reference, "status": case.status,
            "category": case.category, "team_id": case.team_id,
            "due_at": case.due_at.isoformat() if case.due_at else None,
            "escalation_level": case.escalation_level, "outcome": case.outcome,
            "root_cause": case.root_cause, "link": case_link(case.id)}


def notify_case(session: Session, event: str, case: ComplaintCase,
                dedup: str | None = None) -> int:
    """Queue ``event`` about ``case`` for its owner and its team's supervisors."""
    return notify(session, event, "complaint", str(case.id), case_payload(case),
                  dedup_key=dedup, team_id=case.team_id,
                  user_ids=() if case.owner_id is None else (case.owner_id,))
