"""The promise every fault case is checked against, read from the database at the end."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from benchmarks.faults import Outcome
from pipeline.db.models import Call, CallMetricsRecord, CallStatus, UtteranceRecord
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import get_engine, session_scope


def outcome_of(case: str, db_url: str, keys: Collection[str], *,
               recovery_s: float | None = None, peak_rss_mb: float | None = None,
               notes: list[str] | None = None) -> Outcome:
    """Count what became of the recordings ``keys`` (store keys) in ``db_url``."""
    get_engine(db_url)
    with session_scope(db_url) as session:
        recs = {r.key: r for r in session.scalars(select(Recording)
                                                   .where(Recording.key.in_(list(keys))))}
        calls_per_key = dict(session.execute(
            select(Call.source_key, func.count()).where(Call.source_key.in_(list(keys)))
            .group_by(Call.source_key)).all())
        done = failed = held = half = lost = 0
        doubled = sum(1 for n in calls_per_key.values() if n > 1)
        for key in keys:
            rec = recs.get(key)
            if rec is None:
                lost += 1
                continue
            if rec.state == RecordingState.CLAIMED:  # claimed_by stays as history
                held += 1
            if rec.state == RecordingState.DONE and rec.call_id is not None:
                done += 1
            elif rec.state == RecordingState.FAILED and (rec.error or "").strip():
                failed += 1
            else:
                lost += 1
        for call in session.scalars(select(Call).where(Call.source_key.in_(list(keys)))):
            if call.status == CallStatus.PROCESSING:
                half += 1
            elif call.status == CallStatus.DONE:
                has_text = session.scalar(select(func.count()).select_from(UtteranceRecord)
                                          .where(UtteranceRecord.call_id == call.id))
                has_metrics = session.get(CallMetricsRecord, call.id) is not None
                if not has_metrics or (not has_text and not call.notes):
                    half += 1
        return Outcome(case=case, recordings=len(keys), done=done, failed=failed,
                       doubled=doubled, held=held, half_written=half, lost=lost,
                       recovery_s=recovery_s, peak_rss_mb=peak_rss_mb, notes=notes or [])
