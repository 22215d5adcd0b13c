"""Bucket notifications: S3 event JSON to object keys, and an SQS consumer that notices them.

A bucket publishes an event for every object written. AWS S3 (and moto in tests)
publishes to an SQS queue; MinIO cannot publish to SQS, so it posts the same JSON to
callqa's webhook (``POST /api/v1/events/s3``). Both shapes are parsed here:

    {"Records": [{"eventName": "ObjectCreated:Put",          # MinIO: "s3:ObjectCreated:Put"
                  "s3": {"bucket": {"name": "calls"},
                         "object": {"key": "2026/11/24/call+1.wav", "size": 1234,
                                    "eTag": "..."}}}]}

Keys in events are URL-encoded, spaces as ``+`` (``call+1.wav`` is ``call 1.wav``).
Only ``ObjectCreated:*`` events count; ``s3:TestEvent`` (sent when a notification is
configured) and removals are ignored. An SNS envelope (``{"Type": "Notification",
"Message": "<json>"}``, when a topic fans out to the queue) is unwrapped.

Delivery is at least once: :func:`consume` deletes a message only after the handler
(which notices the keys and commits) returned, so a crash in between redelivers the
message and noticing it again is harmless (a key is one row). A message that is not an S3
event at all can never be processed and is deleted with a warning; give the queue a
dead-letter queue in production for anything else that keeps failing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlparse

from pipeline.errors import CallqaError, StoreUnavailable
from pipeline.settings import Settings
from pipeline.store import ObjectInfo

log = logging.getLogger("callqa.events")

CREATED = "ObjectCreated:"


@dataclass(frozen=True)
class ObjectEvent:
    """One object written to a bucket."""

    bucket: str
    key: str  # the object's full key in the bucket, decoded
    size: int = 0
    etag: str | None = None
    name: str = "ObjectCreated:Put"


def parse_event(body: str | bytes | Mapping[str, Any]) -> list[ObjectEvent]:
    """The created objects an S3 / MinIO notification names (none for a test event).

    A malformed record (a size that is no whole number, say) is left out with a warning;
    the others still count. Raises :class:`~pipeline.errors.CallqaError` for a body that
    is not an S3 event.
    """
    events, problems = parse_records(body)
    for problem in problems:
        log.warning("bucket event record left out: %s", problem)
    return events


def parse_records(body: str | bytes | Mapping[str, Any]) -> tuple[list[ObjectEvent], list[str]]:
    """:func:`parse_event`'s events, and a sentence for each record left out as malformed.

    Raises :class:`~pipeline.errors.CallqaError` for a body that is not an S3 event.
    """
    data: Any = body
    if isinstance(body, str | bytes):
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CallqaError(
                f"not an S3 event notification: invalid JSON ({exc})",
                hint="Point the bucket notification (SQS queue or webhook) at callqa only.",
            ) from None
    if not isinstance(data, Mapping):
        raise CallqaError("not an S3 event notification: not a JSON object",
                          hint="Send the bucket's event JSON as it is.")
    if data.get("Type") == "Notification" and isinstance(data.get("Message"), str):
        return parse_records(data["Message"])  # through an SNS topic
    if data.get("Event") == "s3:TestEvent" or data.get("Event") == "TestEvent":
        return [], []
    records = data.get("Records")
    if not isinstance(records, list):
        raise CallqaError("not an S3 event notification: no Records",
                          hint="Send the bucket's event JSON as it is.")
    events, problems = [], []
    for number, record in enumerate(records, 1):
        try:
            event = _record(record)
        except _BadRecord as exc:
            problems.append(f"record {number}: {exc}")
            continue
        if event is not None:
            events.append(event)
    return events, problems


class _BadRecord(ValueError):
    """A created-object record whose fields are not what S3 sends."""


MAX_SIZE = 2**63 - 1  # the database's BIGINT


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _BadRecord(f"{field} is not a JSON object")
    return value


def _size(value: Any) -> int:
    """The object's size in bytes: a whole number 0 .. 2**63-1 (as a number or digits)."""
    if value is None or value == "":
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str) and value.strip().isdigit():
        size = int(value)
    else:
        raise _BadRecord(f"object size {str(value)[:40]!r} is not a whole number of bytes")
    if not 0 <= size <= MAX_SIZE:
        raise _BadRecord(f"object size {size} is out of range")
    return size


def _record(record: Any) -> ObjectEvent | None:
    if not isinstance(record, Mapping):
        return None
    name = str(record.get("eventName", "")).removeprefix("s3:")
    if not name.startswith(CREATED):
        return None
    s3 = _mapping(record.get("s3"), "s3")
    bucket = _mapping(s3.get("bucket"), "s3.bucket").get("name")
    obj = _mapping(s3.get("object"), "s3.object")
    raw_key = obj.get("key")
    if not bucket or not raw_key:
        return None
    etag = obj.get("eTag") or obj.get("etag")
    return ObjectEvent(
        bucket=str(bucket), key=unquote_plus(str(raw_key)), size=_size(obj.get("size")),
        etag=str(etag).strip('"') if etag else None, name=name,
    )


