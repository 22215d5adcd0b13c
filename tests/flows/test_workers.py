"""Several real Prefect workers drain one work pool into one PostgreSQL database, and one of
them is killed mid-call: every recording still ends processed exactly once, the killed
worker's recording by another worker after its lease ran out, and the killed worker's flow
run is marked Crashed once its heartbeats stop (the automation ``callqa deploy`` makes)."""

from __future__ import annotations

import json
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from benchmarks.cluster import LocalCluster
from pipeline.audio import load_audio
from pipeline.db.models import Call, UtteranceRecord
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import session_scope, upgrade
from tests.conftest import SAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

LEASE = 10  # seconds: a dead worker's recording is taken over this long after it died
CRASH_AFTER = 50  # seconds without a flow-run heartbeat (every 30 s) before Crashed
WORKERS = 3
DEPLOYMENT = "process-queue/process-queue"


# Eight calls: the first longer, to be killed mid-call; the others short.
CUTS = [(0.0, 30.0)] + [(float(start), start + 6.0) for start in range(2, 37, 5)]


def write_calls(folder: Path, cuts: list[tuple[float, float]] = CUTS) -> list[str]:
    """Short stereo calls cut from one bundled sample at different places (so each has its
    own content hash), each with the sample's sidecar."""
    name = "en_billing_stereo"
    audio = load_audio(SAMPLES / f"{name}.ogg")  # (2, n) at 16 kHz
    sidecar = json.loads((SAMPLES / f"{name}.ogg.json").read_text())
    folder.mkdir(parents=True, exist_ok=True)
    keys = []
    for i, (start, end) in enumerate(cuts):
        part = audio[:, int(start * 16000):int(end * 16000)]
        pcm = (np.clip(part, -1, 1) * 32767).astype("<i2").T.copy()
        key = f"2026/11/24/call-{i}.wav"
        path = folder / key
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(pcm.tobytes())
        Path(f"{path}.json").write_text(json.dumps(sidecar))
        keys.append(key)
    return keys


def notice_pending(db: str, store_url: str, keys: list[str]) -> None:
    """What the bucket events or the sweep do: the keys become pending recordings."""
    from pipeline.db import recordings

    with session_scope(db) as s:
        assert recordings.notice(s, store_url, keys, source="sweep") == keys


def poll_until(what: str, check: Callable[[], Any], timeout: float,
               logs: Callable[[], str], every: float = 0.2) -> Any:
    """``check()``'s first truthy answer; fail with ``logs()`` when none comes in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}\n{logs()}")


def wait_for(what: str, check: Callable[[], Any], timeout: float, cluster: LocalCluster) -> Any:
    return poll_until(what, check, timeout, lambda: "\n".join(
        f"--- worker-{i}.log\n{cluster.log_tail(f'worker-{i}.log')}" for i in range(WORKERS)))


def mid_call(db: str, store_url: str) -> tuple[int, str] | None:
    """A recording a worker holds whose call is being transcribed: (id, holder)."""
    with session_scope(db) as s:
        found = s.execute(
            select(Recording.id, Recording.claimed_by)
            .join(Call, (Call.source_key == Recording.key) & (Call.store_url == store_url))
            .where(Recording.state == RecordingState.CLAIMED, Call.status == "processing")
            .order_by(Recording.id).limit(1)
        ).first()
    return (found[0], str(found[1])) if found else None


def settled(cluster: LocalCluster, runs: list[str]) -> dict[str, str] | None:
    """The runs' states once every run has ended: the killed worker's as Crashed."""
    states = cluster.states(runs)
    return states if "CRASHED" in states.values() and set(states.values()) <= {
        "COMPLETED", "CRASHED"} else None


def all_done(db: str) -> bool:
    with session_scope(db) as s:
        states = s.scalars(select(Recording.state)).all()
    return bool(states) and set(states) == {RecordingState.DONE}


def test_a_killed_worker_loses_no_recording_and_none_is_processed_twice(
    postgres_url: str, tmp_path: Path
) -> None:
    upgrade(postgres_url)  # once, before the workers: they must not race to migrate
    store = tmp_path / "recordings"
    keys = write_calls(store)
    notice_pending(postgres_url, str(store), keys)
    env = {
        "CALLQA_DATABASE_URL": postgres_url, "CALLQA_STORE_URL": str(store),
        "CALLQA_HOME": str(tmp_path / "home"), "CALLQA_SCORING": "false",
        "CALLQA_CLAIM_LEASE_SECONDS": str(LEASE), "CALLQA_ASR_CPU_THREADS": "1",
    }
    cluster = LocalCluster(tmp_path / "cluster", env, workers=WORKERS, pool="callqa-test",
                           crash_after=CRASH_AFTER)
    try:
        cluster.start()
        cluster.deploy("flows.drain:process_queue", "process-queue")
        runs = cluster.submit(DEPLOYMENT, count=WORKERS + 1)  # more runs than workers

        rec_id, holder = wait_for("a call being transcribed",
                                  lambda: mid_call(postgres_url, str(store)), 150, cluster)
        victim = cluster.worker_of(int(holder.split(":")[1]))
        assert victim is not None, f"no worker runs {holder}"
        cluster.kill_worker(victim)  # SIGKILL: the worker and its flow run, mid-call
        with session_scope(postgres_url) as s:
            killed = s.get(Recording, rec_id)
            assert killed is not None
            assert (killed.state, killed.claimed_by) == ("claimed", holder), (
                "the call finished before its worker was killed")

        time.sleep(LEASE + 1)  # the lease runs out; the next sweep submits another run
        runs += cluster.submit(DEPLOYMENT)
        wait_for("every recording done", lambda: all_done(postgres_url), 240, cluster)
        # The surviving drains end as soon as nothing is due; extra runs find nothing. The
        # killed worker's run sent its last heartbeat before it died: Crashed after that.
        states = wait_for("every run to end, the killed one Crashed",
                          lambda: settled(cluster, runs), CRASH_AFTER + 90, cluster)
    finally:
        cluster.stop()

    assert list(states.values()).count("CRASHED") == 1, states
    with session_scope(postgres_url) as s:
        recs = s.scalars(select(Recording).order_by(Recording.id)).all()
        calls = {c.id: c for c in s.scalars(select(Call))}
        assert len(recs) == len(keys) == len(calls)
        assert len({c.content_hash for c in calls.values()}) == len(keys)
        for rec in recs:
            call = calls[str(rec.call_id)]
            assert (call.source_key, call.status) == (rec.key, "done")
        taken_over = next(r for r in recs if r.id == rec_id)
        assert taken_over.claimed_by != holder and taken_over.attempts == 2
        assert {r.attempts for r in recs if r.id != rec_id} == {1}
        # Each transcript stored once: utterance numbers 0..n-1, none twice.
        for call_id in calls:
            idx = s.scalars(select(UtteranceRecord.idx)
                            .where(UtteranceRecord.call_id == call_id)).all()
            assert sorted(idx) == list(range(len(idx))) and idx, call_id
        assert (s.scalar(select(func.count()).select_from(UtteranceRecord)) or 0) > len(keys)
