"""The ``process-queue`` flow: a worker drains due recordings with warm models.

Prefect's process worker starts a new Python process for every flow run (5-7 s here), so
a model loaded in one ``process-recording`` run is gone by the next. A ``process-queue``
run instead loops in one process: claim the next due recording (atomically, see
:mod:`pipeline.db.claims`), process it, complete it, repeat, until nothing is due or its
budget (``max_calls``, ``max_minutes``) is spent. The faster-whisper model and the scoring
models are cached per process, so they load once per run and stay warm for every call it
drains. N workers on the pool = N concurrent drains; extra runs find nothing due and end
at once, so the sweep and the event watcher may submit runs freely.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger

from flows.process import Outcome, process_claimed
from pipeline.db import claims
from pipeline.db.session import ensure_schema, session_scope
from pipeline.errors import CallqaError, ConfigError
from pipeline.settings import get_settings


@dataclass
class DrainReport:
    """What one ``process-queue`` run did."""

    worker: str
    claimed: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0  # the same content was already processed under another key
    lost: int = 0  # the lease was taken over by another worker; the work was abandoned
    stopped: str = ""  # "nothing due", "max_calls", "max_minutes"
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@flow(name="process-queue", log_prints=True)
def process_queue(
    store_url: str | None = None,
    max_calls: int | None = None,
    max_minutes: float | None = None,
) -> DrainReport:
    """Process due recordings one after another until none is due or the budget is spent.

    ``store_url``: only this store's recordings (None: every store's). ``max_calls`` and
    ``max_minutes`` bound the run (None: no bound); a call started before the time runs
    out is finished.
    """
    if max_calls is not None and max_calls < 1:
        raise ConfigError(f"max_calls must be at least 1, not {max_calls}")
    if max_minutes is not None and max_minutes <= 0:
        raise ConfigError(f"max_minutes must be positive, not {max_minutes}")
    settings = get_settings()
    db_url = settings.resolved_database_url
    ensure_schema(db_url)
    logger = get_run_logger()
    report = DrainReport(worker=claims.worker_identity())
    started = time.monotonic()
    while True:
        if max_calls is not None and report.claimed >= max_calls:
            report.stopped = "max_calls"
            break
        if max_minutes is not None and time.monotonic() - started >= max_minutes * 60:
            report.stopped = "max_minutes"
            break
        with session_scope(db_url) as session:
            claim = claims.claim_next(session, report.worker, settings.claim_lease_seconds,
                                      store_url, settings.claim_max_attempts)
        if claim is None:
            report.stopped = "nothing due"
            break
        report.claimed += 1
        _count(report, claim, logger)
    report.seconds = round(time.monotonic() - started, 3)
    logger.info("process-queue %s: %d claimed, %d done, %d failed, %d skipped, %d lost "
                "in %.1f s (%s)", report.worker, report.claimed, report.done, report.failed,
                report.skipped, report.lost, report.seconds, report.stopped)
    return report


def _count(report: DrainReport, claim: claims.Claim, logger: Any) -> None:
    """Process one claimed recording; whatever happens is counted, never raised (a failed
    call is already stored and its claim released by :func:`process_claimed`)."""
    where = f"{claim.key} (attempt {claim.attempts})"
    try:
        outcome: Outcome = process_claimed(claim)
    except claims.LeaseLost as exc:
        report.lost += 1
        logger.warning("%s: abandoned: %s", where, exc)
        return
    except CallqaError as exc:
        report.failed += 1
        logger.error("%s: failed: %s", where, exc)
        return
    except Exception as exc:
        report.failed += 1
        logger.error("%s: failed: %s: %s", where, type(exc).__name__, exc)
        return
    if outcome.status == "done":
        report.done += 1
        logger.info("%s: done as call %s in %.1f s", where, outcome.call_id, outcome.seconds)
    else:
        report.skipped += 1
        logger.info("%s: skipped: %s", where, outcome.reason)
