"""Prefect faults: the Prefect server stopped while ``process-queue`` runs are in flight,
and started again on the same port with the same database."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchmarks.cluster import LocalCluster
from benchmarks.faults import Case, Outcome
from benchmarks.faults.invariants import outcome_of
from benchmarks.faults.loopback import Rig, settle, short_call

DOWN_S = 30.0


def stop_server(cluster: LocalCluster) -> None:
    """SIGTERM the server (and what it started), as a restart or a crash of its machine."""
    import signal

    assert cluster.server is not None
    cluster._signal_tree(cluster.server.pid, signal.SIGTERM)
    cluster.server.wait(timeout=30)


def start_server(cluster: LocalCluster, log_name: str) -> None:
    """Start the server again on the cluster's port and its PREFECT_HOME; wait until healthy."""
    cluster.server = cluster._spawn(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(cluster.port)], log_name, cluster._base_env())
    cluster._wait_healthy()


def prefect_restart(workdir: Path, calls: int = 8, down: float = DOWN_S) -> Outcome:
    """Two workers drain 8 calls of 20 s; once a call is done and two are being
    processed, the server is stopped for ``down`` seconds and started again."""
    root = workdir / "batch"
    files = [short_call(root / f"2026/12/07/restart-{i:03d}.wav", i, seconds=20.0)
             for i in range(calls)]
    with Rig(workdir) as rig:
        keys = rig.upload(files, root)
        fault: dict[str, float] = {}

        def during(states: dict[str, int]) -> None:
            if "stopped" not in fault and states.get("done", 0) >= 1 \
                    and states.get("claimed", 0) >= 1:
                fault["claimed_at_stop"] = states.get("claimed", 0)
                stop_server(cluster)
                fault["stopped"] = time.time()
            elif "stopped" in fault and "back" not in fault \
                    and time.time() - fault["stopped"] >= down:
                fault["done_while_down"] = states.get("done", 0)
                start_server(cluster, "server-restarted.log")
                fault["back"] = time.time()

        with rig.cluster(workers=2) as cluster:
            settle(rig, cluster, keys, timeout=down + 400, runs=2, during=during)
            alive = sum(1 for w in cluster.workers if w is not None and w.poll() is None)
        recovery = rig.first_done_after(fault["back"]) if "back" in fault else None
        notes = [f"server stopped for {down:.0f} s with {fault.get('claimed_at_stop', 0):.0f} "
                 f"call(s) in flight; {fault.get('done_while_down', 0):.0f} done before it "
                 f"was back; {alive} of 2 workers alive at the end"]
        return outcome_of("prefect-restart", rig.db, keys, recovery_s=recovery, notes=notes)


CASES = [
    Case("prefect-restart", "the Prefect server stopped for 30 s with runs in flight",
         prefect_restart),
]
