"""The burst case's rig: a bucket that publishes to an SQS queue on moto, ``n`` uploads
from a few threads, the ``watch-events`` consumer (:func:`pipeline.events.consume`, as
:mod:`flows.events` calls it) noticing them, and ``process-queue`` runs draining them on
a real Prefect cluster (see :mod:`benchmarks.faults.case_input`)."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.faults import Outcome
from benchmarks.faults.invariants import outcome_of
from benchmarks.faults.loopback import BUCKET, Rig, failure_reasons, settle, short_call


def _queue(rig: Rig) -> tuple[Any, str]:
    """A new SQS queue that the bucket publishes every ObjectCreated event to."""
    import boto3
    from minio.notificationconfig import NotificationConfig, QueueConfig

    sqs = boto3.client("sqs", endpoint_url=rig.endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    url = sqs.create_queue(QueueName=f"callqa-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    rig.minio.set_bucket_notification(BUCKET, NotificationConfig(
        queue_config_list=[QueueConfig(["s3:ObjectCreated:*"], "callqa", queue=arn)]))
    return sqs, url


def _waiting(sqs: Any, url: str) -> int:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"])


def _watch(rig: Rig, sqs: Any, queue_url: str, noticed: list[str],
           stop: threading.Event) -> None:
    """What ``watch-events`` does, run back to back: drain the queue for a while, notice
    the created objects' keys, delete a message only after its keys are committed (in
    this process, not on a worker: a watch-events run there waits behind the drains)."""
    from pipeline.db import recordings
    from pipeline.db.session import session_scope
    from pipeline.events import ObjectEvent, consume, store_objects

    def notice(events: list[ObjectEvent]) -> None:
        with session_scope(rig.db) as session:
            noticed.extend(recordings.notice(session, rig.store_url,
                                             store_objects(events, rig.store_url), "event"))

    while not stop.is_set():
        with contextlib.suppress(Exception):
            consume(sqs, queue_url, notice, max_seconds=20, wait_seconds=2)


def run_burst(workdir: Path, n: int, workers: int, upload_threads: int) -> Outcome:
    import logging

    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)  # 4 threads, 1 pool
    root = workdir / "batch"
    files = [short_call(root / f"2026/12/07/burst-{i:05d}.wav", i, seconds=1.2)
             for i in range(n)]
    keys = [str(p.relative_to(root)) for p in files]
    with Rig(workdir) as rig:
        sqs, queue_url = _queue(rig)
        with rig.cluster(workers=workers) as cluster:
            store = rig.store()
            marks: dict[str, float] = {}
            noticed: list[str] = []
            stop = threading.Event()
            watcher = threading.Thread(target=_watch, args=(rig, sqs, queue_url, noticed, stop),
                                       daemon=True)
            started = time.perf_counter()
            watcher.start()

            def put(i: int) -> None:
                store.put(keys[i], files[i], None)

            with ThreadPoolExecutor(upload_threads) as pool:
                list(pool.map(put, range(n)))
            uploaded = time.perf_counter() - started

            def during(states: dict[str, int]) -> None:
                now = time.perf_counter() - started
                if "noticed" not in marks and sum(states.values()) >= n:
                    marks["noticed"] = now
                if states.get("done", 0) and "first_done" not in marks:
                    marks["first_done"] = now

            states = settle(rig, cluster, keys, timeout=max(600, n * 3), runs=workers,
                            during=during)
            drained = time.perf_counter() - started
            stop.set()
            watcher.join(timeout=30)
            left_on_queue = _waiting(sqs, queue_url)
        notes = [f"{n} uploads in {uploaded:.1f} s from {upload_threads} threads; all "
                 f"noticed {marks.get('noticed', float('nan')):.1f} s after the first; "
                 f"{len(noticed)} noticed as new (of {len(set(noticed))} keys); "
                 f"{left_on_queue} message(s) left on the queue",
                 *_rates(rig.db, keys, drained - marks.get("first_done", 0.0), workers),
                 f"states at the end: {states}", *failure_reasons(rig.db, keys)]
        return outcome_of(f"burst-{n}", rig.db, keys, notes=notes)


def _rates(db: str, keys: list[str], draining: float, workers: int) -> list[str]:
    """The queue's drain rate against the workers' own speed (per-call processing time)."""
    from sqlalchemy import func, select

    from pipeline.db.models import Call, CallStatus
    from pipeline.db.session import session_scope

    with session_scope(db) as session:
        done, flow_s = session.execute(
            select(func.count(), func.sum(Call.processing_seconds))
            .where(Call.source_key.in_(keys), Call.status == CallStatus.DONE)).one()
    done, flow_s = int(done or 0), float(flow_s or 0.0)
    if not done or draining <= 0:
        return ["no call was done"]
    per_call = flow_s / done
    return [f"drained {done} calls in {draining:.0f} s: {done / draining:.2f} calls/s; "
            f"{workers} workers at {per_call:.2f} s per call could do "
            f"{workers / per_call:.2f} calls/s ({done / draining / (workers / per_call):.0%})"]
