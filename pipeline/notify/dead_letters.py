"""The outbox as people see it: deliveries by status (the dead letters first of all), and
retrying a dead one.

    list_deliveries  the newest deliveries, optionally of one status
    retry_delivery   queue a dead (or waiting) delivery again, due now, with its tries reset;
                     its delivery id stays, so a receiver that got it before dedupes it
    delivery_public  one delivery as the API and CLI show it (no payload, no secrets)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.audit import audit
from pipeline.db.outbox import DeliveryStatus, Notification
from pipeline.db.times import as_utc, utc_now
from pipeline.errors import Conflict, Invalid, NotFound

__all__ = ["count_deliveries", "delivery_public", "list_deliveries", "retry_delivery"]


def _of_status(query: Any, status: str | None) -> Any:
    if status is None:
        return query
    if status not in DeliveryStatus.ALL:
        raise Invalid(f"{status!r} is not a delivery status; use one of "
                      f"{', '.join(DeliveryStatus.ALL)}.")
    return query.where(Notification.status == status)


def list_deliveries(session: Session, status: str | None = None, *, limit: int = 100,
                    offset: int = 0) -> list[Notification]:
    query = _of_status(select(Notification), status)
    return list(session.scalars(query.order_by(Notification.created_at.desc(),
                                               Notification.id.desc())
                                .limit(limit).offset(offset)))


def count_deliveries(session: Session, status: str | None = None) -> int:
    query = _of_status(select(func.count()).select_from(Notification), status)
    return int(session.scalar(query) or 0)


def retry_delivery(session: Session, delivery_row_id: int, now: datetime | None = None, *,
                   by: User | None = None) -> Notification:
    """Queue delivery ``delivery_row_id`` again, due now, audited as
    ``notification.retry`` (``by``: the admin; None: the command line). A sent delivery,
    or one a sender holds right now, is refused. The caller commits."""
    row = session.get(Notification, delivery_row_id)
    if row is None:
        raise NotFound(f"There is no notification delivery {delivery_row_id}.",
                       hint="List them with: callqa notifications list --dead")
    if row.status in (DeliveryStatus.SENT, DeliveryStatus.SENDING):
        raise Conflict(f"Delivery {delivery_row_id} is {row.status}; only a dead or waiting "
                       "delivery can be retried.")
    was = row.status
    session.execute(update(Notification).where(
        Notification.id == row.id, Notification.status == was).values(
        status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=now or utc_now(),
        lease_until=None))
    audit(session, by, "notification.retry", "notification", row.id, event=row.event,
          was=was)
    session.refresh(row)
    return row


def _iso(value: datetime | None) -> str | None:
    return None if value is None else as_utc(value).isoformat()


def delivery_public(row: Notification) -> dict[str, Any]:
    return {
        "id": row.id, "delivery_id": row.delivery_id, "event": row.event,
        "subject_type": row.subject_type, "subject_id": row.subject_id,
        "channel": row.channel, "target": row.target, "status": row.status,
        "attempts": row.attempts, "next_attempt_at": _iso(row.next_attempt_at),
        "last_error": row.last_error, "created_at": _iso(row.created_at),
        "sent_at": _iso(row.sent_at),
    }
