"""Input faults: a 4-hour recording (is memory bounded?), WAV headers that lie about their
length, and a burst of 2,000 bucket events through SQS (none lost, none doubled)."""

from __future__ import annotations

import struct
import time
import wave
from pathlib import Path

import numpy as np

from benchmarks.faults import Case, Outcome
from benchmarks.faults.invariants import outcome_of
from benchmarks.faults.loopback import SIDECAR, Rig, settle, short_call, vm_hwm_mb

# Lying headers -------------------------------------------------------------------------


def lying_wav(path: Path, index: int, declares: float) -> Path:
    """A 6 s WAV whose data chunk declares ``declares`` times the bytes it holds."""
    short_call(path, index, seconds=6.0)
    data = bytearray(path.read_bytes())
    at = data.find(b"data")
    size = struct.unpack("<I", data[at + 4:at + 8])[0]
    data[at + 4:at + 8] = struct.pack("<I", min(0xFFFFFFF0, int(size * declares)))
    path.write_bytes(bytes(data))
    return path


LIES = {"honest": 1.0, "ten-times-longer": 10.0, "near-4-gib": 1e6, "quarter": 0.25}


def lying_header(workdir: Path) -> Outcome:
    """WAVs whose header declares 10x and ~4 GiB more audio than they hold, and a quarter
    of it, beside an honest one: the liars end failed with a reason (a decoder trusting
    the short header would silently drop three quarters of the call), the honest one done,
    and the worker lives on."""
    root = workdir / "batch"
    files = [lying_wav(root / f"2026/12/07/{name}.wav", i, ratio)
             for i, (name, ratio) in enumerate(LIES.items())]
    with Rig(workdir) as rig:
        keys = rig.upload(files, root)
        with rig.cluster(workers=1) as cluster:
            pid = cluster.workers[0].pid if cluster.workers[0] else None
            settle(rig, cluster, keys, timeout=240)
            alive = cluster.workers[0] is not None and cluster.workers[0].poll() is None
        notes = [f"{key}: {what}" for key, what in _ends(rig.db, keys).items()]
        notes.append(f"worker {pid} {'still running' if alive else 'DIED'} afterwards")
        return outcome_of("lying-header", rig.db, keys, notes=notes)


def _ends(db: str, keys: list[str]) -> dict[str, str]:
    """Each key's end in a few words: its error, or the duration of its call."""
    from sqlalchemy import select

    from pipeline.db.models import Call
    from pipeline.db.recording_queue import Recording
    from pipeline.db.session import session_scope

    with session_scope(db) as session:
        rows = session.execute(select(Recording.key, Recording.state, Recording.error,
                                      Call.duration)
                               .outerjoin(Call, Call.id == Recording.call_id)
                               .where(Recording.key.in_(keys))).all()
    return {key.rsplit("/", 1)[-1]: (f"failed: {error}" if state == "failed"
                                     else f"{state}, {duration or 0:.1f} s of audio")
            for key, state, error, duration in rows}


# A 4-hour recording ----------------------------------------------------------------------


def long_wav(path: Path, hours: float = 4.0, every: float = 1800.0) -> Path:
    """Mono 16 kHz, ``hours`` long: near silence with a stretch of the complaint sample's
    speech every ``every`` seconds, written a minute at a time (never held whole)."""
    from benchmarks.audio import SAMPLES
    from pipeline.audio import load_audio

    speech = load_audio(SAMPLES / "en_complaint_mono.ogg")[0][: 20 * 16_000]
    total, block = int(hours * 3600 * 16_000), 60 * 16_000
    rng = np.random.default_rng(4)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        for start in range(0, total, block):
            piece = rng.normal(0, 1e-4, min(block, total - start)).astype(np.float32)
            if start % int(every * 16_000) == 0:
                piece[: speech.size] += speech[: piece.size]
            w.writeframes((np.clip(piece, -1, 1) * 32767).astype("<i2").tobytes())
    Path(f"{path}.json").write_text(SIDECAR.replace(', "channels": {"0": "agent", '
                                                    '"1": "customer"}', ""))
    return path


def long_recording(workdir: Path, hours: float = 4.0) -> Outcome:
    """One ``hours``-long recording after a 10-minute one on the same warm worker: the
    worker's peak RSS after each says whether memory grows with the call's length."""
    root = workdir / "batch"
    short = long_wav(root / "2026/12/07/ten-minutes.wav", hours=1 / 6, every=300)
    long = long_wav(root / "2026/12/07/four-hours.wav", hours=hours)
    with Rig(workdir) as rig:
        notes: list[str] = []
        keys = rig.upload([short], root)
        with rig.cluster(workers=1) as cluster:
            assert cluster.workers[0] is not None
            pid = cluster.workers[0].pid
            settle(rig, cluster, keys, timeout=300)
            after_short = vm_hwm_mb(pid) or 0.0
            keys += rig.upload([long], root)
            started = time.perf_counter()
            settle(rig, cluster, keys, timeout=1800)
            wall = time.perf_counter() - started
            peak = vm_hwm_mb(pid)
        notes.append(f"worker peak RSS {after_short:.0f} MB after the 10-min call, "
                     f"{peak or 0:.0f} MB after the {hours:g} h one "
                     f"({long.stat().st_size / 2**20:.0f} MB WAV), processed in {wall:.0f} s")
        notes += [f"{key}: {what}" for key, what in _ends(rig.db, keys).items()]
        return outcome_of("long-recording", rig.db, keys, peak_rss_mb=peak, notes=notes)


# A burst of bucket events ----------------------------------------------------------------


def burst(workdir: Path, n: int = 2000, workers: int = 2, upload_threads: int = 4) -> Outcome:
    """``n`` different 1.2 s recordings put in the bucket as fast as it takes them; moto
    publishes an ObjectCreated event for each to SQS, ``watch-events`` runs notice them,
    ``process-queue`` runs drain them. None may be lost or doubled."""
    from benchmarks.faults.burst_events import run_burst

    return run_burst(workdir, n, workers, upload_threads)


CASES = [
    Case("lying-header", "WAV headers that declare 10x, ~4 GiB and 1/4 of their audio",
         lying_header),
    Case("long-recording", "a 4-hour recording, mostly silence: peak RSS of the worker",
         long_recording, slow=True),
    Case("burst-2000", "2,000 bucket events in under a minute, through SQS",
         burst, slow=True),
]
