"""The ``ingest`` flow: every new recording in the store; one failure never stops the batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.process import Outcome, process_recording
from pipeline.db import repository
from pipeline.db.models import CallStatus
from pipeline.db.session import ensure_schema, session_scope
from pipeline.errors import CallqaError
from pipeline.process import ProgressHook
from pipeline.settings import get_settings
from pipeline.store import open_store


@dataclass(frozen=True)
class IngestPlan:
    found: int
    new: list[str]
    skipped: int  # already processed


@dataclass
class IngestReport:
    store_url: str
    found: int = 0
    new: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "outcomes"}
        data["outcomes"] = [o.to_dict() for o in self.outcomes]
        return data


@task(name="plan-ingest", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def plan_ingest(store_url: str, retry_failed: bool = True, limit: int | None = None) -> IngestPlan:
    """Keys in the store that are not processed yet (failed ones again, by default)."""
    settings = get_settings()
    store = open_store(settings.model_copy(update={"store_url": store_url}))
    keys = [info.key for info in store.list_recordings()]
    with session_scope(settings.resolved_database_url) as session:
        known = repository.known_keys(session, store_url)
    skip = {CallStatus.DONE} if retry_failed else {CallStatus.DONE, CallStatus.FAILED}
    new = [k for k in keys if known.get(k) not in skip]
    if limit is not None:
        new = new[:limit]
    unprocessed = sum(1 for k in keys if known.get(k) not in skip)
    return IngestPlan(found=len(keys), new=new, skipped=len(keys) - unprocessed)


@flow(name="ingest", log_prints=True)
def ingest(
    store_url: str | None = None,
    retry_failed: bool = True,
    limit: int | None = None,
    hook: ProgressHook | None = None,
) -> IngestReport:
    """Process every recording in the store that has no finished call yet."""
    settings = get_settings()
    store_url = store_url or settings.resolved_store_url
    ensure_schema(settings.resolved_database_url)
    logger = get_run_logger()
    plan = plan_ingest(store_url, retry_failed, limit)
    report = IngestReport(store_url, found=plan.found, new=len(plan.new), skipped=plan.skipped)
    logger.info("%s: %d recordings, %d new, %d already processed",
                store_url, plan.found, len(plan.new), plan.skipped)
    if hook:
        hook("ingest", completed=0, total=len(plan.new))
    for i, key in enumerate(plan.new, 1):
        state = process_recording(key, store_url, return_state=True)
        outcome = _outcome(key, state)
        report.outcomes.append(outcome)
        if outcome.status == "done":
            report.done += 1
        elif outcome.status == "skipped":  # same content under another key
            report.skipped += 1
        else:
            report.failed += 1
        if hook:
            hook("ingest", completed=i, total=len(plan.new), key=key, outcome=outcome)
    logger.info("ingest: %d done, %d failed, %d skipped",
                report.done, report.failed, report.skipped)
    return report


def _outcome(key: str, state: Any) -> Outcome:
    try:
        result = state.result()
    except CallqaError as exc:
        return Outcome(key, "failed", exc.call_id, str(exc))
    except Exception as exc:
        return Outcome(key, "failed", None, f"recording {key!r}: {type(exc).__name__}: {exc}")
    if isinstance(result, Outcome):
        return result
    return Outcome(key, "failed", None, f"recording {key!r}: unexpected result {result!r}")
