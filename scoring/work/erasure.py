"""Erasure and retention as an admin asks for them (KVKK/GDPR): erase one call, keep a
queue's calls N days, remove a queue's policy. Each is audited and committed.

The erasure itself (rows first, then the recording objects) is
:func:`pipeline.db.erasure.erase_call`; the policies are :mod:`pipeline.db.retention`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.erasure import ErasureReport, erase_call, store_opener
from pipeline.db.models import Call
from pipeline.db.retention import RetentionPolicy, remove_policy, set_policy
from pipeline.errors import NotFound
from pipeline.settings import Settings

__all__ = ["erase", "remove_retention", "set_retention"]


def erase(session: Session, settings: Settings, admin: User, call_id: str, *,
          reason: str) -> ErasureReport:
    """Erase the call and its recording for good; :class:`NotFound` if there is no such
    call. ``reason`` is kept in the audit log. Commits (see :mod:`pipeline.db.erasure`)."""
    if session.scalar(select(Call.id).where(Call.id == call_id)) is None:
        raise NotFound(f"no call {call_id}")
    return erase_call(session, store_opener(settings), call_id, actor=admin, reason=reason,
                      home=settings.home)


def set_retention(session: Session, admin: User, queue: str, days: int) -> RetentionPolicy:
    """Keep ``queue``'s calls ``days`` days (``"*"``: every queue without a policy)."""
    policy = set_policy(session, queue, days, actor=admin)
    session.commit()
    return policy


def remove_retention(session: Session, admin: User, queue: str) -> None:
    """Remove ``queue``'s policy; :class:`NotFound` if it has none."""
    if not remove_policy(session, queue, actor=admin):
        raise NotFound(f"no retention policy for queue {queue!r}")
    session.commit()
