"""Store faults: the S3 endpoint away for a while, a recording deleted before its fetch."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.faults import Case, Outcome
from benchmarks.faults.invariants import outcome_of
from benchmarks.faults.loopback import Rig, settle, short_call

OUTAGE_S = 90.0  # longer than fetch's retries (1 + 5 + 15 s) times three attempts


def s3_down(workdir: Path, calls: int = 6, outage: float = OUTAGE_S) -> Outcome:
    """The S3 endpoint refuses connections for ``outage`` seconds after the first call is
    done, then answers again; every recording must end done, none failed for the outage."""
    root = workdir / "batch"
    files = [short_call(root / f"2026/12/07/down-{i:03d}.wav", i, seconds=3.0)
             for i in range(calls)]
    with Rig(workdir) as rig:
        keys = rig.upload(files, root)
        fault: dict[str, float] = {}

        def during(states: dict[str, int]) -> None:
            now = time.time()
            if "closed" not in fault and states.get("done", 0) >= 1:
                rig.proxy.close()
                fault["closed"] = now
            elif "closed" in fault and "opened" not in fault \
                    and now - fault["closed"] >= outage:
                fault["failed_during"] = states.get("failed", 0)
                rig.proxy.open()
                fault["opened"] = now

        with rig.cluster(workers=1) as cluster:
            settle(rig, cluster, keys, timeout=outage + 300, during=during)
        recovery = rig.first_done_after(fault["opened"]) if "opened" in fault else None
        notes = [f"S3 refused connections for {outage:.0f} s after the first call"]
        failed = _failed_errors(rig.db, keys)
        if failed:
            notes.append(f"{len(failed)} recording(s) failed for the outage: {failed[0]}")
        return outcome_of("s3-down", rig.db, keys, recovery_s=recovery, notes=notes)


def s3_deleted(workdir: Path, calls: int = 3) -> Outcome:
    """One recording (and its sidecar) is deleted from the bucket after it was noticed and
    before a worker fetches it: it must end failed with a sentence saying so."""
    root = workdir / "batch"
    files = [short_call(root / f"2026/12/07/gone-{i:03d}.wav", i, seconds=3.0)
             for i in range(calls)]
    with Rig(workdir) as rig:
        keys = rig.upload(files, root)
        store = rig.store()
        store.delete(keys[1])  # between the event (noticed) and the fetch
        store.delete(keys[1] + ".json")
        with rig.cluster(workers=1) as cluster:
            settle(rig, cluster, keys, timeout=240)
        notes = [f"{keys[1]}: {error}" for error in _failed_errors(rig.db, [keys[1]])] or [
            f"{keys[1]} was deleted before its fetch and did not fail"]
        return outcome_of("s3-deleted", rig.db, keys, notes=notes)


def _failed_errors(db: str, keys: list[str]) -> list[str]:
    from sqlalchemy import select

    from pipeline.db.recording_queue import Recording, RecordingState
    from pipeline.db.session import session_scope

    with session_scope(db) as session:
        return [str(e) for e in session.scalars(select(Recording.error).where(
            Recording.key.in_(keys), Recording.state == RecordingState.FAILED))]


CASES = [
    Case("s3-down", "the S3 endpoint refuses connections for 90 s, then is back", s3_down),
    Case("s3-deleted", "a recording deleted between its event and its fetch", s3_deleted),
]
