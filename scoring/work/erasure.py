"""Erasure and retention as an admin asks for them (KVKK/GDPR): erase one call, erase or
export everything of one customer, keep a queue's calls N days, remove a queue's policy.
Each is audited and committed.

The erasure itself (rows first, then the recording objects) is
:func:`pipeline.db.erasure.erase_call`, per customer
:func:`pipeline.db.customer_erasure.erase_customer`; the policies are
:mod:`pipeline.db.retention`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.audit import audit, fingerprint
from pipeline.db.customer_erasure import (
    EXPORT_ACTION,
    CustomerErasureReport,
    customer_call_ids,
    customer_calls,
    erase_customer,
)
from pipeline.db.erasure import ErasureReport, erase_call, store_opener
from pipeline.db.models import Call
from pipeline.db.retention import RetentionPolicy, remove_policy, set_policy
from pipeline.errors import NotFound
from pipeline.settings import Settings

__all__ = ["erase", "erase_customer_data", "export_customer", "remove_retention",
           "set_retention"]


def erase(session: Session, settings: Settings, admin: User, call_id: str, *,
          reason: str) -> ErasureReport:
    """Erase the call and its recording for good; :class:`NotFound` if there is no such
    call. ``reason`` is kept in the audit log. Commits (see :mod:`pipeline.db.erasure`)."""
    if session.scalar(select(Call.id).where(Call.id == call_id)) is None:
        raise NotFound(f"no call {call_id}")
    return erase_call(session, store_opener(settings), call_id, actor=admin, reason=reason,
                      home=settings.home)


def erase_customer_data(session: Session, settings: Settings, admin: User, customer_ref: str,
                        *, reason: str) -> CustomerErasureReport:
    """Erase every call of ``customer_ref`` (a KVKK/GDPR request of one person) in one
    audited action; :class:`NotFound` if no call has it. Commits."""
    if not customer_call_ids(session, customer_ref):
        raise NotFound(f"no call of customer {customer_ref}")
    return erase_customer(session, store_opener(settings), customer_ref, actor=admin,
                          reason=reason, home=settings.home)


def export_customer(session: Session, admin: User, customer_ref: str) -> list[dict[str, Any]]:
    """That person's calls with redacted transcripts, scorecards and clips (the right of
    access); :class:`NotFound` if no call has it. Audited (by fingerprint); commits."""
    calls = customer_calls(session, customer_ref)
    if not calls:
        raise NotFound(f"no call of customer {customer_ref}")
    audit(session, admin, EXPORT_ACTION, "customer", fingerprint(customer_ref),
          calls=len(calls))
    session.commit()
    return calls


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
