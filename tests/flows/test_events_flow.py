"""Bucket events end to end: moto's S3 publishes ObjectCreated events to its SQS queue, the
``watch-events`` flow notices exactly the new recordings and deletes only what it committed;
dispatch to a ``process-queue`` deployment does not pile up runs; MinIO's webhook route."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from pipeline.db.recording_queue import Recording
from pipeline.db.session import session_scope
from pipeline.settings import get_settings
from tests.conftest import _clear_caches

TOKEN = "whsec-" + "k3y" * 8


@dataclass
class Bucket:
    minio: Any
    name: str
    sqs: Any
    queue_url: str

    def upload(self, key: str, data: bytes = b"RIFF....WAVE") -> None:
        self.minio.put_object(self.name, key, io.BytesIO(data), len(data))

    def waiting(self) -> int:
        """Messages still on the queue, visible or in flight."""
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages",
                            "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(
            attrs["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture
def bucket(s3_store, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bucket]:  # type: ignore[no-untyped-def]
    """The s3_store bucket publishing ObjectCreated events to a new SQS queue on moto."""
    import boto3
    from minio.notificationconfig import NotificationConfig, QueueConfig

    sqs = boto3.client("sqs", endpoint_url=f"http://{moto_endpoint}", region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    queue_url = sqs.create_queue(QueueName=f"callqa-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    s3_store.client.set_bucket_notification(s3_store.bucket, NotificationConfig(
        queue_config_list=[QueueConfig(["s3:ObjectCreated:*"], "callqa", queue=arn)]))
    monkeypatch.setenv("CALLQA_EVENTS_QUEUE_URL", queue_url)
    _clear_caches()
    yield Bucket(s3_store.client, s3_store.bucket, sqs, queue_url)
    sqs.delete_queue(QueueUrl=queue_url)


def table() -> dict[str, tuple[str, str, int | None]]:
    settings = get_settings()
    with session_scope(settings.resolved_database_url) as session:
        return {r.key: (r.state, r.source, r.size) for r in session.scalars(
            select(Recording).where(Recording.store_url == settings.resolved_store_url))}


@pytest.mark.usefixtures("prefect_harness")
def test_watcher_notices_exactly_the_new_recordings_and_deletes_their_messages(
    bucket: Bucket,
) -> None:
    from flows.events import watch_events

    bucket.upload("incoming/2026/11/24/0930 A-17.wav", b"RIFF" * 100)
    bucket.upload("incoming/2026/11/24/0930 A-17.wav.json", b'{"agent_id": "A-17"}')
    bucket.upload("incoming/2026/11/24/notes.txt")  # not a recording
    bucket.upload("archive/2025/old.wav")  # the same bucket, outside the store's prefix
    bucket.upload("incoming/2026/11/24/1000-A-3.ogg", b"OggS" * 10)

    result = watch_events(max_seconds=2, dispatch=False, wait_seconds=1)
    events = result["events"]
    assert events["noticed"] == ["2026/11/24/0930 A-17.wav", "2026/11/24/1000-A-3.ogg"]
    assert events["events"] == 5 and events["deleted"] == events["messages"] >= 5
    assert table() == {"2026/11/24/0930 A-17.wav": ("pending", "event", 400),
                       "2026/11/24/1000-A-3.ogg": ("pending", "event", 40)}
    assert bucket.waiting() == 0

    bucket.upload("incoming/2026/11/24/0930 A-17.wav", b"RIFF" * 100)  # written again
    again = watch_events(max_seconds=2, dispatch=False, wait_seconds=1)["events"]
    assert again["events"] == 1 and again["noticed"] == [] and again["deleted"] == 1
    assert len(table()) == 2 and bucket.waiting() == 0


@pytest.mark.usefixtures("prefect_harness")
def test_a_message_whose_notice_fails_stays_on_the_queue(
    bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.events import watch_events
    from pipeline.db import recordings

    bucket.upload("incoming/2026/11/25/0800.wav")
    real_notice = recordings.notice

    def database_down(*args: Any, **kwargs: Any) -> list[str]:
        raise RuntimeError("database is down")

    monkeypatch.setattr(recordings, "notice", database_down)
    state = watch_events(max_seconds=2, dispatch=False, wait_seconds=1, return_state=True)
    assert state.is_failed()
    assert bucket.waiting() >= 1  # not deleted: it will be delivered again
    assert table() == {}

    monkeypatch.setattr(recordings, "notice", real_notice)
    result = watch_events(max_seconds=2, dispatch=False, wait_seconds=1)
    assert result["events"]["noticed"] == ["2026/11/25/0800.wav"]
    assert bucket.waiting() == 0


def register_deployments(*names: str) -> dict[str, uuid.UUID]:
    """Bare deployments (``flow/deployment``) on the test harness's API; their ids."""
    from prefect.client.orchestration import get_client

    ids = {}
    with get_client(sync_client=True) as client:
        for name in names:
            flow_name, deployment_name = name.split("/")
            flow_id = client.create_flow_from_name(flow_name)
            ids[name] = client.create_deployment(flow_id=flow_id, name=deployment_name)
    return ids


