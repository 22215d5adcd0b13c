"""The ``watch-events`` flow: drain the bucket's event queue for a while, notice the new
recordings, hand them on, and exit. A deployment runs it every minute, so a recording is
noticed within about a minute of its upload without any listing; the ``ingest`` sweep
catches whatever an event missed.

The queue is ``CALLQA_EVENTS_QUEUE_URL`` (SQS, or moto's in tests), reached with the
CALLQA_S3_* endpoint, credentials and region. MinIO cannot publish to SQS: point its
webhook target at ``POST /api/v1/events/s3`` instead (see ``api/routes/events.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import dispatch as dispatching
from pipeline.db import recordings
from pipeline.db.session import ensure_schema, session_scope
from pipeline.errors import ConfigError
from pipeline.events import ObjectEvent, consume, sqs_client, store_objects
from pipeline.settings import get_settings


@dataclass
class EventsReport:
    messages: int = 0
    events: int = 0
    deleted: int = 0
    ignored: int = 0
    noticed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@task(name="drain-event-queue", cache_policy=NO_CACHE)
def drain_event_queue(max_seconds: float, wait_seconds: int = 20) -> EventsReport:
    """Notice the keys of every ObjectCreated event in the queue; a message is deleted only
    after its keys are committed."""
    settings = get_settings()
    if not settings.events_queue_url:
        raise ConfigError(
            "no event queue is configured",
            hint="Set CALLQA_EVENTS_QUEUE_URL to the SQS queue the bucket publishes to; with "
                 "MinIO, use the webhook POST /api/v1/events/s3 and pause this deployment.",
        )
    store_url = settings.resolved_store_url
    db_url = settings.resolved_database_url
    report = EventsReport()

    def notice(events: list[ObjectEvent]) -> None:
        with session_scope(db_url) as session:
            report.noticed += recordings.notice(
                session, store_url, store_objects(events, store_url), source="event"
            )

    consumed = consume(sqs_client(settings), settings.events_queue_url, notice,
                       max_seconds=max_seconds, wait_seconds=wait_seconds)
    report.messages, report.events = consumed.messages, consumed.events
    report.deleted, report.ignored = consumed.deleted, consumed.ignored
    return report


@flow(name="watch-events", log_prints=True)
def watch_events(
    max_seconds: float = 50.0, dispatch: bool = True, wait_seconds: int = 20
) -> dict[str, Any]:
    """Drain the event queue for ``max_seconds``, then (``dispatch``) hand the due
    recordings on as CALLQA_DISPATCH says: recordings the webhook noticed too."""
    settings = get_settings()
    ensure_schema(settings.resolved_database_url)
    logger = get_run_logger()
    report = drain_event_queue(max_seconds, wait_seconds)
    logger.info("event queue: %d message(s), %d created object(s), %d new recording(s)",
                report.messages, report.events, len(report.noticed))
    handed: dispatching.DispatchReport | None = None
    if dispatch:
        handed = dispatching.dispatch(settings.resolved_store_url, settings=settings)
    return {"events": report.to_dict(), "dispatch": handed.to_dict() if handed else None}
