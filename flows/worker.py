"""callqa's Prefect worker type: flow runs execute inside the worker, so models stay warm.

Prefect's process worker starts ``python -m prefect.engine`` in a new process for every
flow run: 5-7 s of start-up, and every model the run loads is gone when it ends. This
worker (type ``callqa``) is an ordinary Prefect worker in every other respect: it polls
a work pool and its queues, honours the queues' and its own concurrency limits, proposes
each run's states through the Prefect API and sends its logs there. The difference is
where the run executes: in a thread of the worker's own process, through Prefect's flow
engine (:func:`prefect.flow_engine.run_flow`). The faster-whisper model, the VAD, the
diariser and the scoring models are cached per process, so they load on the worker's
first call and stay warm for every flow run after it.

What that costs, and what the pipeline already has for it:

- A crash in native code (or an OOM kill) takes the worker down with the runs it holds.
  Claims have leases (:mod:`pipeline.db.claims`): another worker takes the recording over
  when the lease runs out, and the service manager restarts the worker.
- A run cannot be killed from outside its thread. Cancelling a ``process-queue`` run stops
  it after the call in hand (the drain checks its run's state between calls).
- A deployment's job variables cannot change the process's environment, which every run
  shares. Their ``CALLQA_*`` variables are laid over the worker's settings for that run
  alone (:func:`pipeline.settings.settings_for`); the rest are ignored.

Start it with ``callqa worker`` (checks the configuration first), or with
``prefect worker start --type callqa`` (the ``prefect.collections`` entry point registers
it).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
import anyio.to_thread
from prefect.exceptions import InfrastructureNotAvailable
from prefect.workers.base import (
    BaseJobConfiguration,
    BaseVariables,
    BaseWorker,
    BaseWorkerResult,
)

from pipeline.settings import callqa_variables, settings_for

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun
    from prefect.flows import Flow

WORKER_TYPE = "callqa"


class CallqaJobConfiguration(BaseJobConfiguration):
    """A run's configuration: of it, only ``env``'s ``CALLQA_*`` variables take effect."""


class CallqaVariables(BaseVariables):
    """The job variables a deployment may set (``env`` is the one that matters)."""


class CallqaWorkerResult(BaseWorkerResult):
    """A finished flow run: status code 0 when it completed."""


def _execute(flow: Flow[..., Any], flow_run: FlowRun, env: dict[str, str | None],
             logger: logging.Logger | logging.LoggerAdapter[Any]) -> int:
    """Run the flow to a final state in this thread, under the run's settings."""
    from prefect.flow_engine import run_flow
    from prefect.states import State

    with settings_for(env):
        try:
            result = run_flow(flow, flow_run=flow_run, return_type="state",
                              error_logger=logger)  # type: ignore[arg-type]
            if asyncio.iscoroutine(result):  # an async flow: run it on this thread's loop
                result = asyncio.run(result)
        except Exception:  # run_flow has logged it and set the run's state
            return 1
    return 0 if isinstance(result, State) and result.is_completed() else 1


class CallqaWorker(BaseWorker[CallqaJobConfiguration, CallqaVariables, CallqaWorkerResult]):
    """A Prefect worker that runs each flow run in its own process, models kept warm."""

    type = WORKER_TYPE
    job_configuration = CallqaJobConfiguration
    job_configuration_variables = CallqaVariables
    _description = ("Run callqa's flow runs inside the worker process, so the speech and "
                    "scoring models load once per worker and stay warm.")
    _display_name = "callqa (warm models)"
    _documentation_url = "https://github.com/callqa/callqa#running-in-production"

    async def run(
        self,
        flow_run: FlowRun,
        configuration: CallqaJobConfiguration,
        task_status: anyio.abc.TaskStatus[int] | None = None,
    ) -> CallqaWorkerResult:
        from prefect.flows import load_flow_from_flow_run
        from prefect.utilities.asyncutils import run_coro_as_sync

        logger = self.get_flow_run_logger(flow_run)
        env = dict(configuration.env)  # settings_for takes the CALLQA_ settings from it
        if overrides := callqa_variables(env):
            logger.info("settings for this run: %s",
                        ", ".join(f"CALLQA_{name.upper()}" for name in sorted(overrides)))
        # Import the flow before reporting the run as started: an entrypoint that does not
        # import fails the submission, and the base worker marks the run crashed.
        # The code is callqa's, installed beside the worker: no storage or pull steps (a
        # pull step's chdir would move every run in this process).
        # Imported on a thread: the first import of the pipeline takes seconds, and the
        # worker's loop keeps polling and sending heartbeats meanwhile.
        flow = await anyio.to_thread.run_sync(functools.partial(
            run_coro_as_sync, load_flow_from_flow_run(flow_run, ignore_storage=True)))
        if task_status is not None:
            task_status.started(os.getpid())
        status = await anyio.to_thread.run_sync(
            functools.partial(_execute, flow, flow_run, env, logger))
        return CallqaWorkerResult(status_code=status, identifier=str(os.getpid()))

    async def kill_infrastructure(self, infrastructure_pid: str,
                                  configuration: CallqaJobConfiguration,
                                  grace_seconds: int = 30) -> None:
        raise InfrastructureNotAvailable(
            "the run executes inside the callqa worker's own process; cancel it and it "
            "stops after the call in hand")
