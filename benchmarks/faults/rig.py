"""The database and worker cases' stage: a fresh database, short calls in a folder store,
a real Prefect server with callqa workers draining ``process-queue`` runs, and a sweep
that submits a run whenever recordings are due and none is waiting (what
``CALLQA_DISPATCH=deployment`` does).

    with Rig(workdir, "pg-terminate", db="postgres", calls=6) as rig:
        rig.wait_for("a call mid-transcription", rig.mid_call)
        ...the fault...
        recovery = rig.resumed_after(cleared_at, finished_before)
        rig.wait_all_finished()
        return rig.finish(recovery_s=recovery, notes=[...])

The sweep runs in :meth:`Rig.tick` (every poll of :meth:`Rig.wait_for`); it and every
look at the database tolerate the database being away (a fault case's point).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from sqlalchemy import select

from benchmarks.audio import SAMPLES, write_wav
from benchmarks.cluster import LocalCluster, descendants
from benchmarks.faults import Outcome
from benchmarks.faults.invariants import outcome_of
from benchmarks.throughput import drop_database, new_database

PG_BASE = os.environ.get("CALLQA_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
DEPLOYMENT = "process-queue/process-queue"
LEASE = 10  # seconds: a dead worker's recording is taken over this long after it died
WAITING = frozenset({"SCHEDULED", "PENDING"})
FINAL = ("done", "failed")


def write_calls(folder: Path, calls: int, seconds: float = 25.0,
                first_seconds: float | None = None) -> list[str]:
    """``calls`` stereo recordings cut from the bundled samples, each of its own content,
    with the sample's sidecar; ``first_seconds`` makes the first one longer (a call to be
    caught mid-transcription)."""
    from pipeline.audio import load_audio

    names = ("en_billing_stereo", "en_sales_outbound_stereo")
    audio = {n: load_audio(SAMPLES / f"{n}.ogg") for n in names}
    keys = []
    for i in range(calls):
        name = names[i % 2]
        length = first_seconds if (i == 0 and first_seconds) else seconds
        whole = audio[name]
        if whole.shape[1] < (length + 10) * 16000:  # too short to cut from: tile it
            whole = np.tile(whole, (1, 2))
        start = (i // 2) * 1.7 % max(0.1, whole.shape[1] / 16000 - length)
        part = whole[:, int(start * 16000):int((start + length) * 16000)]
        key = f"2026/11/24/call-{i:02d}.wav"
        path = write_wav(folder / key, part)
        Path(f"{path}.json").write_text((SAMPLES / f"{name}.ogg.json").read_text())
        keys.append(key)
    return keys


class Rig:
    """One case's database, store, calls and cluster; see the module's docstring."""

    def __init__(self, workdir: Path, case: str, *, db: str = "postgres", calls: int = 6,
                 seconds: float = 25.0, first_seconds: float | None = None,
                 workers: int = 2, sqlite_dir: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.workdir, self.case, self.db_kind = Path(workdir), case, db
        self.n_calls, self.seconds, self.first_seconds = calls, seconds, first_seconds
        self.n_workers, self.sqlite_dir, self.extra_env = workers, sqlite_dir, env or {}
        self.store_url = str(self.workdir / "recordings")
        self.db_url = ""
        self.keys: list[str] = []
        self.runs: list[str] = []
        self.cluster: LocalCluster | None = None
        self.peak_rss_mb = 0.0
        self.last: dict[str, tuple[str, int]] = {}  # key -> (state, attempts), last seen
        self.db_errors = 0  # looks at the database that failed (it was away)

    # Life cycle --------------------------------------------------------------------------

    def __enter__(self) -> Rig:
        from pipeline.db import recordings
        from pipeline.db.session import session_scope, upgrade

        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.db_kind == "postgres":
            self.db_url = new_database(PG_BASE)
        else:
            folder = self.sqlite_dir or self.workdir
            self.db_url = f"sqlite:///{folder / 'callqa.db'}"
        try:
            upgrade(self.db_url)  # once, before the workers: they must not race to migrate
            self.keys = write_calls(Path(self.store_url), self.n_calls, self.seconds,
                                    self.first_seconds)
            with session_scope(self.db_url) as s:
                recordings.notice(s, self.store_url, self.keys, source="sweep")
            env = {
                "CALLQA_DATABASE_URL": self.db_url, "CALLQA_STORE_URL": self.store_url,
                "CALLQA_HOME": str(self.workdir / "home"), "CALLQA_SCORING": "false",
                "CALLQA_CLAIM_LEASE_SECONDS": str(LEASE), "CALLQA_ASR_CPU_THREADS": "1",
                "OMP_NUM_THREADS": "1", **self.extra_env,
            }
            self.cluster = LocalCluster(self.workdir / "cluster", env, workers=self.n_workers,
                                        pool=f"faults-{self.case}")
            self.cluster.start()
            self.cluster.deploy("flows.drain:process_queue", "process-queue")
            self.runs += self.cluster.submit(DEPLOYMENT, count=self.n_workers)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop_cluster()
        if self.db_kind == "postgres" and self.db_url:
            with contextlib.suppress(Exception):
                drop_database(PG_BASE, self.db_url)

    def stop_cluster(self) -> None:
        if self.cluster is not None:
            self._sample_rss()
            self.cluster.stop()
            self.cluster = None

    def finish(self, recovery_s: float | None, notes: list[str]) -> Outcome:
        """Stop the workers, then read what became of every recording."""
        attempts = "".join(str(a) for _, a in sorted(self.last.values()))
        states = Counter(self.run_states().values())
        self.stop_cluster()
        runs = ", ".join(f"{n} {s.lower()}" for s, n in sorted(states.items()))
        notes = [*notes, f"flow runs: {runs}; attempts per recording: {attempts}"]
        return outcome_of(self.case, self.db_url, self.keys, recovery_s=recovery_s,
                          peak_rss_mb=self.peak_rss_mb or None, notes=notes)

    # Looking and sweeping ----------------------------------------------------------------

    def snapshot(self) -> dict[str, tuple[str, int]] | None:
        """Each recording's (state, attempts), or None while the database is away."""
        from pipeline.db.recording_queue import Recording
        from pipeline.db.session import session_scope

        try:
            with session_scope(self.db_url) as s:
                rows = s.execute(select(Recording.key, Recording.state, Recording.attempts)
                                 .where(Recording.store_url == self.store_url)).all()
        except Exception:
            self.db_errors += 1
            return None
        self.last = {k: (str(st), int(a or 0)) for k, st, a in rows}
        return self.last

    def finished(self) -> int:
        return sum(1 for st, _ in self.last.values() if st in FINAL)

    def run_states(self) -> dict[str, str]:
        if self.cluster is None:
            return {}
        try:
            return self.cluster.states(self.runs)
        except Exception:  # the Prefect API is busy: next time
            return {}

    def tick(self) -> dict[str, tuple[str, int]] | None:
        """Look at the queue; submit a run if any recording is due and no run waits."""
        from pipeline.db import claims
        from pipeline.db.session import session_scope

        snap = self.snapshot()
        self._sample_rss()
        if snap is None or self.cluster is None:
            return snap
        try:
            with session_scope(self.db_url) as s:
                due = claims.due_count(s, self.store_url)
        except Exception:
            self.db_errors += 1
            return snap
        if due and not WAITING & set(self.run_states().values()):
            with contextlib.suppress(Exception):
                self.runs += self.cluster.submit(DEPLOYMENT)
        return snap

    def wait_for(self, what: str, check: Callable[[], Any], timeout: float = 240.0,
                 every: float = 0.3) -> Any:
        """``check()``'s first truthy answer, sweeping meanwhile; TimeoutError with the
        workers' logs when none comes in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.tick()
            found = check()
            if found:
                return found
            time.sleep(every)
        raise TimeoutError(f"{self.case}: no {what} in {timeout:.0f} s; last seen "
                           f"{self.last}\n{self.logs()}")

    def all_finished(self) -> bool:
        return len(self.last) == len(self.keys) and self.finished() == len(self.keys)

    def wait_all_finished(self, timeout: float = 300.0) -> None:
        self.wait_for("end of every recording (done or failed)", self.all_finished, timeout)

    def resumed_after(self, cleared_at: float, finished_before: int,
                      timeout: float = 300.0) -> float:
        """Seconds from ``cleared_at`` (time.monotonic) to the next recording finished."""
        self.wait_for("call finished after the fault",
                      lambda: self.finished() > finished_before, timeout, every=0.2)
        return time.monotonic() - cleared_at

    def mid_call(self) -> tuple[str, str] | None:
        """A recording a worker holds whose call is being transcribed: (key, holder)."""
        from pipeline.db.models import Call, CallStatus
        from pipeline.db.recording_queue import Recording, RecordingState
        from pipeline.db.session import session_scope

        try:
            with session_scope(self.db_url) as s:
                found = s.execute(
                    select(Recording.key, Recording.claimed_by)
                    .join(Call, (Call.source_key == Recording.key)
                          & (Call.store_url == Recording.store_url))
                    .where(Recording.store_url == self.store_url,
                           Recording.state == RecordingState.CLAIMED,
                           Call.status == CallStatus.PROCESSING)
                    .order_by(Recording.id).limit(1)).first()
        except Exception:
            self.db_errors += 1
            return None
        return (str(found[0]), str(found[1])) if found else None

    def kill_holder(self, holder: str) -> int:
        """SIGKILL the worker whose process holds ``holder``'s claim; its index."""
        assert self.cluster is not None
        victim = self.cluster.worker_of(int(holder.split(":")[1]))
        if victim is None:
            raise RuntimeError(f"{self.case}: no worker runs {holder}")
        self._sample_rss()
        self.cluster.kill_worker(victim)
        return victim

    def logs(self) -> str:
        if self.cluster is None:
            return ""
        return "\n".join(f"--- worker-{i}.log\n{self.cluster.log_tail(f'worker-{i}.log', 15)}"
                         for i in range(len(self.cluster.workers)))

    def worker_log(self) -> str:
        """Every worker's whole log (to find the errors a fault caused)."""
        folder = self.workdir / "cluster"
        return "\n".join(p.read_text(errors="replace")
                         for p in sorted(folder.glob("worker-*.log")))

    def _sample_rss(self) -> None:
        """Track the largest peak RSS (VmHWM) of any worker and what it started."""
        if self.cluster is None:
            return
        for proc in self.cluster.workers:
            if proc is None:
                continue
            for pid in (proc.pid, *descendants(proc.pid)):
                with contextlib.suppress(OSError, ValueError):
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak_rss_mb = max(self.peak_rss_mb,
                                                   int(line.split()[1]) / 1024)
