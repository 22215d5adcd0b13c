"""Throughput of a real Prefect cluster: 1 worker against N workers on the same batch, and
callqa's warm worker against Prefect's process worker.

A batch of synthesised stereo calls is uploaded to an S3 bucket (moto's server, spoken to
through callqa's real S3 store), noticed as the sweep would, and drained by ``process-queue``
flow runs on a real ``prefect server`` with real ``prefect worker`` processes
(:class:`benchmarks.cluster.LocalCluster`), into a fresh PostgreSQL database per run. The
cores are shared fairly: with N workers each gets ``cores / N`` ASR threads. Each flow run
drains at most ``calls_per_run`` calls, as when recordings arrive through the day and
dispatch submits a run for each few: a process worker starts a process and loads the
models for every run, callqa's worker (:mod:`flows.worker`) once. Before the timed batch
each worker takes one 30 s call (timed apart, as "warm-up"): a production worker runs for
days, so what is measured is its steady state, and the warm-up column its first call.

Measured per run, wall clock from submitting the flow runs to the last call stored:
calls per hour, audio hours per hour, and the share of worker time spent outside the
ASR and diarisation models (``1 - sum(calls.model_seconds) / (wall * workers)``): flow-run
start-up, model loading, fetching, decoding, metrics, PII, scoring, database writes and
Prefect's orchestration all count as outside.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from benchmarks.audio import sidecar, tiled_call
from benchmarks.cluster import LocalCluster

SOURCES = ("en_billing_stereo", "en_sales_outbound_stereo")


def synthesise_batch(out_dir: Path, calls: int, minutes: float,
                     lead: float = 0.0) -> list[Path]:
    """``calls`` stereo recordings of about ``minutes`` each, every one a different file
    (``lead`` seconds more silence first makes another batch differ from this one)."""
    return [tiled_call(out_dir, SOURCES[i % len(SOURCES)], minutes,
                       path=out_dir / f"2026/11/24/call-{i:04d}.wav",
                       lead_seconds=lead + 0.1 * (i + 1))
            for i in range(calls)]


def new_database(pg_base: str) -> str:
    """A new empty database on the PostgreSQL server at ``pg_base``; its URL."""
    import psycopg

    name = f"callqa_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_base.replace("+psycopg", "") + "/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_base}/{name}"


def drop_database(pg_base: str, url: str) -> None:
    """Drop the database at ``url`` (made by :func:`new_database`), connections and all."""
    import psycopg

    from pipeline.db.session import get_engine

    get_engine(url).dispose()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(pg_base.replace("+psycopg", "") + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _upload(s3: dict[str, str], store_url: str, files: list[Path], root: Path, db: str) -> None:
    """Put the files in the bucket under ``store_url`` and notice them, as the sweep would."""
    from pipeline.db import recordings
    from pipeline.db.session import session_scope
    from pipeline.settings import Settings
    from pipeline.store import open_store

    store = open_store(Settings(store_url=store_url, s3_endpoint=s3["endpoint"],
                                s3_access_key="testing", s3_secret_key=SecretStr("testing")))
    for path in files:
        store.put(str(path.relative_to(root)), path, sidecar(path))
    with session_scope(db) as session:
        recordings.notice(session, store_url, store.list_recordings(), "sweep")


def _one_run(workdir: Path, workers: int, worker_type: str, files: list[Path], root: Path,
             warm: list[Path], s3: dict[str, str], pg_base: str, calls_per_run: int,
             timeout: float) -> dict[str, Any]:
    from sqlalchemy import func, select

    from pipeline.db.models import Call, CallStatus
    from pipeline.db.session import session_scope, upgrade

    db = new_database(pg_base)
    try:
        upgrade(db)
        store_url = f"s3://{s3['bucket']}/{worker_type}-{workers}"
        warm_url = f"{store_url}-warm-up"
        _upload(s3, store_url, files, root, db)
        _upload(s3, warm_url, warm[:workers], workdir / "warm-up", db)
        cores = len(os.sched_getaffinity(0))
        env = {
            "CALLQA_DATABASE_URL": db, "CALLQA_STORE_URL": store_url,
            "CALLQA_S3_ENDPOINT": s3["endpoint"], "CALLQA_S3_ACCESS_KEY": "testing",
            "CALLQA_S3_SECRET_KEY": "testing", "CALLQA_HOME": str(workdir / "home"),
            "CALLQA_ASR_CPU_THREADS": str(max(1, cores // workers)),
            "OMP_NUM_THREADS": str(max(1, cores // workers)),
            "CALLQA_SCORING_THREADS": "1",
        }
        with LocalCluster(workdir / f"cluster-{worker_type}-{workers}", env=env,
                          workers=workers, worker_type=worker_type) as cluster:
            cluster.deploy("flows.drain:process_queue", "process-queue",
                           parameters={"max_calls": calls_per_run})
            # A worker lives for days: one short call each first, as after its first call
            # of the day (a process worker gains nothing from it; callqa's keeps its models).
            started = time.perf_counter()
            warm_runs = cluster.submit("process-queue/process-queue", count=workers,
                                       parameters={"store_url": warm_url, "max_calls": 1})
            if set(cluster.wait(warm_runs, timeout=timeout).values()) != {"COMPLETED"}:
                raise RuntimeError(f"warm-up failed:\n{cluster.log_tail('worker-0.log')}")
            warm_up = time.perf_counter() - started
            started = time.perf_counter()
            runs = cluster.submit("process-queue/process-queue",
                                  count=-(-len(files) // calls_per_run),
                                  parameters={"store_url": store_url})
            states = cluster.wait(runs, timeout=timeout)
            wall = time.perf_counter() - started
            if any(s != "COMPLETED" for s in states.values()):
                raise RuntimeError(f"flow runs ended {states}:\n{cluster.log_tail('worker-0.log')}")
        with session_scope(db) as session:
            done, audio_s, model_s, flow_s = session.execute(
                select(func.count(), func.sum(Call.duration), func.sum(Call.model_seconds),
                       func.sum(Call.processing_seconds))
                .where(Call.status == CallStatus.DONE, Call.store_url == store_url)
            ).one()
    finally:
        drop_database(pg_base, db)
    return {
        "workers": workers, "type": worker_type, "runs": len(runs), "calls": int(done),
        "wall_s": wall, "warm_up_s": warm_up, "audio_s": float(audio_s or 0),
        "model_s": float(model_s or 0), "flow_s": float(flow_s or 0),
        "calls_per_hour": done / wall * 3600, "audio_h_per_h": float(audio_s or 0) / wall,
        "outside_share": 1 - float(model_s or 0) / (wall * workers),
        "threads": max(1, cores // workers),
    }


CONFIGS = ((1, "process"), (1, "callqa"), (2, "process"), (2, "callqa"))


def run(workdir: Path, calls: int = 8, minutes: float = 5.0,
        configs: tuple[tuple[int, str], ...] = CONFIGS, calls_per_run: int = 3,
        timeout: float = 1800.0) -> dict[str, Any]:
    import logging

    from minio import Minio
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log

    pg_base = os.environ.get("CALLQA_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
    root = workdir / "batch"
    files = synthesise_batch(root, calls, minutes)
    warm = synthesise_batch(workdir / "warm-up", max(n for n, _ in configs), 0.5, lead=0.05)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        bucket = "recordings"
        Minio(f"{host}:{port}", access_key="testing", secret_key="testing",
              secure=False).make_bucket(bucket)
        s3 = {"endpoint": endpoint, "bucket": bucket}
        rows = [_one_run(workdir, n, kind, files, root, warm, s3, pg_base, calls_per_run,
                         timeout) for n, kind in configs]
    finally:
        server.stop()
    base = rows[0]
    for row in rows:
        row["speedup"] = base["wall_s"] / row["wall_s"] * (row["calls"] / max(1, base["calls"]))
    return {"calls": calls, "minutes": minutes, "per_run": calls_per_run, "rows": rows}


def report(r: dict[str, Any]) -> None:
    print(f"\n== throughput (issue 5): {r['calls']} stereo calls of ~{r['minutes']:g} min in S3 "
          f"(moto), PostgreSQL, prefect server + workers draining process-queue runs of "
          f"{r['per_run']} calls")
    print("   (after a warm-up of one 30 s call per worker, timed apart: a worker lives for days)")
    print(f"{'workers':>7} {'type':>7} {'threads':>7} {'runs':>4} {'calls':>5} {'wall s':>7} "
          f"{'calls/h':>8} {'audio h/h':>9} {'speed-up':>8} {'outside models':>14} "
          f"{'warm-up s':>9}")
    for row in r["rows"]:
        print(f"{row['workers']:7d} {row['type']:>7} {row['threads']:7d} {row['runs']:4d} "
              f"{row['calls']:5d} {row['wall_s']:7.1f} {row['calls_per_hour']:8.0f} "
              f"{row['audio_h_per_h']:9.2f} {row['speedup']:8.2f} {row['outside_share']:14.1%} "
              f"{row['warm_up_s']:9.1f}")
    for row in r["rows"]:
        inside_flow = 1 - row["model_s"] / row["flow_s"] if row["flow_s"] else 0.0
        print(f"  {row['workers']} {row['type']} worker(s): models {row['model_s']:.1f} s of "
              f"{row['flow_s']:.1f} s inside the per-call flows ({inside_flow:.1%} outside), "
              f"{row['wall_s'] * row['workers']:.1f} worker-seconds in all, model RTF "
              f"{row['model_s'] / max(row['audio_s'], 1e-9):.3f}")
