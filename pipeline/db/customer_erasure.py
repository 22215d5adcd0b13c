"""Everything of one data subject (a ``customer_ref``), on a KVKK/GDPR request.

Requests come per person, not per call: :func:`erase_customer` finds every call whose
metadata named the customer (``Call.customer_ref``, set from the recording's sidecar) and
erases each as :func:`pipeline.db.erasure.erase_call` does (rows, recording objects,
cached redacted audio, free text of earlier audit entries about the call), in ONE
database transaction for all of them: either every call's rows go or none do. Earlier
audit entries that quote the customer_ref anywhere in their details have it replaced with
``"[erased]"``. One ``customer.erase`` entry records who, when, why, how many calls and
which; it names the customer only by :func:`fingerprint` (a one-way SHA-256 prefix), so
the log can show a request was honoured without holding the reference in clear.

The store objects are deleted after the commit, as for one call (see
:mod:`pipeline.db.erasure` for why, and for the retry of objects whose deletion failed).

:func:`customer_calls` is the export side: that person's calls with their redacted
transcripts, current scorecards and clips, as plain data.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import User
from pipeline.db.audit import AuditLog, audit, fingerprint
from pipeline.db.erasure import (
    ERASED_TEXT,
    CallNotFound,
    StoreOpener,
    _actor,
    _delete_objects,
    _erase_rows,
    _opener,
    _Target,
    remove_cached_audio,
    required_reason,
)
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.review_records import Clip
from pipeline.store import RecordingStore

ACTION = "customer.erase"
EXPORT_ACTION = "customer.export"


@dataclasses.dataclass(frozen=True)
class CustomerErasureReport:
    """What one customer's erasure removed; ``objects_pending`` are retried later."""

    customer: str  # the fingerprint, never the reference itself
    call_ids: tuple[str, ...]
    actor: str
    reason: str
    at: datetime
    removed: dict[str, int]  # table -> rows deleted, over all the calls
    audit_id: int
    audit_redacted: int = 0  # earlier entries whose free text or customer_ref was blanked
    objects_deleted: int = 0
    objects_pending: tuple[str, ...] = ()
    store_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["at"] = self.at.isoformat()
        data["call_ids"] = list(self.call_ids)
        data["objects_pending"] = list(self.objects_pending)
        return data


def customer_call_ids(session: Session, customer_ref: str) -> list[str]:
    """The ids of the calls whose metadata named ``customer_ref``, oldest first."""
    return list(session.scalars(select(Call.id).where(Call.customer_ref == customer_ref)
                                .order_by(Call.started_at, Call.id)).all())


def erase_customer(
    session: Session, store: RecordingStore | StoreOpener, customer_ref: str, *,
    actor: User | str, reason: str, home: Path | None = None,
) -> CustomerErasureReport:
    """Erase every call of ``customer_ref``; :class:`CallNotFound` if it has none.

    ``store``, ``actor`` and ``home`` as for :func:`pipeline.db.erasure.erase_call`.
    Commits ``session`` (the rows of all the calls in one transaction, then the objects).
    """
    reason = required_reason(reason)
    who = fingerprint(customer_ref)
    call_ids = customer_call_ids(session, customer_ref)
    if not call_ids:
        raise CallNotFound(f"no call of customer {who}",
                           hint="Check the reference; it must match the recordings' metadata.")
    user, actor_name = _actor(actor)
    reason = reason.replace(customer_ref, ERASED_TEXT)  # the log never holds it in clear
    removed: dict[str, int] = {}
    redacted = 0
    targets: list[_Target] = []
    for call_id in call_ids:
        report, call_targets = _erase_rows(session, call_id, actor=actor, reason=reason,
                                           audited=False)
        for table, count in report.removed.items():
            removed[table] = removed.get(table, 0) + count
        redacted += report.audit_redacted
        targets.extend(call_targets)
    redacted += _scrub_customer_ref(session, customer_ref)
    gone = set(call_ids)  # an object shared only among this customer's calls goes too
    targets = [t for t in targets if not t.shared_with or t.shared_with not in gone]
    now = datetime.now(UTC)
    entry = audit(session, user, ACTION, "customer", who, actor=actor_name, reason=reason,
                  calls=len(call_ids), call_ids=call_ids, removed=removed,
                  objects=sum(1 for t in targets if not t.shared_with),
                  audit_redacted=redacted)
    entry.at = now
    session.flush()
    audit_id = entry.id
    session.commit()
    deleted, pending, error = _delete_objects(session, _opener(store), targets)
    session.commit()
    error = error or remove_cached_audio(home, call_ids)
    return CustomerErasureReport(
        customer=who, call_ids=tuple(call_ids), actor=actor_name, reason=reason, at=now,
        removed=removed, audit_id=audit_id, audit_redacted=redacted, objects_deleted=deleted,
        objects_pending=tuple(pending), store_error=error)


def _scrub_customer_ref(session: Session, customer_ref: str) -> int:
    """Replace ``customer_ref`` in earlier audit entries' details; how many changed."""
    quoted = json.dumps(customer_ref)[1:-1]  # as a JSON serializer may have escaped it
    text = cast(AuditLog.detail, String)
    patterns = {customer_ref, quoted}
    changed = 0
    for entry in session.scalars(select(AuditLog).where(
            or_(*(text.contains(p, autoescape=True) for p in patterns)))):
        detail = _replace(entry.detail or {}, customer_ref)
        if detail != entry.detail:
            entry.detail = detail
            changed += 1
    return changed


def _replace(value: Any, customer_ref: str) -> Any:
    if isinstance(value, str):
        return value.replace(customer_ref, ERASED_TEXT)
    if isinstance(value, dict):
        return {_replace(k, customer_ref): _replace(v, customer_ref) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, customer_ref) for v in value]
    return value


def customer_calls(session: Session, customer_ref: str) -> list[dict[str, Any]]:
    """That person's calls, oldest first: redacted transcript, current scorecards, clips."""
    calls = session.scalars(
        select(Call).where(Call.customer_ref == customer_ref)
        .options(selectinload(Call.utterances)).order_by(Call.started_at, Call.id)).all()
    out = []
    for call in calls:
        scores = session.scalars(select(ScoreRecord).where(
            ScoreRecord.call_id == call.id, ScoreRecord.current).order_by(ScoreRecord.id))
        clips = session.scalars(select(Clip).where(Clip.call_id == call.id).order_by(Clip.id))
        out.append({
            "id": call.id, "started_at": _iso(call.started_at), "queue": call.queue,
            "direction": call.direction, "language": call.language,
            "duration": call.duration, "status": call.status,
            "transcript": [{"idx": u.idx, "role": u.role, "start": u.start, "end": u.end,
                            "text": u.redacted_text} for u in call.utterances],
            "scores": [{"id": s.id, "total": s.total, "auto_failed": s.auto_failed,
                        "sections": s.sections, "created_at": _iso(s.created_at)}
                       for s in scores],
            "clips": [{"id": c.id, "start": c.start, "end": c.end, "tag": c.tag,
                       "note": c.note} for c in clips],
        })
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
