"""Hand noticed recordings to whoever processes them, by ``CALLQA_DISPATCH``:

- ``inline`` (the embedded default): process the store's due recordings here, one
  ``process-recording`` subflow each, with progress through the hook. ``callqa ingest``
  and ``callqa demo`` work this way on one machine with no worker.
- ``deployment`` (production): submit up to ``CALLQA_DISPATCH_RUNS`` runs of the
  ``process-queue`` deployment (workers drain due recordings with warm models) and return
  at once. Nothing is submitted while a run of it is still scheduled or pending, so a
  sweep every five minutes and a watcher every minute do not pile runs up.

Inline, each ``process-recording`` run claims its key (:mod:`pipeline.db.claims`), so an
inline run beside workers never processes a recording a worker holds, and the claim
records how it ended (done, failed, or pending again after a passing problem).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from prefect import get_run_logger
from prefect.exceptions import MissingContextError

from flows.process import Outcome, process_recording
from pipeline.db import claims, recordings
from pipeline.db.session import session_scope
from pipeline.errors import CallqaError, ConfigError
from pipeline.process import ProgressHook
from pipeline.settings import Settings, get_settings

DEPLOYMENT = "process-queue/process-queue"  # flow name / deployment name (flows/drain.py)
GPU_DEPLOYMENT = "process-queue/gpu"  # the same flow on the pool's gpu work queue


@dataclass
class DispatchReport:
    mode: str
    due: int = 0  # recordings waiting when dispatch began
    outcomes: list[Outcome] = field(default_factory=list)  # inline: what happened to each
    runs: list[str] = field(default_factory=list)  # deployment: flow run ids submitted
    waiting_runs: int = 0  # deployment: runs already scheduled or pending

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "outcomes"}
        data["outcomes"] = [o.to_dict() for o in self.outcomes]
        return data


def dispatch(
    store_url: str,
    *,
    limit: int | None = None,
    hook: ProgressHook | None = None,
    settings: Settings | None = None,
) -> DispatchReport:
    """Process (inline) or hand to workers (deployment) the store's due recordings."""
    settings = settings or get_settings()
    db_url = settings.resolved_database_url
    with session_scope(db_url) as session:
        due = claims.due_count(session, store_url)
    if settings.dispatch == "deployment":
        return submit_runs(store_url, due, settings)
    return process_inline(store_url, due, limit=limit, hook=hook, db_url=db_url)


def process_inline(
    store_url: str, due: int, *, limit: int | None, hook: ProgressHook | None, db_url: str
) -> DispatchReport:
    """One ``process-recording`` run per due key, in this process, in notice order."""
    report = DispatchReport("inline", due=due)
    with session_scope(db_url) as session:
        keys = recordings.due_keys(session, store_url, limit)
    if hook:
        hook("ingest", completed=0, total=len(keys))
    for i, key in enumerate(keys, 1):
        # process-recording claims the key itself: a worker holding it makes this a skip.
        outcome = outcome_of(key, process_recording(key, store_url, return_state=True))
        report.outcomes.append(outcome)
        if hook:
            hook("ingest", completed=i, total=len(keys), key=key, outcome=outcome)
    return report


def outcome_of(key: str, state: Any) -> Outcome:
    """The Outcome of a finished ``process-recording`` run, failed ones included."""
    try:
        result = state.result()
    except CallqaError as exc:
        return Outcome(key, "failed", exc.call_id, str(exc))
    except Exception as exc:
        return Outcome(key, "failed", None, f"recording {key!r}: {type(exc).__name__}: {exc}")
    if isinstance(result, Outcome):
        return result
    return Outcome(key, "failed", None, f"recording {key!r}: unexpected result {result!r}")


def _logger() -> Any:
    """The run's logger inside a flow, the module's outside (the API's webhook)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("callqa.dispatch")


def submit_runs(store_url: str, due: int, settings: Settings) -> DispatchReport:
    """Start ``process-queue`` runs for due recordings, unless some are already waiting.

    With ``CALLQA_DISPATCH_GPU_RUNS`` > 0 the GPU deployment (work queue ``gpu``) gets its
    runs first; the CPU deployment gets up to ``CALLQA_DISPATCH_RUNS`` for the rest.
    """
    report = DispatchReport("deployment", due=due)
    if due == 0:
        return report
    logger = _logger()
    left = due
    for name, runs in ((GPU_DEPLOYMENT, settings.dispatch_gpu_runs),
                       (DEPLOYMENT, settings.dispatch_runs)):
        if runs <= 0 or left <= 0:
            continue
        waiting = _waiting_runs(name, runs)
        report.waiting_runs += waiting
        if waiting:
            logger.info("%d due recording(s); %d %s run(s) already waiting: none submitted",
                        due, waiting, name)
            left -= waiting
            continue
        submitted = _submit(name, min(runs, left))
        report.runs.extend(submitted)
        left -= len(submitted)
        logger.info("%d due recording(s): submitted %d %s run(s)", due, len(submitted), name)
    if report.runs:
        with session_scope(settings.resolved_database_url) as session:
            recordings.mark_queued(session, store_url)
    return report


def _waiting_runs(name: str, limit: int) -> int:
    """How many runs of deployment ``name`` are scheduled or pending (at most ``limit``)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(name)
        except ObjectNotFound:
            raise ConfigError(
                f"CALLQA_DISPATCH=deployment but there is no deployment {name!r}",
                hint="Run deploy/setup.sh (or `prefect deploy --all`) from the repository "
                     "root, or unset CALLQA_DISPATCH to process in this run.",
            ) from None
        waiting = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType.SCHEDULED, StateType.PENDING]))),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,  # the sync client refuses None
            limit=limit,
        )
    return len(waiting)


def _submit(name: str, count: int) -> list[str]:
    from prefect.deployments import run_deployment

    ids = []
    for _ in range(count):
        run: Any = run_deployment(name, timeout=0, as_subflow=False)  # sync here
        ids.append(str(run.id))
    return ids
