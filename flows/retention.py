"""The ``retention`` flow: erase calls past their queue's retention period (daily).

Policies are per queue (``callqa retention set billing 365``; ``"*"`` for every other
queue; ``CALLQA_RETENTION_DAYS`` when there is no ``"*"`` row; nothing set keeps calls
forever): see :mod:`pipeline.db.retention`. Each expired call is erased by
:func:`pipeline.db.erasure.erase_call` with the actor ``"retention"``: its rows and the
audit entry in one transaction, then its recording object. Recording objects an earlier
erasure could not delete (the store was down) are deleted first.

``dry_run=True`` lists what would be erased and erases nothing. One call that cannot be
erased is reported and never stops the batch; it is found again by the next run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.db.erasure import erase_call, retry_pending_deletions, store_opener
from pipeline.db.retention import ExpiredCall, expired_calls
from pipeline.db.session import ensure_schema, session_scope
from pipeline.settings import get_settings

ACTOR = "retention"
BATCH = 100  # calls per task run: a task costs ~0.1 s of orchestration, an erasure ~0.02 s


@dataclass
class RetentionReport:
    dry_run: bool
    found: int = 0  # expired calls (at most ``limit``)
    erased: int = 0
    failed: int = 0  # could not be erased this time; still there, found again next run
    objects_pending: int = 0  # erased, but the store object is not deleted yet
    objects_retried: int = 0  # objects of earlier erasures deleted by this run
    by_policy: dict[str, int] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)  # the expired calls
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@task(name="retry-store-deletions", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def retry_store_deletions() -> tuple[int, int]:
    """Delete recording objects earlier erasures left behind: (deleted, still pending)."""
    settings = get_settings()
    with session_scope(settings.resolved_database_url) as session:
        return retry_pending_deletions(session, store_opener(settings))


@task(name="find-expired-calls", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def find_expired(limit: int) -> list[ExpiredCall]:
    settings = get_settings()
    with session_scope(settings.resolved_database_url) as session:
        return expired_calls(session, datetime.now(UTC), limit,
                             fallback_days=settings.retention_days)


@task(name="erase-expired-batch", cache_policy=NO_CACHE)
def erase_batch(batch: list[ExpiredCall]) -> list[tuple[str, int, str | None]]:
    """Erase each call in its own transaction: (call id, objects pending, error)."""
    settings = get_settings()
    opener = store_opener(settings)
    outcomes: list[tuple[str, int, str | None]] = []
    for expired in batch:
        try:
            with session_scope(settings.resolved_database_url) as session:
                report = erase_call(session, opener, expired.call_id, actor=ACTOR,
                                    reason=expired.reason)
        except Exception as exc:  # one call never stops the batch
            outcomes.append((expired.call_id, 0, f"call {expired.call_id}: "
                             f"{type(exc).__name__}: {exc}"))
            continue
        outcomes.append((expired.call_id, len(report.objects_pending), report.store_error))
    return outcomes


@flow(name="retention", log_prints=True)
def expire_calls(dry_run: bool = False, limit: int = 1000) -> RetentionReport:
    """Erase up to ``limit`` calls past their retention period (``dry_run``: only list them)."""
    settings = get_settings()
    ensure_schema(settings.resolved_database_url)
    logger = get_run_logger()
    report = RetentionReport(dry_run=dry_run)
    if not dry_run:
        report.objects_retried, still = retry_store_deletions()
        if report.objects_retried or still:
            logger.info("retention: %d recording object(s) of earlier erasures deleted, "
                        "%d still pending", report.objects_retried, still)
    expired = find_expired(limit)
    report.found = len(expired)
    report.by_policy = dict(Counter(e.policy for e in expired))
    report.calls = [{"call_id": e.call_id, "queue": e.queue, "since": e.age_from.isoformat(),
                     "days": e.days, "policy": e.policy} for e in expired]
    logger.info("retention: %d call(s) past their retention period %s%s", report.found,
                report.by_policy, " (dry run: nothing erased)" if dry_run else "")
    if dry_run:
        return report
    for start in range(0, len(expired), BATCH):
        for call_id, pending, error in erase_batch(expired[start:start + BATCH]):
            if error and not pending:
                report.failed += 1
                report.errors.append(error)
                continue
            report.erased += 1
            report.objects_pending += pending
            if error:
                report.errors.append(f"call {call_id}: recording not deleted yet: {error}")
    logger.info("retention: %d erased, %d failed, %d recording object(s) pending",
                report.erased, report.failed, report.objects_pending)
    for error in report.errors:
        logger.warning("retention: %s", error)
    return report