def store_objects(events: list[ObjectEvent], store_url: str) -> list[ObjectInfo]:
    """The events that fall in the store ``s3://bucket/prefix``, as store-relative keys.

    Events from other buckets or outside the prefix are dropped (a bucket may hold more
    than recordings); sidecars are dropped later by :func:`pipeline.db.recordings.notice`.
    """
    parsed = urlparse(store_url)
    if parsed.scheme != "s3":
        return []
    prefix = parsed.path.strip("/")
    prefix = prefix + "/" if prefix else ""
    found = []
    for event in events:
        if event.bucket == parsed.netloc and event.key.startswith(prefix):
            found.append(ObjectInfo(event.key[len(prefix):], event.size, event.etag))
    return found


# The SQS consumer ----------------------------------------------------------------------


@dataclass
class ConsumeReport:
    messages: int = 0  # received
    events: int = 0  # ObjectCreated events in them
    deleted: int = 0  # acknowledged after the handler committed
    ignored: int = 0  # not S3 events: deleted without handling


Handler = Callable[[list[ObjectEvent]], object]


def sqs_client(settings: Settings) -> Any:
    """A boto3 SQS client on the S3 endpoint's credentials and region (one moto server in
    tests; AWS when no endpoint is set)."""
    import boto3

    endpoint = settings.s3_endpoint
    if endpoint and "://" not in endpoint:
        endpoint = ("https://" if settings.s3_secure else "http://") + endpoint
    return boto3.client(
        "sqs",
        endpoint_url=endpoint or None,
        region_name=settings.s3_region or "us-east-1",
        aws_access_key_id=settings.s3_access_key,
        aws_secret_access_key=(
            settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
        ),
    )


def consume(
    client: Any,
    queue_url: str,
    handle: Handler,
    *,
    max_seconds: float,
    wait_seconds: int = 20,
    clock: Callable[[], float] = time.monotonic,
) -> ConsumeReport:
    """Long-poll the queue for ``max_seconds``, hand each batch's events to ``handle``, and
    delete the batch's messages once ``handle`` returned.

    If ``handle`` raises, the batch's messages are made visible again at once (for the
    next consumer) and the error propagates: nothing of that batch is deleted.
    """
    report = ConsumeReport()
    deadline = clock() + max_seconds
    while (left := deadline - clock()) > 0:
        wait = int(min(wait_seconds, left))
        response = _sqs(client.receive_message, queue_url, QueueUrl=queue_url,
                        MaxNumberOfMessages=10, WaitTimeSeconds=wait)
        messages = response.get("Messages") or []
        if not messages:
            if wait == 0:
                break
            continue
        report.messages += len(messages)
        events: list[ObjectEvent] = []
        for message in messages:
            try:
                events += parse_event(message.get("Body") or "")
            except CallqaError as exc:
                report.ignored += 1
                log.warning("queue message %s ignored: %s", message.get("MessageId"), exc)
        try:
            handle(events)
        except BaseException:
            _release(client, queue_url, messages)
            raise
        report.events += len(events)
        report.deleted += _delete(client, queue_url, messages)
    return report


def _sqs(call: Callable[..., Any], queue_url: str, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except Exception as exc:
        response = getattr(exc, "response", None)  # botocore's ClientError
        code = (response.get("Error") or {}).get("Code") if isinstance(response, dict) else None
        raise StoreUnavailable(
            f"cannot use the event queue {queue_url} ({code or type(exc).__name__})",
            hint="Check CALLQA_EVENTS_QUEUE_URL, CALLQA_S3_ENDPOINT and the credentials.",
        ) from exc


def _entries(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]


def _delete(client: Any, queue_url: str, messages: list[dict[str, Any]]) -> int:
    response = _sqs(client.delete_message_batch, queue_url, QueueUrl=queue_url,
                    Entries=_entries(messages))
    failed = response.get("Failed") or []
    for failure in failed:  # redelivered later: noticing twice is harmless
        log.warning("queue message not deleted: %s", failure.get("Message") or failure)
    return len(messages) - len(failed)


def _release(client: Any, queue_url: str, messages: list[dict[str, Any]]) -> None:
    entries = [dict(entry, VisibilityTimeout=0) for entry in _entries(messages)]  # type: ignore[arg-type]
    try:
        client.change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)
    except Exception as exc:  # they come back after the queue's visibility timeout anyway
        log.warning("could not release %d queue message(s): %s", len(messages), exc)
