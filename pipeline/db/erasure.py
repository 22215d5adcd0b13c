"""Erasing one call on request or at the end of its retention period (KVKK/GDPR).

:func:`erase_call` removes everything callqa holds about a call: the recording object and
its metadata sidecar in the store, the call row and every row hanging off it (transcript,
metrics, PII spans, scorecards, criterion results, flags, reviews and their overrides,
disputes, acknowledgements, clips, survey answers, its place in a complaint case: a case
left with no call forgets its customer, :mod:`pipeline.db.complaint_erasure`). What stays
is an audit entry that says who erased which call, when and why, with counts of what
went, and a :class:`Recording` row in state ERASED, so neither the sweep nor a bucket
event ever ingests that key again.

Order of work, and why
----------------------
1. One database transaction: the rows are deleted (children first, explicitly: the schema's
   ``ON DELETE CASCADE`` would do most of it on PostgreSQL, but an old SQLite file or a
   connection without ``PRAGMA foreign_keys`` would silently keep orphans), the recording's
   ``Recording`` row is marked ERASED with ``call_id`` cleared and :data:`PENDING` in its
   ``error`` (the object is not deleted yet), free text in earlier audit entries about the
   call is blanked (see below), and the ``call.erase`` audit entry is written. Commit.
   If anything fails here the transaction rolls back: nothing is gone, the recording is
   still in the store, the caller sees the error and can simply ask again.
2. Only after that commit, the store objects are deleted. Success clears the PENDING
   marker. Failure (store down, no permission) is reported in :class:`ErasureReport` and
   the marker stays; the rows are NOT restored: the person asked for the data to go, a
   store outage must not undo that, and an orphaned object is unreachable (no call points
   to it, the API serves recordings only through calls, the sweep skips ERASED keys).
   :func:`retry_pending_deletions` (run by the daily ``retention`` flow and by
   ``callqa retention run``) deletes such objects later. A crash between the commit and
   the store deletion leaves the same marker, so it is retried the same way.

Deleting the object first and the rows second would be worse: a failed commit would leave
a call whose recording is gone, and a failed store call would need no retry only because
nothing happened, but the rows would still hold the transcript.

Earlier audit entries
---------------------
Entries about the call's reviews, disputes, clips, scorecards and original-text views are
kept: who overrode, decided, acknowledged or looked at what, and when, is the record of
lawful processing that KVKK/GDPR ask a controller to be able to show, and it names only
ids, verdicts and scores. Their free-text fields (a reviewer's ``comment``, a dispute's
``reason``, a clip's ``note``) are replaced with ``"[erased]"``: people write what they
heard in them, so they may quote the call. The erasure's own entry holds counts, the queue
and the reason given for the erasure, never transcript text, keys or customer data.

Each function works inside the caller's session; :func:`erase_call` and
:func:`retry_pending_deletions` commit it (the order above needs the commit in between).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from pipeline.db import complaint_erasure, repeats, rollups
from pipeline.db.accounts import User
from pipeline.db.audit import AuditLog, audit
from pipeline.db.coaching_records import (
    CalibrationReviewer,
    CalibrationSession,
    CalibrationVerdict,
    CoachingTask,
)
from pipeline.db.complaint_records import ComplaintCaseCall
from pipeline.db.models import (
    Call,
    CallMetricsRecord,
    CriterionResultRecord,
    FlagRecord,
    PIIRecord,
    ScoreRecord,
    UtteranceRecord,
)
from pipeline.db.reason_records import CallReason
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.review_records import (
    Acknowledgement,
    Clip,
    CriterionOverride,
    Dispute,
    DisputedCriterion,
    Review,
)
from pipeline.db.survey_records import Survey
from pipeline.errors import CallqaError, StoreError
from pipeline.redacted_audio import redacted_dir, remove_redacted
from pipeline.settings import Settings, get_settings
from pipeline.store import SIDECAR_SUFFIX, RecordingStore, open_store_at

PENDING = "erasure: the recording object is not deleted yet"
ERASED_TEXT = "[erased]"
FREE_TEXT_FIELDS = ("comment", "reason", "note")  # in earlier audit entries' details
ACTION = "call.erase"

# The tables an erasure empties of the call's rows, in the order they are deleted
# (children before parents). tests/api/test_api_erasure.py checks that every table with a
# foreign key path to ``calls`` is listed here, so a new table cannot be forgotten.
ERASED_TABLES = (
    "criterion_overrides", "acknowledgements", "dispute_criteria", "disputes", "reviews",
    "calibration_verdicts", "calibration_reviewers", "calibration_sessions", "coaching_tasks",
    "clips", "flags", "criterion_results", "scores", "pii_findings", "utterances",
    "call_metrics", "call_reasons", "complaint_case_calls", "surveys", "calls",
)

StoreOpener = Callable[[str], RecordingStore]


class CallNotFound(CallqaError):
    """No call with this id (already erased, or never there)."""

    code = "not_found"
    http_status = 404


@dataclasses.dataclass(frozen=True)
class ErasureReport:
    """What one erasure removed; ``objects_pending`` are retried by a later run."""

    call_id: str
    actor: str
    reason: str
    at: datetime
    removed: dict[str, int]  # table -> rows deleted
    audit_id: int
    audit_redacted: int = 0  # earlier audit entries whose free text was blanked
    objects_deleted: int = 0  # recording objects (sidecars not counted)
    objects_kept: int = 0  # shared with another call that is not erased
    objects_pending: tuple[str, ...] = ()  # keys whose deletion failed
    store_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["at"] = self.at.isoformat()
        data["objects_pending"] = list(self.objects_pending)
        return data


@dataclasses.dataclass(frozen=True)
class _Target:
    """One recording object of the call: where it is and whether another call shares it."""

    store_url: str
    key: str
    shared_with: str | None = None


def erase_call(
    session: Session, store: RecordingStore | StoreOpener, call_id: str, *,
    actor: User | str, reason: str, home: Path | None = None,
) -> ErasureReport:
    """Erase call ``call_id`` and its recording; raises :class:`CallNotFound` if unknown.

    ``store`` is the store the call was taken from, or a function that opens the store
    for a URL (a call keeps the URL of its store; recordings of one call may sit in
    several). ``actor`` is the user who asked, or a name such as ``"retention"``.
    The call's cached redacted audio under ``home`` (default: ``CALLQA_HOME``) goes too.
    Commits ``session`` (see the module docstring for the order and why).
    """
    reason = required_reason(reason, call_id=call_id)
    report, targets = _erase_rows(session, call_id, actor=actor, reason=reason)
    session.commit()
    deleted, pending, error = _delete_objects(session, _opener(store), targets)
    session.commit()
    error = error or remove_cached_audio(home, [call_id])
    return dataclasses.replace(
        report, objects_deleted=deleted, objects_pending=tuple(pending), store_error=error,
        objects_kept=sum(1 for t in targets if t.shared_with))


def required_reason(reason: str, call_id: str | None = None) -> str:
    """The erasure's reason, stripped; refused when there is none."""
    reason = reason.strip()
    if not reason:
        raise CallqaError("an erasure needs a reason", hint="Say why, e.g. 'KVKK request 42'.",
                          call_id=call_id)
    return reason


