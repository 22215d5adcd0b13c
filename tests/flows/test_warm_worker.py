"""callqa's Prefect worker type runs flow runs inside the worker process: the ASR model
loads on the first run and stays warm for the next, and a deployment's ``CALLQA_*`` job
variables apply to its runs alone (a real ``prefect server`` and ``prefect worker start
--type callqa``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from benchmarks.cluster import LocalCluster
from pipeline.db.models import Call, UtteranceRecord
from pipeline.db.recording_queue import Recording
from pipeline.db.session import session_scope, upgrade
from tests.flows.test_workers import notice_pending, write_calls

pytestmark = [pytest.mark.slow]


def drain_summary(cluster: LocalCluster, run_id: str) -> str:
    """The drain's closing log line, as the Prefect UI shows it (logs arrive in batches)."""
    deadline = time.monotonic() + 60  # logs arrive in batches, later on a loaded machine
    while True:
        found = [m for m in cluster.run_logs(run_id) if m.startswith("process-queue ")]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert found, cluster.run_logs(run_id)
    return found[-1]


def test_models_stay_warm_across_flow_runs_and_job_variables_apply_per_run(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'callqa.db'}"
    upgrade(db)
    store = tmp_path / "recordings"
    first, second = write_calls(store, [(0.0, 6.0), (10.0, 16.0)])
    env = {"CALLQA_DATABASE_URL": db, "CALLQA_STORE_URL": str(store),
           "CALLQA_HOME": str(tmp_path / "home"), "CALLQA_SCORING": "false",
           "CALLQA_ASR_CPU_THREADS": "1"}
    with LocalCluster(tmp_path / "cluster", env, workers=1, pool="callqa-warm") as cluster:
        cluster.deploy("flows.drain:process_queue", "plain")
        cluster.deploy("flows.drain:process_queue", "keep-text",
                       job_variables={"env": {"CALLQA_KEEP_ORIGINAL_TEXT": "true"}})
        notice_pending(db, str(store), [first])
        (run1,) = cluster.submit("process-queue/plain")
        assert cluster.wait([run1], timeout=180) == {run1: "COMPLETED"}, cluster.log_tail(
            "worker-0.log")
        notice_pending(db, str(store), [second])
        started = time.monotonic()
        (run2,) = cluster.submit("process-queue/keep-text")
        assert cluster.wait([run2], timeout=120) == {run2: "COMPLETED"}, cluster.log_tail(
            "worker-0.log")
        warm_seconds = time.monotonic() - started
        worker_pid = cluster.workers[0].pid  # type: ignore[union-attr]
        first_log, second_log = drain_summary(cluster, run1), drain_summary(cluster, run2)

    assert "1 done" in first_log and "ASR models loaded: 1" in first_log, first_log
    assert "1 done" in second_log and "ASR models warm" in second_log, second_log
    assert warm_seconds < 60, f"the warm run took {warm_seconds:.0f} s"
    with session_scope(db) as s:
        holders = {r.key: r.claimed_by for r in s.scalars(select(Recording))}
        calls = {c.source_key: c.id for c in s.scalars(select(Call))}
        kept = {key: s.scalars(select(UtteranceRecord.text)
                               .where(UtteranceRecord.call_id == call_id)).all()
                for key, call_id in calls.items()}
    # Both calls were processed inside the worker process itself (holder host:pid:run).
    assert {h.split(":")[1] for h in holders.values()} == {str(worker_pid)}, holders
    # Only the keep-text deployment's run kept the un-redacted text.
    assert kept[first] and all(t is None for t in kept[first])
    assert kept[second] and all(t for t in kept[second])


def test_cancelling_a_drain_stops_it_after_the_call_in_hand(tmp_path: Path) -> None:
    """A run inside the worker cannot be killed; cancelling it ends the drain at the next
    call, as Cancelled, and the recordings it did not reach stay pending for others."""
    db = f"sqlite:///{tmp_path / 'callqa.db'}"
    upgrade(db)
    store = tmp_path / "recordings"
    keys = write_calls(store, [(float(s), s + 6.0) for s in range(0, 40, 8)])
    notice_pending(db, str(store), keys)
    env = {"CALLQA_DATABASE_URL": db, "CALLQA_STORE_URL": str(store),
           "CALLQA_HOME": str(tmp_path / "home"), "CALLQA_SCORING": "false",
           "CALLQA_ASR_CPU_THREADS": "1"}
    with LocalCluster(tmp_path / "cluster", env, workers=1, pool="callqa-cancel") as cluster:
        cluster.deploy("flows.drain:process_queue", "process-queue")
        (run,) = cluster.submit("process-queue/process-queue")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(
                "done as call" in m for m in cluster.run_logs(run)):
            time.sleep(0.2)
        cluster.cancel(run)
        states = cluster.wait([run], timeout=60)
        summary = drain_summary(cluster, run)

    assert states == {run: "CANCELLED"}, (states, cluster.log_tail("worker-0.log"))
    assert "(cancelled;" in summary, summary
    with session_scope(db) as s:
        left = s.scalars(select(Recording.state)).all()
    assert left.count("done") >= 1 and left.count("pending") >= 1, left
    assert set(left) <= {"done", "pending"}, left
