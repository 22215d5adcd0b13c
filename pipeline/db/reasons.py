"""Store and read a call's contact reasons (:mod:`pipeline.db.reason_records`).

    save_reasons(session, call_id, found)   replace the call's reasons with ``found``
                                            (``scoring.categorise.Categorisation.to_dict()``)
    stale_calls(session, taxonomy_hash)     done calls a taxonomy has not categorised
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from pipeline.db import rollups
from pipeline.db.models import Call, CallStatus
from pipeline.db.reason_records import CallReason
from pipeline.db.repeats import relink

__all__ = ["reasons_of", "save_reasons", "stale_calls"]


def save_reasons(session: Session, call_id: str, found: Mapping[str, Any],
                 repeat_window_days: float | None = None) -> list[CallReason]:
    """The call's reasons become ``found``'s (the first is primary); the call keeps the
    primary code, the product where metadata gave none, and the taxonomy's hash. With
    ``repeat_window_days``, the customer's repeat links are recomputed (the primary reason
    decides them)."""
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"no call {call_id}")
    session.execute(delete(CallReason).where(CallReason.call_id == call_id))
    rows = [CallReason(call_id=call_id, taxonomy=found["taxonomy"],
                       taxonomy_version=found["version"], code=r["code"],
                       category=r["category"], subcategory=r["subcategory"],
                       confidence=r["confidence"], primary=i == 0,
                       complaint=bool(r.get("complaint")), hits=list(r.get("hits", [])))
            for i, r in enumerate(found["reasons"])]
    session.add_all(rows)
    call.contact_reason = rows[0].code if rows else None
    call.product = found.get("product")
    call.taxonomy_hash = found["hash"]
    session.flush()
    rollups.refresh_calls(session, [call_id])  # product and complaint feed dashboards
    if repeat_window_days is not None and call.customer_key is not None:
        relink(session, call.customer_key, repeat_window_days)
    return rows


def reasons_of(session: Session, call_id: str) -> list[CallReason]:
    """The call's reasons, the primary first, then by confidence."""
    return list(session.scalars(
        select(CallReason).where(CallReason.call_id == call_id)
        .order_by(CallReason.primary.desc(), CallReason.confidence.desc(), CallReason.id)))


def stale_calls(session: Session, taxonomy_hash: str | None, limit: int | None = None
                ) -> list[str]:
    """Ids of done calls not categorised by this taxonomy (all done calls when ``None``),
    oldest first."""
    query = select(Call.id).where(Call.status == CallStatus.DONE)
    if taxonomy_hash is not None:
        query = query.where(or_(Call.taxonomy_hash.is_(None),
                                Call.taxonomy_hash != taxonomy_hash))
    return list(session.scalars(query.order_by(Call.created_at, Call.id).limit(limit)))