def remove_cached_audio(home: Path | None, call_ids: Sequence[str]) -> str | None:
    """Remove the calls' cached redacted audio under ``home`` (default ``CALLQA_HOME``);
    what went wrong, or None."""
    folder = redacted_dir(home or get_settings().home)
    error = None
    for call_id in call_ids:
        try:
            remove_redacted(folder, call_id)
        except OSError as exc:
            error = error or f"the cached redacted audio was not removed: {exc}"
    return error


def retry_pending_deletions(
    session: Session, store: RecordingStore | StoreOpener, limit: int = 1000,
) -> tuple[int, int]:
    """Delete the recording objects earlier erasures could not; (deleted, still pending).

    Commits ``session``.
    """
    rows = session.scalars(
        select(Recording).where(Recording.state == RecordingState.ERASED,
                                Recording.error.startswith(PENDING))
        .order_by(Recording.id).limit(limit)).all()
    targets = [_Target(r.store_url, r.key) for r in rows]
    deleted, pending, _ = _delete_objects(session, _opener(store), targets)
    session.commit()
    return deleted, len(pending)


def store_opener(settings: Settings) -> StoreOpener:
    """Opens the store at a URL with ``settings``' S3 endpoint and credentials."""

    def open_at(url: str) -> RecordingStore:
        return open_store_at(url, settings)

    return open_at


def _opener(store: RecordingStore | StoreOpener) -> StoreOpener:
    if not hasattr(store, "url"):
        return store  # type: ignore[return-value]
    single: RecordingStore = store  # type: ignore[assignment]

    def only(url: str) -> RecordingStore:
        if url.rstrip("/") != single.url.rstrip("/"):
            raise StoreError(f"the recording is in {url}, not in {single.url}",
                             hint="Pass a function that opens the store for a URL.")
        return single

    return only


def _actor(actor: User | str) -> tuple[User | None, str]:
    return (actor, actor.username) if isinstance(actor, User) else (None, actor)


