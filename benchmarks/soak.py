"""The soak run (issue 16): N callqa workers on a real Prefect server for a given time,
fed a stream of recordings, the whole pipeline on (ASR, roles, metrics, PII, scoring).

``python -m benchmarks --suite soak --workers 2 --soak-minutes 30``

The queue is kept topped up (new recordings are written to the store and noticed whenever
fewer than two per worker wait), so the workers never idle and calls/hour is what they can
do. Every minute it prints calls done, calls/hour over that minute and overall, and each
worker's resident memory (VmRSS of the worker and its children), so growth shows; at the
end: failed recordings with their reasons, errors in the workers' logs, and the promise of
the fault suite checked on every recording (:mod:`benchmarks.faults.invariants`).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.audio import SAMPLES, write_wav
from benchmarks.cluster import descendants
from benchmarks.faults.rig import Rig

SOURCES = ("en_billing_stereo", "en_sales_outbound_stereo")
CALL_SECONDS = 30.0


@dataclass
class Minute:
    minute: int
    done: int
    failed: int
    window_per_hour: float
    rss_mb: list[float]


@dataclass
class SoakResult:
    workers: int
    minutes: float
    call_seconds: float
    rows: list[Minute] = field(default_factory=list)
    done: int = 0
    failed: int = 0
    written: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    log_errors: list[str] = field(default_factory=list)
    outcome: Any = None
    wall_s: float = 0.0


class CallStream:
    """Distinct stereo calls cut from the bundled samples (a little noise, seeded per
    call, so no two have the same content and none is skipped as a duplicate)."""

    def __init__(self, folder: Path) -> None:
        from pipeline.audio import load_audio

        self.folder, self.count = folder, 0
        self.audio = {n: np.tile(load_audio(SAMPLES / f"{n}.ogg"), (1, 3)) for n in SOURCES}

    def write(self, n: int) -> list[str]:
        keys = []
        for _ in range(n):
            i, self.count = self.count, self.count + 1
            name = SOURCES[i % len(SOURCES)]
            whole = self.audio[name]
            room = whole.shape[1] / 16000 - CALL_SECONDS
            start = (i * 3.1) % room
            part = whole[:, int(start * 16000):int((start + CALL_SECONDS) * 16000)]
            noise = np.random.default_rng(i).normal(0, 0.002, part.shape)
            key = f"soak/{i // 100:03d}/call-{i:05d}.wav"
            path = write_wav(self.folder / key, part + noise)
            Path(f"{path}.json").write_text((SAMPLES / f"{name}.ogg.json").read_text())
            keys.append(key)
        return keys


def _rss_mb(pid: int) -> float:
    total = 0.0
    for p in (pid, *descendants(pid)):
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    return total


def _counts(rig: Rig) -> tuple[int, int, int]:
    """(done, failed, waiting) of the recordings in the rig's store."""
    snap = rig.tick() or rig.last
    states = Counter(state for state, _ in snap.values())
    return states["done"], states["failed"], states["pending"] + states["claimed"]


def run(workdir: Path, workers: int = 2, minutes: float = 30.0,
        progress: Any = print) -> SoakResult:
    from pipeline.db import recordings
    from pipeline.db.session import session_scope

    result = SoakResult(workers=workers, minutes=minutes, call_seconds=CALL_SECONDS)
    with Rig(workdir, "soak", db="postgres", calls=0, workers=workers,
             env={"CALLQA_SCORING": "true"}) as rig:
        stream = CallStream(Path(rig.store_url))

        def top_up(waiting: int) -> None:
            if waiting < 2 * workers:
                keys = stream.write(3 * workers)
                rig.keys += keys
                with session_scope(rig.db_url) as s:
                    recordings.notice(s, rig.store_url, keys, source="sweep")

        top_up(0)
        started = time.monotonic()
        end = started + minutes * 60
        last_minute, last_done = started, 0
        while time.monotonic() < end:
            done, failed, waiting = _counts(rig)
            with contextlib.suppress(Exception):
                top_up(waiting)
            now = time.monotonic()
            if now - last_minute >= 60:
                assert rig.cluster is not None
                rss = [_rss_mb(p.pid) for p in rig.cluster.workers if p is not None]
                row = Minute(len(result.rows) + 1, done, failed,
                             (done - last_done) * 3600 / (now - last_minute), rss)
                result.rows.append(row)
                progress(_row(row, started, now))
                last_minute, last_done = now, done
            time.sleep(2)
        result.wall_s = time.monotonic() - started
        result.written = stream.count
        # what was taken in the time counts; the rest is drained so the promise can be read
        result.done, result.failed, _ = _counts(rig)
        rig.wait_all_finished(timeout=600)
        result.reasons = _reasons(rig)
        result.log_errors = _log_errors(rig.worker_log())
        result.outcome = rig.finish(recovery_s=None, notes=[])
    return result


def _reasons(rig: Rig) -> Counter[str]:
    from sqlalchemy import select

    from pipeline.db.recording_queue import Recording, RecordingState
    from pipeline.db.session import session_scope

    with session_scope(rig.db_url) as s:
        errors = s.scalars(select(Recording.error).where(
            Recording.store_url == rig.store_url, Recording.state == RecordingState.FAILED))
        return Counter((e or "no reason")[:70] for e in errors)


def _log_errors(log: str) -> list[str]:
    lines = [line.strip() for line in log.splitlines()
             if re.search(r"\b(ERROR|CRITICAL|Traceback)\b", line)]
    return list(dict.fromkeys(lines))[:10]


def _row(row: Minute, started: float, now: float) -> str:
    overall = row.done * 3600 / max(1.0, now - started)
    rss = " ".join(f"{mb:6.0f}" for mb in row.rss_mb)
    return (f"{row.minute:4d} {row.done:6d} {row.failed:6d} {row.window_per_hour:8.0f} "
            f"{overall:8.0f}  {rss}")


def header(workers: int) -> str:
    rss = " ".join(f"{'w' + str(i) + ' MB':>6}" for i in range(workers))
    return f"{'min':>4} {'done':>6} {'failed':>6} {'calls/h':>8} {'overall':>8}  {rss}"


def report(r: SoakResult) -> None:
    hours = r.wall_s / 3600
    print(f"\n== soak: {r.workers} workers, {r.wall_s / 60:.1f} min, {r.call_seconds:g}-s "
          f"calls, PostgreSQL, a real Prefect server")
    print(f"calls done in the time   {r.done}   ({r.done / hours:.0f} calls/hour, "
          f"{r.done * r.call_seconds / 3600 / hours:.2f} audio hours/hour)")
    print(f"failed                   {r.failed}")
    for reason, n in r.reasons.most_common(5):
        print(f"  {n:4d} x {reason}")
    if r.rows:
        first, last = r.rows[0].rss_mb, r.rows[-1].rss_mb
        growth = ", ".join(f"w{i} {a:.0f} -> {b:.0f} MB"
                           for i, (a, b) in enumerate(zip(first, last, strict=False)))
        print(f"worker memory, minute 1 -> {r.rows[-1].minute}: {growth}")
    print(f"errors in worker logs    {len(r.log_errors)}")
    for line in r.log_errors:
        print(f"  {line[:76]}")
    o = r.outcome
    if o is not None:
        print(f"every recording ({o.recordings}): done {o.done}, failed {o.failed}, doubled "
              f"{o.doubled}, held {o.held}, half-written {o.half_written}, lost {o.lost}: "
              f"{'ok' if o.ok else 'NOT OK'}")
