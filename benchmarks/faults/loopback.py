"""The loopback rig the store, Prefect and input cases share: a fresh PostgreSQL database,
moto's S3 (and SQS) server behind a TCP proxy that can be closed and reopened, distinct
short recordings, a :class:`~benchmarks.cluster.LocalCluster` of callqa workers, and a
dispatcher that submits ``process-queue`` runs while recordings are due, as the sweep's
dispatch does in production.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.audio import SAMPLES, write_wav
from benchmarks.cluster import LocalCluster, free_port

PG_BASE = os.environ.get("CALLQA_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
BUCKET = "recordings"
SIDECAR = '{"agent_id": "A-1042", "queue": "billing", "language": "en", ' \
          '"channels": {"0": "agent", "1": "customer"}}'


class TcpProxy:
    """A TCP forwarder on a fixed local port: :meth:`close` makes the target unreachable
    (connections refused, open ones cut), :meth:`open` brings it back on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def short_call(path: Path, index: int, seconds: float = 1.5) -> Path:
    """A stereo WAV of ``seconds`` of the billing sample, its window and a little lead
    silence chosen by ``index``, so that every recording is different content."""
    from pipeline.audio import load_audio

    audio = _sample(load_audio, "en_billing_stereo")
    n = int(seconds * 16_000)
    start = (index * 7919) % (audio.shape[1] - n)
    for _ in range(200):  # a window where someone speaks most of the time, not a pause
        frames = np.abs(audio[:, start:start + n]).max(axis=0).reshape(-1, 800)
        if (frames.mean(axis=1) > 0.02).mean() >= 0.6:
            break
        start = (start + 4001) % (audio.shape[1] - n)
    lead = np.zeros((2, 160 + index % 1600), dtype=np.float32)
    write_wav(path, np.concatenate([lead, audio[:, start:start + n]], axis=1))
    Path(f"{path}.json").write_text(SIDECAR)
    return path


_SAMPLES: dict[str, np.ndarray] = {}


def _sample(load: Callable[[Path], np.ndarray], name: str) -> np.ndarray:
    if name not in _SAMPLES:
        _SAMPLES[name] = load(SAMPLES / f"{name}.ogg")
    return _SAMPLES[name]