def _erase_rows(
    session: Session, call_id: str, *, actor: User | str, reason: str, audited: bool = True,
) -> tuple[ErasureReport, list[_Target]]:
    """Step 1: rows deleted, Recording rows marked, audit written; not committed.

    ``audited=False`` writes no ``call.erase`` entry (``audit_id`` 0): an erasure of many
    calls at once (:mod:`pipeline.db.customer_erasure`) writes one entry for all of them.
    """
    call = session.execute(
        select(Call.id, Call.store_url, Call.source_key, Call.queue, Call.status)
        .where(Call.id == call_id)).first()
    if call is None:
        raise CallNotFound(f"no call {call_id}", hint="List calls with `callqa calls`.",
                           call_id=call_id)
    user, actor_name = _actor(actor)
    scores = _ids(session, select(ScoreRecord.id).where(ScoreRecord.call_id == call_id))
    results = _ids(session, select(CriterionResultRecord.id)
                   .where(CriterionResultRecord.score_id.in_(scores)))
    reviews = _ids(session, select(Review.id).where(
        or_(Review.call_id == call_id, Review.score_id.in_(scores))))
    disputes = _ids(session, select(Dispute.id).where(
        or_(Dispute.call_id == call_id, Dispute.score_id.in_(scores))))
    clips = _ids(session, select(Clip.id).where(Clip.call_id == call_id))
    calibrations = _ids(session, select(CalibrationSession.id).where(
        or_(CalibrationSession.call_id == call_id, CalibrationSession.score_id.in_(scores))))
    calibrators = _ids(session, select(CalibrationReviewer.id)
                       .where(CalibrationReviewer.session_id.in_(calibrations)))
    coaching = _ids(session, select(CoachingTask.id).where(
        or_(CoachingTask.call_id == call_id, CoachingTask.clip_id.in_(clips))))

    redacted = _redact_earlier_entries(session, {
        "call": [call_id], "score": scores, "review": reviews, "dispute": disputes,
        "clip": clips, "calibration": calibrations, "coaching": coaching})
    plan: list[tuple[str, Any]] = [
        ("criterion_overrides", delete(CriterionOverride).where(or_(
            CriterionOverride.review_id.in_(reviews),
            CriterionOverride.criterion_result_id.in_(results)))),
        ("acknowledgements", delete(Acknowledgement).where(
            Acknowledgement.score_id.in_(scores))),
        ("dispute_criteria", delete(DisputedCriterion).where(or_(
            DisputedCriterion.dispute_id.in_(disputes),
            DisputedCriterion.criterion_result_id.in_(results)))),
        ("disputes", delete(Dispute).where(Dispute.id.in_(disputes))),
        ("reviews", delete(Review).where(Review.id.in_(reviews))),
        ("calibration_verdicts", delete(CalibrationVerdict).where(or_(
            CalibrationVerdict.reviewer_id.in_(calibrators),
            CalibrationVerdict.criterion_result_id.in_(results)))),
        ("calibration_reviewers", delete(CalibrationReviewer).where(
            CalibrationReviewer.id.in_(calibrators))),
        ("calibration_sessions", delete(CalibrationSession).where(
            CalibrationSession.id.in_(calibrations))),
        ("coaching_tasks", delete(CoachingTask).where(CoachingTask.id.in_(coaching))),
        ("clips", delete(Clip).where(Clip.id.in_(clips))),
        ("flags", delete(FlagRecord).where(or_(FlagRecord.call_id == call_id,
                                               FlagRecord.score_id.in_(scores)))),
        ("criterion_results", delete(CriterionResultRecord).where(
            CriterionResultRecord.id.in_(results))),
        ("scores", delete(ScoreRecord).where(ScoreRecord.id.in_(scores))),
        ("pii_findings", delete(PIIRecord).where(PIIRecord.call_id == call_id)),
        ("utterances", delete(UtteranceRecord).where(UtteranceRecord.call_id == call_id)),
        ("call_metrics", delete(CallMetricsRecord).where(CallMetricsRecord.call_id == call_id)),
        ("call_reasons", delete(CallReason).where(CallReason.call_id == call_id)),
        ("complaint_case_calls", delete(ComplaintCaseCall).where(
            ComplaintCaseCall.call_id == call_id)),
        ("surveys", delete(Survey).where(Survey.call_id == call_id)),
        ("calls", delete(Call).where(Call.id == call_id)),
    ]
    assert tuple(name for name, _ in plan) == ERASED_TABLES
    customer = session.scalar(select(Call.customer_key).where(Call.id == call_id))
    cases = complaint_erasure.cases_of_call(session, call_id)
    repeats.unlink(session, call_id)
    session.flush()
    rollup_keys = rollups.keys_of(session, [call_id])  # the dashboards' sums drop it too
    removed: dict[str, int] = {}
    for name, statement in plan:
        result = session.execute(statement, execution_options={"synchronize_session": False})
        removed[name] = max(int(getattr(result, "rowcount", 0) or 0), 0)
    if removed["calls"] != 1:  # a simultaneous erasure of the same call got there first
        raise CallNotFound(f"no call {call_id} (erased meanwhile)", call_id=call_id)
    rollups.refresh(session, rollup_keys)
    emptied = complaint_erasure.forget_emptied(session, cases, ERASED_TEXT)
    if emptied:  # a case with no call left forgets its customer and its notes
        redacted += _redact_earlier_entries(session, {"complaint": emptied})
    if customer is not None:  # the customer's other calls may repeat one another now
        repeats.relink(session, customer, get_settings().repeat_window_days)

    now = datetime.now(UTC)
    targets = _mark_recordings(session, call_id, call.store_url, call.source_key, now)
    if not audited:
        return ErasureReport(call_id=call_id, actor=actor_name, reason=reason, at=now,
                             removed=removed, audit_id=0, audit_redacted=redacted), targets
    entry = audit(session, user, ACTION, "call", call_id, actor=actor_name, reason=reason,
                  queue=call.queue, status=call.status, removed=removed,
                  objects=sum(1 for t in targets if not t.shared_with),
                  audit_redacted=redacted)
    entry.at = now
    session.flush()
    report = ErasureReport(call_id=call_id, actor=actor_name, reason=reason, at=now,
                           removed=removed, audit_id=entry.id, audit_redacted=redacted)
    return report, targets


