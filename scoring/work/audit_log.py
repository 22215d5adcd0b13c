"""Reading the audit log: who did what to which object, and when (the admins' view).

Entries are written by each action in the same transaction as its change
(:func:`pipeline.db.audit.audit`); here they are only read, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.audit import AuditLog
from scoring.work.access import count_rows

__all__ = ["list_entries"]


def list_entries(
    session: Session, *, action: str | None = None, object_type: str | None = None,
    object_id: str | None = None, user_id: int | None = None, since: datetime | None = None,
    skip: int = 0, limit: int = 50,
) -> tuple[Sequence[tuple[AuditLog, str | None]], int]:
    """A page of entries, newest first, each with its user's name (None when the user is
    gone), and how many entries match. Every filter given must hold; ``since`` includes."""
    query = select(AuditLog, User.username).outerjoin(User, User.id == AuditLog.user_id)
    for column, value in ((AuditLog.action, action), (AuditLog.object_type, object_type),
                          (AuditLog.object_id, object_id), (AuditLog.user_id, user_id)):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditLog.at >= since)
    count = count_rows(session, query)
    rows = session.execute(query.order_by(AuditLog.id.desc()).offset(skip).limit(limit)).all()
    return [(entry, name) for entry, name in rows], count
