"""Database and worker faults: PostgreSQL's connections killed or the server restarted in
the middle of a batch, a worker SIGKILLed mid-transcription (SQLite and PostgreSQL), the
database's disk full. Each runs a real Prefect server and callqa workers (:mod:`.rig`).

Recovery is measured from the moment the fault is cleared (the last connection killed,
the server answering again, the worker killed and restarted, the space given back) to
the next recording finished; for a killed worker, to its own recording finished by the
worker that took it over once its lease ran out.
"""

from __future__ import annotations

import contextlib
import errno
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.faults import Case, Outcome
from benchmarks.faults.rig import LEASE, PG_BASE, Rig

PG_VERSION = "15"


def _admin() -> str:
    return PG_BASE.replace("+psycopg", "") + "/postgres"


def terminate_backends(db_url: str) -> int:
    """pg_terminate_backend on every connection to ``db_url``'s database; how many."""
    import psycopg

    name = db_url.rsplit("/", 1)[1]
    with psycopg.connect(_admin(), autocommit=True, connect_timeout=5) as c:
        rows = c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    return sum(1 for (ok,) in rows if ok)


def pg_terminate(workdir: Path, calls: int = 8, storms: int = 3) -> Outcome:
    """Mid-batch, up to ``storms`` times: every callqa connection killed, four times a
    second for three seconds, then the next call finished awaited (the recovery)."""
    with Rig(workdir, "pg-terminate", db="postgres", calls=calls) as rig:
        rig.wait_for("call mid-transcription", rig.mid_call)
        killed, recoveries = 0, []
        for _ in range(storms):
            until = time.monotonic() + 3.0
            while time.monotonic() < until:
                killed += terminate_backends(rig.db_url)
                time.sleep(0.25)
            cleared_at = time.monotonic()
            rig.snapshot()
            before = rig.finished()
            if rig.all_finished():
                break
            recoveries.append(rig.resumed_after(cleared_at, before))
        rig.wait_all_finished()
        resumed = ", ".join(f"{r:.1f}" for r in recoveries)
        return rig.finish(max(recoveries, default=None),
                          [f"{len(recoveries)} storms, {killed} backends terminated; "
                           f"resumed after each in {resumed or '-'} s (the table: the "
                           "longest)"])


def _pg_answers() -> bool:
    import psycopg

    try:
        with psycopg.connect(_admin(), connect_timeout=2) as c:
            c.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def _postgres_back_up() -> Iterator[None]:
    """Whatever happens inside, PostgreSQL is running again afterwards."""
    try:
        yield
    finally:
        for _ in range(30):
            if _pg_answers():
                break
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main",
                            "start"], check=False, capture_output=True, timeout=60)
            time.sleep(1)


def pg_restart(workdir: Path, calls: int = 6) -> Outcome:
    """Mid-transcription, ``pg_ctlcluster 15 main restart``: every connection is cut and the
    server refuses new ones for the seconds it takes to stop and start."""
    with _postgres_back_up(), Rig(workdir, "pg-restart", db="postgres", calls=calls) as rig:
        rig.wait_for("call mid-transcription", rig.mid_call)
        started = time.monotonic()
        done = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION,
                               "main", "restart"], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctlcluster restart failed: {done.stderr.strip()}")
        while not _pg_answers():
            time.sleep(0.2)
        cleared_at = time.monotonic()
        rig.snapshot()
        before = rig.finished()
        down = cleared_at - started
        recovery = None if rig.all_finished() else rig.resumed_after(cleared_at, before)
        rig.wait_all_finished()
        return rig.finish(recovery, [f"server down and back in {down:.1f} s"])


def sigkill(workdir: Path, db: str, calls: int = 5) -> Outcome:
    """SIGKILL the worker transcribing a call (and its process group, as when its machine
    dies); the service manager starts it again at once; the other worker goes on."""
    name = f"sigkill-{db}"
    with Rig(workdir, name, db=db, calls=calls, first_seconds=49.0) as rig:
        key, holder = rig.wait_for("call mid-transcription", rig.mid_call)
        victim = rig.kill_holder(holder)
        cleared_at = time.monotonic()
        assert rig.cluster is not None
        rig.cluster.start_worker(victim)
        rig.wait_for(f"{key} finished by another worker",
                     lambda: rig.last.get(key, ("", 0))[0] in ("done", "failed"), 300)
        recovery = time.monotonic() - cleared_at
        rig.wait_all_finished()
        attempts = rig.last.get(key, ("", 0))[1]
        return rig.finish(recovery, [f"killed worker-{victim} holding {key}; taken over "
                                     f"after the {LEASE} s lease (attempt {attempts})"])


def _mount_tmpfs(folder: Path, megabytes: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cannot mount a {megabytes} MB tmpfs on {folder} "
                           f"({done.stderr.strip()}); run the disk-full case as root")


def _fill(folder: Path) -> Path:
    """Write a file in ``folder`` until its filesystem is full; the file."""
    filler = folder / "filler"
    chunk = b"\0" * (1 << 16)
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler


def disk_full(workdir: Path, calls: int = 5, full_seconds: float = 20.0) -> Outcome:
    """The SQLite database on a 64 MB tmpfs, filled to the last byte mid-transcription and
    kept full for ``full_seconds`` (longer than a lease), then the space given back."""
    mount = workdir / "dbfs"
    _mount_tmpfs(mount, 64)
    try:
        with Rig(workdir, "disk-full", db="sqlite", calls=calls, sqlite_dir=mount) as rig:
            rig.wait_for("call mid-transcription", rig.mid_call)
            filler = _fill(mount)
            full_until = time.monotonic() + full_seconds
            rig.wait_for("the end of the full disk", lambda: time.monotonic() > full_until,
                         full_seconds + 30)
            filler.unlink()
            cleared_at, before = time.monotonic(), rig.finished()
            recovery = None if rig.all_finished() else rig.resumed_after(cleared_at, before)
            rig.wait_all_finished()
            log = rig.worker_log()
            said = [ln.strip() for ln in log.splitlines() if "its disk is full" in ln]
            raw = sum(1 for ln in log.splitlines() if "[SQL:" in ln)
            notes = [f"full for {full_seconds:.0f} s; {len(said)} worker log lines say "
                     f"'its disk is full', {raw} show raw SQL"]
            notes += [f"e.g. {said[0][said[0].find('database'):][:150]}"] if said else []
            return rig.finish(recovery, notes)
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


CASES = [
    Case("pg-terminate", "pg_terminate_backend on callqa's connections mid-batch, 3 times",
         lambda d: pg_terminate(d)),
    Case("pg-restart", "PostgreSQL restarted mid-transcription", lambda d: pg_restart(d)),
    Case("sigkill-sqlite", "a worker SIGKILLed mid-transcription, SQLite",
         lambda d: sigkill(d, "sqlite")),
    Case("sigkill-postgres", "a worker SIGKILLed mid-transcription, PostgreSQL",
         lambda d: sigkill(d, "postgres")),
    Case("disk-full", "the SQLite database's filesystem full for 20 s mid-batch",
         lambda d: disk_full(d)),
]
