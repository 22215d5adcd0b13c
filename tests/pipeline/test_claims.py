"""Claims on recordings: racing workers get each recording once, a dead worker's expired
lease is taken over, and the old holder can no longer change what the new holder does;
on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from pipeline.db import claims
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import ensure_schema, session_scope

STORE = "s3://calls/incoming"


def add(db: str, key: str, **fields: Any) -> int:
    with session_scope(db) as s:
        rec = Recording(store_url=STORE, key=key, source="sweep", **{"attempts": 0, **fields})
        s.add(rec)
        s.flush()
        return rec.id


def row(db: str, rec_id: int) -> Recording:
    with session_scope(db) as s:
        rec = s.get(Recording, rec_id)
        assert rec is not None
        return rec


def expire(db: str, rec_id: int) -> None:
    """What a dead worker leaves behind: its lease ran out a while ago."""
    with session_scope(db) as s:
        s.execute(update(Recording).where(Recording.id == rec_id)
                  .values(lease_until=datetime.now(UTC) - timedelta(seconds=5)))


def in_threads(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in n threads released at the same moment; their results, in order."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_racing_workers_process_every_recording_exactly_once(db: str) -> None:
    ids = {add(db, f"day1/call-{i:02d}.wav") for i in range(24)}

    def drain(i: int) -> list[int]:
        worker, mine = f"host:{i}:w{i}", list[int]()
        while True:
            with session_scope(db) as s:
                claim = claims.claim_next(s, worker, 60)
            if claim is None:
                return mine
            mine.append(claim.recording_id)
            with session_scope(db) as s:
                assert claims.complete(s, claim.recording_id, worker, f"call-{claim.key}")

    taken = in_threads(4, drain)
    counts = Counter(rec_id for mine in taken for rec_id in mine)
    assert set(counts) == ids and set(counts.values()) == {1}
    with session_scope(db) as s:
        assert claims.due_count(s) == 0
    # Which threads got work is up to the scheduler (on a busy machine one may get none).
    i, mine = next((i, mine) for i, mine in enumerate(taken) if mine)
    done = row(db, mine[0])
    assert done.state == RecordingState.DONE and done.attempts == 1
    assert done.claimed_by == f"host:{i}:w{i}" and done.call_id == f"call-{done.key}"


def test_two_workers_asking_for_one_new_key_one_gets_it(db: str) -> None:
    """The key is not in the table yet: both insert it, one claims, the other is told who has it."""
    got = in_threads(2, lambda i: _claim_key(db, "day1/new.wav", f"host:{i}:w{i}"))
    won = [c for c in got if isinstance(c, claims.Claim)]
    lost = [c for c in got if isinstance(c, claims.ClaimRefused)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].state == RecordingState.CLAIMED
    assert f"being processed by {won[0].worker}" in lost[0].reason
    assert (won[0].key, won[0].attempts) == ("day1/new.wav", 1)


def _claim_key(db: str, key: str, worker: str, force: bool = False) -> Any:
    with session_scope(db) as s:
        return claims.claim_key(s, STORE, key, worker, 60, force=force)


@pytest.mark.postgres
def test_postgresql_skips_a_row_another_worker_is_claiming(postgres_url: str) -> None:
    """SKIP LOCKED: a second worker neither waits for nor takes the row being claimed."""
    ensure_schema(postgres_url)
    first, second = add(postgres_url, "a.wav"), add(postgres_url, "b.wav")
    with session_scope(postgres_url) as a:
        held = claims.claim_next(a, "host:1:a", 60)  # not committed yet: the row stays locked
        assert held is not None and held.recording_id == first
        started = time.monotonic()
        with session_scope(postgres_url) as b:
            other = claims.claim_next(b, "host:2:b", 60)
        assert time.monotonic() - started < 10  # it did not wait for the first's commit
        assert other is not None and other.recording_id == second
        with session_scope(postgres_url) as c:
            assert claims.claim_next(c, "host:3:c", 60) is None
    assert row(postgres_url, first).claimed_by == "host:1:a"


def test_expired_lease_is_taken_over_and_the_old_holder_is_refused(db: str) -> None:
    rec_id = add(db, "day1/long.wav")
    with session_scope(db) as s:
        old = claims.claim_next(s, "host:1:dead", 60)
    assert old is not None
    with session_scope(db) as s:  # a live lease is nobody else's to take
        assert claims.claim_next(s, "host:2:new", 60) is None
        assert claims.due_count(s) == 0
    expire(db, rec_id)  # the holder died and stopped renewing
    with session_scope(db) as s:
        assert claims.due_count(s, STORE) == 1
        new = claims.claim_next(s, "host:2:new", 60)
    assert new is not None and (new.recording_id, new.attempts) == (rec_id, 2)

    with session_scope(db) as s:  # the old holder wakes up: every change it tries is refused
        assert not claims.renew(s, rec_id, old.worker, 60)
        assert not claims.complete(s, rec_id, old.worker, "stale-call")
        assert not claims.release(s, rec_id, old.worker, "boom")
        with pytest.raises(claims.LeaseLost, match=r"lost the lease on 'day1/long\.wav'"):
            claims.hold(s, old)
    taken = row(db, rec_id)
    assert (taken.state, taken.claimed_by, taken.call_id) == ("claimed", new.worker, None)

    with session_scope(db) as s:
        claims.hold(s, new)
        assert claims.complete(s, rec_id, new.worker, "call-1")
    done = row(db, rec_id)
    assert (done.state, done.claimed_by, done.call_id, done.attempts) == (
        "done", "host:2:new", "call-1", 2)


def test_release_counts_attempts_then_fails(db: str) -> None:
    rec_id = add(db, "day1/flaky.wav")
    for attempt in (1, 2):
        with session_scope(db) as s:
            claim = claims.claim_next(s, f"host:{attempt}:w", 60, max_attempts=3)
        assert claim is not None and claim.attempts == attempt
        with session_scope(db) as s:
            assert claims.release(s, rec_id, claim.worker, "store timed out", max_attempts=3)
        assert row(db, rec_id).state == RecordingState.PENDING
    with session_scope(db) as s:
        claim = claims.claim_next(s, "host:3:w", 60, max_attempts=3)
    assert claim is not None and claim.attempts == 3
    with session_scope(db) as s:
        assert claims.release(s, rec_id, claim.worker, "store timed out", max_attempts=3)
    failed = row(db, rec_id)
    assert (failed.state, failed.error, failed.lease_until) == ("failed", "store timed out", None)
    with session_scope(db) as s:
        assert claims.claim_next(s, "host:4:w", 60) is None

    bad = add(db, "day1/not-audio.wav")  # a bad recording fails at once, not three times
    with session_scope(db) as s:
        claim = claims.claim_next(s, "host:5:w", 60)
        assert claim is not None and claim.recording_id == bad
        assert claims.release(s, bad, claim.worker, "not audio", final=True)
    assert (row(db, bad).state, row(db, bad).attempts) == ("failed", 1)

    again = _claim_key(db, "day1/flaky.wav", "host:6:w")  # asked for by name: a fresh start
    assert isinstance(again, claims.Claim) and again.attempts == 1


def test_a_recording_that_keeps_killing_workers_is_given_up(db: str) -> None:
    rec_id = add(db, "day1/poison.wav", state=RecordingState.CLAIMED, claimed_by="host:9:dead",
                 attempts=3, lease_until=datetime.now(UTC) - timedelta(seconds=1))
    with session_scope(db) as s:
        assert claims.claim_next(s, "host:1:w", 60, max_attempts=3) is None
    gave_up = row(db, rec_id)
    assert gave_up.state == RecordingState.FAILED
    assert "gave up after 3 attempts" in (gave_up.error or "")


def test_erased_is_never_claimed_and_done_only_by_force(db: str) -> None:
    add(db, "day1/erased.wav", state=RecordingState.ERASED)
    add(db, "day1/done.wav", state=RecordingState.DONE, call_id="c-1", attempts=1)
    with session_scope(db) as s:
        assert claims.claim_next(s, "host:1:w", 60) is None
        assert claims.due_count(s) == 0
    for force in (False, True):
        refused = _claim_key(db, "day1/erased.wav", "host:1:w", force=force)
        assert isinstance(refused, claims.ClaimRefused) and refused.state == "erased"
    refused = _claim_key(db, "day1/done.wav", "host:1:w")
    assert isinstance(refused, claims.ClaimRefused)
    assert (refused.call_id, refused.reason) == ("c-1", "already processed as call c-1")
    forced = _claim_key(db, "day1/done.wav", "host:1:w", force=True)
    assert isinstance(forced, claims.Claim) and forced.attempts == 1


# A lease the heartbeat renews every third of: long enough that a beat delayed by a
# loaded 2-core machine (a second or so) still lands in time.
LEASE = 2.4


def test_heartbeat_keeps_the_lease_and_notices_a_takeover(db: str) -> None:
    rec_id = add(db, "day1/slow.wav")
    with session_scope(db) as s:
        claim = claims.claim_next(s, "host:1:w", LEASE)
    assert claim is not None
    with claims.Heartbeat(db, claim) as beat:
        time.sleep(2.5 * LEASE)  # more than two leases: only the heartbeat keeps it
        with session_scope(db) as s:
            assert claims.claim_next(s, "host:2:w", LEASE) is None
        beat.check()
        with session_scope(db) as s:  # an operator (or a stale sweep) hands it to another
            s.execute(update(Recording).where(Recording.id == rec_id)
                      .values(claimed_by="host:3:other"))
        assert beat.lost.wait(timeout=3 * LEASE)
        with pytest.raises(claims.LeaseLost):
            beat.check()
    assert row(db, rec_id).claimed_by == "host:3:other"


def test_worker_identity_names_host_and_process() -> None:
    import os
    import socket

    first, second = claims.worker_identity(), claims.worker_identity()
    host, pid, short = first.split(":")
    assert (host, int(pid), len(short)) == (socket.gethostname(), os.getpid(), 8)
    assert first != second