class Rig:
    """PostgreSQL database + moto (S3, SQS) + proxy; ``with Rig(workdir) as rig: ...``.

    Uploads go straight to moto; the workers reach S3 through :attr:`proxy`.
    """

    def __init__(self, workdir: Path, prefix: str = "calls") -> None:
        self.workdir = Path(workdir)
        self.store_url = f"s3://{BUCKET}/{prefix}"
        self.db = ""
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Rig:
        from minio import Minio
        from moto.server import ThreadedMotoServer

        from benchmarks.throughput import drop_database, new_database
        from pipeline.db.session import upgrade

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        try:
            self.db = new_database(PG_BASE)
            self._stack.callback(drop_database, PG_BASE, self.db)
            upgrade(self.db)
            self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
            self.moto.start()
            self._stack.callback(self.moto.stop)
            host, port = self.moto.get_host_and_port()
            self.endpoint = f"http://{host}:{port}"
            self.minio = Minio(f"{host}:{port}", access_key="testing", secret_key="testing",
                               secure=False)
            self.minio.make_bucket(BUCKET)
            self.proxy = TcpProxy((host, port))
            self.proxy.open()
            self._stack.callback(self.proxy.close)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    # The store -------------------------------------------------------------------------

    def store(self) -> Any:
        from pydantic import SecretStr

        from pipeline.settings import Settings
        from pipeline.store import open_store

        return open_store(Settings(store_url=self.store_url, s3_endpoint=self.endpoint,
                                   s3_access_key="testing",
                                   s3_secret_key=SecretStr("testing")))

    def upload(self, files: Sequence[Path], root: Path, notice: bool = True) -> list[str]:
        """Put the files (and sidecars) in the bucket; notice them as the sweep would."""
        from benchmarks.audio import sidecar
        from pipeline.db import recordings
        from pipeline.db.session import session_scope

        store = self.store()
        keys = [str(p.relative_to(root)) for p in files]
        for key, path in zip(keys, files, strict=True):
            store.put(key, path, sidecar(path) if Path(f"{path}.json").exists() else None)
        if notice:
            with session_scope(self.db) as session:
                recordings.notice(session, self.store_url, store.list_recordings(), "sweep")
        return keys

    # Workers ---------------------------------------------------------------------------

    def env(self, workers: int = 1, **extra: str) -> dict[str, str]:
        threads = str(max(1, len(os.sched_getaffinity(0)) // workers))
        return {
            "CALLQA_DATABASE_URL": self.db, "CALLQA_STORE_URL": self.store_url,
            "CALLQA_S3_ENDPOINT": f"http://127.0.0.1:{self.proxy.port}",
            "CALLQA_S3_ACCESS_KEY": "testing", "CALLQA_S3_SECRET_KEY": "testing",
            "CALLQA_HOME": str(self.workdir / "home"), "CALLQA_ASR_CPU_THREADS": threads,
            "OMP_NUM_THREADS": threads, "CALLQA_SCORING_THREADS": "1",
            "CALLQA_LANGUAGES": "en", **extra,
        }

    @contextlib.contextmanager
    def cluster(self, workers: int = 1, **extra: str) -> Iterator[LocalCluster]:
        with LocalCluster(self.workdir / "cluster", env=self.env(workers, **extra),
                          workers=workers) as cluster:
            cluster.deploy("flows.drain:process_queue", "process-queue")
            yield cluster

    def states(self, keys: Sequence[str]) -> dict[str, int]:
        """How many of ``keys`` are in each recording state."""
        from sqlalchemy import func, select

        from pipeline.db.recording_queue import Recording
        from pipeline.db.session import session_scope

        with session_scope(self.db) as session:
            rows = session.execute(select(Recording.state, func.count())
                                   .where(Recording.key.in_(list(keys)))
                                   .group_by(Recording.state)).all()
        return {str(state): int(n) for state, n in rows}

    def first_done_after(self, moment: float) -> float | None:
        """Seconds from ``moment`` (time.time()) to the first call finished after it."""
        from datetime import UTC, datetime

        from sqlalchemy import func, select

        from pipeline.db.recording_queue import Recording, RecordingState
        from pipeline.db.session import session_scope

        at = datetime.fromtimestamp(moment, UTC)
        with session_scope(self.db) as session:
            first = session.scalar(select(func.min(Recording.updated_at)).where(
                Recording.state == RecordingState.DONE, Recording.updated_at >= at))
        if first is None:
            return None
        if first.tzinfo is None:
            first = first.replace(tzinfo=UTC)
        return first.timestamp() - moment


def settle(rig: Rig, cluster: LocalCluster, keys: Sequence[str], timeout: float,
           runs: int = 1, every: float = 2.0,
           during: Callable[[dict[str, int]], None] | None = None) -> dict[str, int]:
    """Dispatch as the sweep does (``runs`` process-queue runs whenever recordings are
    due and none of ours is waiting to start, as :mod:`flows.dispatch` decides) until
    every key is done or failed, or ``timeout``."""
    from pipeline.db import claims
    from pipeline.db.session import session_scope

    active: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        states = rig.states(keys)
        if during is not None:
            during(states)
        if states.get("done", 0) + states.get("failed", 0) >= len(keys):
            return states
        if time.monotonic() > deadline:
            return states
        with contextlib.suppress(Exception):  # the Prefect server may be away
            live = cluster.states(active) if active else {}
            active = [r for r, s in live.items() if s in ("SCHEDULED", "PENDING")]
            with session_scope(rig.db) as session:
                due = claims.due_count(session, rig.store_url)
            if due and not active:
                active = cluster.submit("process-queue/process-queue", count=runs)
        time.sleep(every)


def failure_reasons(db: str, keys: Sequence[str]) -> list[str]:
    """How many of ``keys`` failed for each reason (its first words), most first."""
    from collections import Counter

    from sqlalchemy import select

    from pipeline.db.recording_queue import Recording, RecordingState
    from pipeline.db.session import session_scope

    with session_scope(db) as session:
        errors = session.scalars(select(Recording.error).where(
            Recording.key.in_(list(keys)), Recording.state == RecordingState.FAILED)).all()
    reasons = Counter(re.sub(r"\d+(\.\d+)?", "#", (e or "").split(": ", 1)[-1])[:60]
                      for e in errors)
    return [f"{n} failed: {reason}" for reason, n in reasons.most_common(3)]


def vm_hwm_mb(pid: int) -> float | None:
    """The peak resident set of process ``pid`` (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
