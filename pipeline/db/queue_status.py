"""What an operator looks at first when calls stop arriving: the recording queue at a
glance. Recordings waiting (pending, or held by a lease that ran out), being processed,
failed in the last day by reason, the workers seen lately with their last heartbeat, and
the oldest recording still waiting: enough to see that something is stuck, and where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from pipeline.db.models import Call
from pipeline.db.recording_queue import Recording, RecordingState, due
from pipeline.db.times import as_utc, utc_now

__all__ = ["QueueStatus", "WorkerSeen", "queue_status"]

_WAITING_HOLDER = "waiting: "  # claims.defer marks a duplicate's wait with this holder


@dataclass(frozen=True)
class WorkerSeen:
    name: str
    last_heartbeat: datetime
    holding: int  # recordings it holds a live lease on now


@dataclass(frozen=True)
class QueueStatus:
    at: datetime
    waiting: int
    processing: int
    done_last_day: int
    failed_last_day: dict[str, int]  # reason (the call's error code) -> recordings
    workers: tuple[WorkerSeen, ...]
    oldest_waiting_key: str | None
    oldest_waiting_since: datetime | None

    @property
    def oldest_waiting_age(self) -> timedelta | None:
        return None if self.oldest_waiting_since is None else self.at - self.oldest_waiting_since

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 (UTC), the oldest waiting recording's age in s."""
        age = self.oldest_waiting_age
        return {
            "at": self.at.isoformat(), "waiting": self.waiting, "processing": self.processing,
            "done_last_day": self.done_last_day, "failed_last_day": dict(self.failed_last_day),
            "workers": [{"name": w.name, "last_heartbeat": w.last_heartbeat.isoformat(),
                         "holding": w.holding} for w in self.workers],
            "oldest_waiting": None if self.oldest_waiting_key is None else {
                "key": self.oldest_waiting_key,
                "since": self.oldest_waiting_since.isoformat()
                if self.oldest_waiting_since else None,
                "age_seconds": None if age is None else round(age.total_seconds())},
        }


def queue_status(session: Session, now: datetime | None = None,
                 window: timedelta = timedelta(days=1)) -> QueueStatus:
    """The queue now; "last day" and "seen lately" mean within ``window``."""
    now = now or utc_now()
    since = now - window
    waiting = session.scalar(select(func.count()).where(due(now))) or 0
    live = (Recording.state == RecordingState.CLAIMED) & (Recording.lease_until >= now)
    processing = session.scalar(select(func.count()).where(live)) or 0
    done = session.scalar(select(func.count()).where(
        Recording.state == RecordingState.DONE, Recording.updated_at >= since)) or 0
    reason = func.coalesce(Call.error_code, "no call recorded")
    failed = {str(r): int(n) for r, n in session.execute(
        select(reason, func.count()).select_from(Recording)
        .outerjoin(Call, Call.id == Recording.call_id)
        .where(Recording.state == RecordingState.FAILED, Recording.updated_at >= since)
        .group_by(reason).order_by(func.count().desc()))}
    holding = func.sum(case((live, 1), else_=0))
    workers = tuple(
        WorkerSeen(str(name), as_utc(last), int(held or 0))
        for name, last, held in session.execute(
            select(Recording.claimed_by, func.max(Recording.updated_at), holding)
            .where(Recording.claimed_by.is_not(None),
                   ~Recording.claimed_by.startswith(_WAITING_HOLDER),
                   Recording.updated_at >= since)
            .group_by(Recording.claimed_by).order_by(func.max(Recording.updated_at).desc())))
    oldest = session.execute(
        select(Recording.key, Recording.seen_at).where(due(now))
        .order_by(Recording.seen_at).limit(1)).first()
    return QueueStatus(
        at=now, waiting=waiting, processing=processing, done_last_day=done,
        failed_last_day=failed, workers=workers,
        oldest_waiting_key=oldest.key if oldest else None,
        oldest_waiting_since=as_utc(oldest.seen_at) if oldest else None)