@pytest.mark.usefixtures("prefect_harness")
def test_deployment_dispatch_submits_runs_only_when_none_is_waiting(
    bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client

    from flows.dispatch import DEPLOYMENT
    from flows.events import watch_events

    monkeypatch.setenv("CALLQA_DISPATCH", "deployment")
    monkeypatch.setenv("CALLQA_DISPATCH_RUNS", "2")
    _clear_caches()
    register_deployments(DEPLOYMENT)
    for key in ("0900.wav", "0905.wav", "0910.wav"):
        bucket.upload(f"incoming/2026/11/26/{key}")

    first = watch_events(max_seconds=2, wait_seconds=1)
    assert len(first["events"]["noticed"]) == 3
    assert first["dispatch"]["due"] == 3 and len(first["dispatch"]["runs"]) == 2
    settings = get_settings()
    with session_scope(settings.resolved_database_url) as session:
        stamped = session.scalars(select(Recording.queued_at)).all()
    assert len(stamped) == 3 and all(stamped)

    # No worker picked them up: the next watcher run (and sweep) submits nothing more.
    bucket.upload("incoming/2026/11/26/0915.wav")
    second = watch_events(max_seconds=2, wait_seconds=1)
    assert second["dispatch"]["due"] == 4
    assert second["dispatch"]["runs"] == [] and second["dispatch"]["waiting_runs"] == 2
    with get_client(sync_client=True) as client:
        for run_id in first["dispatch"]["runs"]:
            state = client.read_flow_run(uuid.UUID(run_id)).state
            assert state is not None and state.is_scheduled()
            client.delete_flow_run(uuid.UUID(run_id))


def minio_webhook_body(*keys: str) -> dict[str, Any]:
    records = [{"eventVersion": "2.0", "eventSource": "minio:s3", "awsRegion": "",
                "eventName": "s3:ObjectCreated:Put",
                "s3": {"s3SchemaVersion": "1.0", "configurationId": "Config",
                       "bucket": {"name": "calls", "arn": "arn:aws:s3:::calls"},
                       "object": {"key": key, "size": 2048, "eTag": "d41d8cd98f00b204",
                                  "contentType": "audio/wav", "sequencer": "17E2"}}}
               for key in keys]
    return {"EventName": "s3:ObjectCreated:Put", "Key": f"calls/{keys[0]}", "Records": records}


def test_minio_webhook_needs_the_shared_token_and_notices_the_keys(
    callqa_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from api.app import create_app
    from pipeline.settings import Settings

    url = "/api/v1/events/s3"
    body = minio_webhook_body("incoming/2026/11/24/Ay%C5%9Fe+0930.wav",
                              "incoming/2026/11/24/Ay%C5%9Fe+0930.wav.json")
    base = Settings(home=callqa_home, store_url="s3://calls/incoming")
    with TestClient(create_app(base)) as client:
        off = client.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert off.status_code == 503 and "CALLQA_EVENTS_TOKEN" in off.json()["error"]["message"]

    caplog.set_level(logging.DEBUG)
    settings = base.model_copy(update={"events_token": SecretStr(TOKEN)})
    with TestClient(create_app(settings)) as client:
        missing = client.post(url, json=body)
        wrong = client.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}x"})
        assert (missing.status_code, wrong.status_code) == (401, 401)
        assert wrong.json()["error"]["message"] == "wrong webhook token"
        ok = client.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 202, ok.text
        assert ok.json() == {"events": 2, "in_store": 2, "noticed": ["2026/11/24/Ayşe 0930.wav"]}
        dup = client.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert dup.status_code == 202 and dup.json()["noticed"] == []
        test_event = client.post(url, headers={"Authorization": f"Bearer {TOKEN}"},
                                 json={"Event": "s3:TestEvent", "Bucket": "calls"})
        assert test_event.status_code == 202 and test_event.json()["events"] == 0
        junk = client.post(url, json={"hello": 1}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert junk.status_code == 400 and "not an S3 event" in junk.json()["error"]["message"]
    with session_scope(settings.resolved_database_url) as session:
        rows = session.scalars(select(Recording)).all()
        assert [(r.key, r.state, r.source, r.size) for r in rows] == [
            ("2026/11/24/Ayşe 0930.wav", "pending", "event", 2048)]
    assert TOKEN not in caplog.text and TOKEN not in json.dumps(ok.json())


@pytest.mark.usefixtures("prefect_harness")
def test_gpu_runs_are_submitted_first_then_cpu_runs_for_the_rest(
    bucket: Bucket, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client

    from flows.dispatch import DEPLOYMENT, GPU_DEPLOYMENT
    from flows.events import watch_events

    monkeypatch.setenv("CALLQA_DISPATCH", "deployment")
    monkeypatch.setenv("CALLQA_DISPATCH_RUNS", "2")
    monkeypatch.setenv("CALLQA_DISPATCH_GPU_RUNS", "1")
    _clear_caches()
    ids = register_deployments(DEPLOYMENT, GPU_DEPLOYMENT)
    for key in ("1000.wav", "1005.wav"):
        bucket.upload(f"incoming/2026/11/27/{key}")

    result = watch_events(max_seconds=2, wait_seconds=1)
    runs = result["dispatch"]["runs"]
    assert result["dispatch"]["due"] == 2 and len(runs) == 2
    with get_client(sync_client=True) as client:
        deployments = [client.read_flow_run(uuid.UUID(r)).deployment_id for r in runs]
        assert deployments == [ids[GPU_DEPLOYMENT], ids[DEPLOYMENT]]  # gpu first, then cpu
        for r in runs:
            client.delete_flow_run(uuid.UUID(r))
