"""The ``process-queue`` flow: a worker drains due recordings with warm models.

A ``process-queue`` run loops: claim the next due recording (atomically, see
:mod:`pipeline.db.claims`), process it, complete it, repeat, until nothing is due, its
budget (``max_calls``, ``max_minutes``) is spent or its run is cancelled (checked between
calls). N workers on the pool = N concurrent drains; extra runs find nothing due and end
at once, so the sweep and the event watcher may submit runs freely.

The faster-whisper model and the scoring models are cached per process. Under callqa's
own worker (:mod:`flows.worker`) that process is the worker, so they load on its first
call and stay warm across every run after it; under Prefect's process worker (a new
process per run, 5-7 s to start) they load once per run.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Cancelled, State

from flows.process import Outcome, process_claimed
from pipeline.db import claims
from pipeline.db.session import ensure_schema, session_scope
from pipeline.errors import CallqaError, ConfigError, DatabaseUnavailable, StoreUnavailable
from pipeline.settings import get_settings
from pipeline.transcribe import models_loaded


@dataclass
class DrainReport:
    """What one ``process-queue`` run did."""

    worker: str
    claimed: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0  # the same content was already processed under another key
    lost: int = 0  # the lease was taken over by another worker; the work was abandoned
    deferred: int = 0  # the store or database was away: looked at later, no attempt spent
    stopped: str = ""  # "nothing due", "max_calls", "max_minutes", "cancelled",
    #                    "store unavailable", "database unavailable" (the next
    #                    dispatch starts another run)
    models_loaded: int = 0  # ASR models this run loaded (0: the worker's were warm)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@flow(name="process-queue", log_prints=True)
def process_queue(
    store_url: str | None = None,
    max_calls: int | None = None,
    max_minutes: float | None = None,
) -> DrainReport | State:
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
    started, loaded_before = time.monotonic(), models_loaded()
    while True:
        if max_calls is not None and report.claimed >= max_calls:
            report.stopped = "max_calls"
            break
        if max_minutes is not None and time.monotonic() - started >= max_minutes * 60:
            report.stopped = "max_minutes"
            break
        if report.claimed and _cancel_requested():
            report.stopped = "cancelled"
            break
        with session_scope(db_url) as session:
            claim = claims.claim_next(session, report.worker, settings.claim_lease_seconds,
                                      store_url, settings.claim_max_attempts)
        if claim is None:
            report.stopped = "nothing due"
            break
        report.claimed += 1
        if stop := _count(report, claim, logger):
            report.stopped = stop
            break
    report.seconds = round(time.monotonic() - started, 3)
    report.models_loaded = models_loaded() - loaded_before
    logger.info("process-queue %s: %d claimed, %d done, %d failed, %d skipped, %d lost, "
                "%d deferred in %.1f s (%s; ASR models %s)", report.worker, report.claimed,
                report.done, report.failed, report.skipped, report.lost, report.deferred,
                report.seconds, report.stopped,
                f"loaded: {report.models_loaded}" if report.models_loaded else "warm")
    if report.stopped == "cancelled":
        return Cancelled(message=f"cancelled after {report.claimed} call(s)", data=report)
    return report


def _cancel_requested() -> bool:
    """Whether this flow run has been asked to cancel, checked between calls.

    callqa's worker runs flows inside its own process, where Prefect cannot kill a run;
    the drain stops at the next call instead and ends the run as Cancelled.
    """
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    if not run_id:
        return False
    try:
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(UUID(run_id)).state
    except Exception:  # the API is away: go on; the next check may reach it
        return False
    return state is not None and (state.is_cancelling() or state.is_cancelled())


def _count(report: DrainReport, claim: claims.Claim, logger: Any) -> str | None:
    """Process one claimed recording; whatever happens is counted, never raised (a failed
    call is already stored and its claim released by :func:`process_claimed`). Why the
    drain must stop when the store or the database is away (the next recordings would
    wait on it too), else None."""
    where = f"{claim.key} (attempt {claim.attempts})"
    try:
        outcome: Outcome = process_claimed(claim)
    except claims.LeaseLost as exc:
        report.lost += 1
        logger.warning("%s: abandoned: %s", where, exc)
        return None
    except StoreUnavailable as exc:
        report.deferred += 1
        logger.error("%s: deferred, the store is unavailable: %s", where, exc)
        return "store unavailable"
    except DatabaseUnavailable as exc:  # no attempt spent; the next claims would fail too
        report.deferred += 1
        logger.error("%s: deferred, the database failed under the work: %s", where, exc)
        return "database unavailable"
    except CallqaError as exc:
        report.failed += 1
        logger.error("%s: failed: %s", where, exc)
        return None
    except Exception as exc:
        report.failed += 1
        logger.error("%s: failed: %s: %s", where, type(exc).__name__, exc)
        return None
    if outcome.status == "done":
        report.done += 1
        logger.info("%s: done as call %s in %.1f s", where, outcome.call_id, outcome.seconds)
    else:
        report.skipped += 1
        logger.info("%s: skipped: %s", where, outcome.reason)
    return None
