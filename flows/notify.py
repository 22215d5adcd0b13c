"""The ``notify`` flow: deliver the notification outbox (every minute).

Claims due deliveries one at a time with a lease, sends them (signed webhooks, e-mail)
and records the outcome: :func:`pipeline.notify.deliver_due`. Two runs at once, or many
workers, never send one delivery twice while its lease holds; a run killed mid-delivery
leaves it to be sent again, with the same delivery id, once the lease expires. A receiver
that is down only postpones its deliveries (backoff); after CALLQA_NOTIFY_MAX_ATTEMPTS
they are dead letters (``callqa notifications list --dead``).
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.db.session import ensure_schema, session_scope
from pipeline.notify import deliver_due
from pipeline.settings import get_settings


@task(name="deliver-notifications", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def deliver(limit: int, now: datetime | None = None) -> dict[str, int]:
    url = get_settings().resolved_database_url
    return deliver_due(lambda: session_scope(url), now, limit=limit).to_dict()


@flow(name="notify", log_prints=True)
def notify_outbox(limit: int = 500, now: datetime | None = None) -> dict[str, int]:
    """Send the due notifications, at most ``limit`` tries (the rest wait for the next run)."""
    ensure_schema(get_settings().resolved_database_url)
    report = deliver(limit, now)
    logger = get_run_logger()
    if report["dead"]:
        logger.warning("%d notification(s) given up: see `callqa notifications list --dead`",
                       report["dead"])
    logger.info("notifications: %(sent)d sent, %(retried)d to retry, %(dead)d dead", report)
    return report