def _ids(session: Session, query: Any) -> list[Any]:
    return list(session.scalars(query).all())


def _redact_earlier_entries(session: Session, objects: dict[str, Sequence[object]]) -> int:
    """Blank the free text of earlier audit entries about these objects; how many changed."""
    conditions = [and_(AuditLog.object_type == kind, AuditLog.object_id.in_(
        [str(i) for i in ids])) for kind, ids in objects.items() if ids]
    changed = 0
    for entry in session.scalars(select(AuditLog).where(or_(*conditions))):
        detail = dict(entry.detail or {})
        fields = [f for f in FREE_TEXT_FIELDS if detail.get(f) not in (None, ERASED_TEXT)]
        if fields:
            entry.detail = {**detail, **{f: ERASED_TEXT for f in fields}}
            changed += 1
    return changed


def _mark_recordings(
    session: Session, call_id: str, store_url: str, source_key: str, now: datetime,
) -> list[_Target]:
    """Mark the call's recordings ERASED (PENDING until their objects are gone).

    A recording another live call was also taken from (the same key overwritten with other
    content) is not the erased call's alone: it stays, and its row points to that call.
    """
    rows = {(r.store_url, r.key): r for r in session.scalars(select(Recording).where(
        or_(Recording.call_id == call_id,
            and_(Recording.store_url == store_url, Recording.key == source_key))))}
    keys = set(rows) | {(store_url, source_key)}
    targets = []
    for url, key in sorted(keys):
        other = session.scalar(select(Call.id).where(
            Call.store_url == url, Call.source_key == key, Call.id != call_id).limit(1))
        row = rows.get((url, key))
        if other is not None:
            if row is not None:
                row.call_id, row.updated_at = other, now
            targets.append(_Target(url, key, shared_with=other))
            continue
        if row is None:
            row = Recording(store_url=url, key=key, source="manual", seen_at=now)
            session.add(row)
        row.state, row.call_id, row.error = RecordingState.ERASED, None, PENDING
        row.claimed_by, row.lease_until, row.updated_at = None, None, now
        targets.append(_Target(url, key))
    return targets


def _delete_objects(
    session: Session, opener: StoreOpener, targets: Sequence[_Target],
) -> tuple[int, list[str], str | None]:
    """Step 2: delete each object and its sidecar; (deleted, pending keys, last error)."""
    deleted, pending, error = 0, [], None
    for target in targets:
        if target.shared_with:
            continue
        row = session.scalar(select(Recording).where(
            Recording.store_url == target.store_url, Recording.key == target.key))
        try:
            store = opener(target.store_url)
            store.delete(target.key)
            store.delete(target.key + SIDECAR_SUFFIX)
        except Exception as exc:  # the rows are gone already: report, never raise
            pending.append(target.key)
            error = str(exc) if isinstance(exc, CallqaError) else f"{type(exc).__name__}: {exc}"
            if row is not None:
                row.error = f"{PENDING}: {exc}"[:2000]
            continue
        deleted += 1
        if row is not None:
            row.error, row.updated_at = None, datetime.now(UTC)
    return deleted, pending, error
