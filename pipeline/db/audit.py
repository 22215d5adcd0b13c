"""The audit log: who did what to which object, and when.

    AuditLog  one entry: the user (kept as NULL when the user is deleted), the action
              (e.g. ``"review.override"``), the object's type and id, and a JSON detail
    audit     write one entry in the caller's session (transaction), so the entry is
              committed, or rolled back, with the change it records

Reviews, overrides, dispute decisions, original-text views, user and retention changes
and erasures are audited.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.db.accounts import User
from pipeline.db.models import Base
from pipeline.db.times import utc_now


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "review.override"
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def audit(
    session: Session, user: User | None, action: str, object_type: str, object_id: object,
    **detail: Any,
) -> AuditLog:
    """Write one audit entry (who, what, which object, when) in the caller's transaction."""
    entry = AuditLog(user_id=user.id if user else None, action=action, object_type=object_type,
                     object_id=str(object_id), detail=detail, at=utc_now())
    session.add(entry)
    return entry


def fingerprint(text: str) -> str:
    """How the audit log names what it must not hold in clear (a customer's reference, a
    name typed at sign-in that is no user's): the first 12 hex digits of its SHA-256, the
    same for the same text, so repeats can still be counted."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
