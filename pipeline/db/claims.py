"""Claims on recordings: many workers, each recording processed exactly once.

A worker takes a recording before it does any work on it, by setting ``state='claimed'``,
``claimed_by`` (its identity) and ``lease_until`` in one conditional UPDATE. Nobody else
can claim it while the lease is live; the holder renews the lease while it works
(:class:`Heartbeat`), and a worker that dies stops renewing, so its lease expires and
another worker takes the recording over. Every later state change names the holder in
its WHERE clause, so a worker whose lease was taken over can neither complete, release
nor renew the recording over the new holder's work.

On PostgreSQL the next due recording is picked with ``SELECT ... FOR UPDATE SKIP LOCKED``:
concurrent workers never wait for each other and never pick the same row. SQLite has no
row locks; there the conditional UPDATE's row count decides (writes are serialised, and
the loser sees zero rows changed and tries the next candidate).

Times are UTC from the worker's clock (keep the machines' clocks in sync, as NTP does;
leases are minutes long, so a second of skew does not matter).

    claim_next   the next due recording (pending, or claimed with an expired lease)
    claim_key    one named recording (``process-recording``), inserted if not yet known
    renew        extend the lease; False when it was lost
    hold         renew, or raise LeaseLost: the guard in front of every write of the work
    release      give it back after a failure: pending again, or failed after max attempts
    complete     done, with its call
    due_count    how many recordings are waiting (the sweep sizes its dispatch by it)
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from pipeline.db.recording_queue import Recording, RecordingState, due
from pipeline.db.session import session_scope, upsert_insert
from pipeline.errors import LeaseLost

log = logging.getLogger(__name__)

__all__ = [
    "Claim", "ClaimRefused", "Heartbeat", "LeaseLost", "claim_key", "claim_next", "complete",
    "defer", "due_count", "hold", "holder_elsewhere", "release", "renew", "worker_identity",
]


@dataclass(frozen=True)
class Claim:
    """A recording this worker holds: what the work needs to find it and to prove it holds it."""

    recording_id: int
    store_url: str
    key: str
    worker: str
    lease_seconds: float
    attempts: int


@dataclass(frozen=True)
class ClaimRefused:
    """Why :func:`claim_key` did not claim: another live lease, done, or erased."""

    state: str
    reason: str
    call_id: str | None = None


def worker_identity() -> str:
    """``hostname:pid:short-uuid``: which machine and process holds a claim, unique per run."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _now() -> datetime:
    return datetime.now(UTC)



def _held(rec_id: int, worker: str) -> Any:
    return and_(Recording.id == rec_id, Recording.claimed_by == worker,
                Recording.state == RecordingState.CLAIMED)


def _claim_values(worker: str, lease_seconds: float, now: datetime) -> dict[str, Any]:
    return {
        "state": RecordingState.CLAIMED, "claimed_by": worker, "error": None,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "attempts": Recording.attempts + 1, "updated_at": now,
    }


def _changed(session: Session, stmt: Any) -> bool:
    result: Any = session.execute(stmt.execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)


def _as_claim(session: Session, rec_id: int, worker: str, lease_seconds: float) -> Claim:
    rec = session.get(Recording, rec_id, populate_existing=True)
    assert rec is not None  # it was just updated in this transaction
    return Claim(rec.id, rec.store_url, rec.key, worker, lease_seconds, rec.attempts)


def claim_next(
    session: Session,
    worker: str,
    lease_seconds: float,
    store_url: str | None = None,
    max_attempts: int = 3,
) -> Claim | None:
    """Claim the oldest due recording, or None when nothing is due.

    A due recording whose lease expired ``max_attempts`` times (workers kept dying on it)
    is marked failed instead of being handed out again. The caller commits.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    while True:
        now = _now()
        query = select(Recording.id, Recording.attempts).where(due(now))
        if store_url is not None:
            query = query.where(Recording.store_url == store_url)
        query = query.order_by(Recording.id)
        # PostgreSQL: lock the row we take, skip rows other workers are taking right now.
        # SQLite: no row locks; a few candidates, the conditional UPDATE decides.
        query = query.limit(1).with_for_update(skip_locked=True) if postgres else query.limit(8)
        candidates = session.execute(query).all()
        if not candidates:
            return None
        for rec_id, attempts in candidates:
            base = update(Recording).where(Recording.id == rec_id, due(now))
            if attempts >= max_attempts:
                _changed(session, base.values(
                    state=RecordingState.FAILED, lease_until=None, updated_at=now,
                    error=f"gave up after {attempts} attempts: the workers processing it "
                          "stopped before finishing (crashed, killed or out of memory)",
                ))
                log.warning("recording %s: gave up after %d attempts", rec_id, attempts)
                continue
            if _changed(session, base.values(**_claim_values(worker, lease_seconds, now))):
                return _as_claim(session, rec_id, worker, lease_seconds)


def claim_key(
    session: Session,
    store_url: str,
    key: str,
    worker: str,
    lease_seconds: float,
    force: bool = False,
    source: str = "manual",
) -> Claim | ClaimRefused:
    """Claim one recording by its key, noticing it first if it is not known yet.

    Refused while another worker holds a live lease, when the recording is done (unless
    ``force``) and always when it was erased. A failed recording is claimed afresh: asking
    for it by name is asking for another try. The caller commits.
    """
    now = _now()
    session.execute(
        upsert_insert(session, Recording)
        .values(store_url=store_url, key=key, source=source, state=RecordingState.PENDING,
                attempts=0, seen_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["store_url", "key"])
    )
    rec = session.scalar(
        select(Recording).where(Recording.store_url == store_url, Recording.key == key)
        .execution_options(populate_existing=True)
    )
    assert rec is not None  # inserted above or already there
    claimable = [due(now), Recording.state == RecordingState.FAILED]
    if force:
        claimable.append(Recording.state == RecordingState.DONE)
    values = _claim_values(worker, lease_seconds, now)
    # A failed or done recording asked for again starts afresh, not as the next attempt.
    values["attempts"] = case(
        (Recording.state.in_([RecordingState.FAILED, RecordingState.DONE]), 1),
        else_=Recording.attempts + 1,
    )
    stmt = update(Recording).where(Recording.id == rec.id, or_(*claimable)).values(**values)
    if _changed(session, stmt):
        return _as_claim(session, rec.id, worker, lease_seconds)
    rec = session.get(Recording, rec.id, populate_existing=True)
    assert rec is not None
    return _refusal(rec)


def _refusal(rec: Recording) -> ClaimRefused:
    if rec.state == RecordingState.ERASED:
        return ClaimRefused(rec.state, "erased: its call was deleted and is never processed again")
    if rec.state == RecordingState.DONE:
        return ClaimRefused(rec.state, f"already processed as call {rec.call_id}", rec.call_id)
    until = rec.lease_until.strftime("%H:%M:%S UTC") if rec.lease_until else "?"
    return ClaimRefused(rec.state, f"being processed by {rec.claimed_by} (lease until {until})")


def renew(session: Session, rec_id: int, worker: str, lease_seconds: float) -> bool:
    """Extend the lease; False when this worker no longer holds the recording."""
    now = _now()
    return _changed(session, update(Recording).where(_held(rec_id, worker)).values(
        lease_until=now + timedelta(seconds=lease_seconds), updated_at=now))


def hold(session: Session, claim: Claim) -> None:
    """Renew the lease in this transaction, or raise :class:`LeaseLost`.

    Called first in every transaction that writes the work's results: on PostgreSQL the
    UPDATE keeps the row locked until commit, on SQLite the write lock does, so no other
    worker can take the recording over between this check and the commit.
    """
    if not renew(session, claim.recording_id, claim.worker, claim.lease_seconds):
        raise LeaseLost(
            f"lost the lease on {claim.key!r} to another worker; its work is abandoned",
            hint="Raise CALLQA_CLAIM_LEASE_SECONDS if workers are too busy to renew in time.",
            key=claim.key,
        )


def release(
    session: Session,
    rec_id: int,
    worker: str,
    error: str | None,
    max_attempts: int = 3,
    final: bool = False,
) -> bool:
    """Give the recording back after a failure: pending again for another worker, or failed
    when ``final`` (the recording itself is bad) or after ``max_attempts``. False when this
    worker did not hold it (it was taken over; nothing is changed)."""
    now = _now()
    target: Any = RecordingState.FAILED
    if not final:
        target = case((Recording.attempts >= max_attempts, RecordingState.FAILED),
                      else_=RecordingState.PENDING)
    return _changed(session, update(Recording).where(_held(rec_id, worker)).values(
        state=target, lease_until=None, error=error, updated_at=now))


def holder_elsewhere(session: Session, store_url: str, key: str, worker: str) -> str | None:
    """Who else holds a live lease on ``key`` (None: nobody but ``worker``, or nobody)."""
    return session.scalar(select(Recording.claimed_by).where(
        Recording.store_url == store_url, Recording.key == key,
        Recording.state == RecordingState.CLAIMED, Recording.lease_until >= _now(),
        Recording.claimed_by != worker))


def defer(session: Session, rec_id: int, worker: str, seconds: float, why: str) -> bool:
    """Put a claimed recording aside for ``seconds`` without spending an attempt.

    It stays claimed, by ``waiting: <why>`` instead of a worker, until that lease runs out;
    then it is due again like any recording whose holder went away. Used when the same
    audio is being processed under another key: by the time it is looked at again, that
    call is done (and this key is completed as its duplicate) or failed (and this key
    processes it). False when this worker did not hold it.
    """
    now = _now()
    return _changed(session, update(Recording).where(_held(rec_id, worker)).values(
        claimed_by=f"waiting: {why}"[:200], lease_until=now + timedelta(seconds=seconds),
        attempts=Recording.attempts - 1, updated_at=now))


def complete(session: Session, rec_id: int, worker: str, call_id: str) -> bool:
    """Mark the recording done with its call; False when this worker did not hold it."""
    now = _now()
    return _changed(session, update(Recording).where(_held(rec_id, worker)).values(
        state=RecordingState.DONE, call_id=call_id, lease_until=None, error=None,
        updated_at=now))


def due_count(session: Session, store_url: str | None = None) -> int:
    """Recordings waiting for a worker: pending, or claimed by a worker whose lease expired."""
    query = select(func.count()).select_from(Recording).where(due(_now()))
    if store_url is not None:
        query = query.where(Recording.store_url == store_url)
    return int(session.scalar(query) or 0)


class Heartbeat:
    """Keeps a claim's lease alive from a daemon thread while the work runs.

    Renews every third of the lease in its own short transaction. When a renewal finds
    the lease lost, :attr:`lost` is set and :meth:`check` raises :class:`LeaseLost`; the
    work checks before each stage, and :func:`hold` guards the writes themselves.
    A database error is retried at the next beat; the lease counts as lost once it has
    run out without a successful renewal.

        with Heartbeat(db_url, claim):
            ...work...
    """

    def __init__(self, db_url: str, claim: Claim) -> None:
        self.db_url = db_url
        self.claim = claim
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"lease-{claim.recording_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(
                f"lost the lease on {self.claim.key!r} to another worker; its work is abandoned",
                hint="Raise CALLQA_CLAIM_LEASE_SECONDS if workers are too busy to renew in time.",
                key=self.claim.key,
            )

    def _run(self) -> None:
        interval = max(0.2, self.claim.lease_seconds / 3)
        good_until = _now() + timedelta(seconds=self.claim.lease_seconds)
        while not self._stop.wait(interval):
            try:
                with session_scope(self.db_url) as session:
                    held = renew(session, self.claim.recording_id, self.claim.worker,
                                 self.claim.lease_seconds)
            except Exception as exc:  # the database is briefly unreachable: try again
                log.warning("lease on %r not renewed: %s", self.claim.key, type(exc).__name__)
                if _now() < good_until:
                    continue
                held = False
            if not held:
                log.warning("lease on %r lost", self.claim.key)
                self.lost.set()
                return
            good_until = _now() + timedelta(seconds=self.claim.lease_seconds)
