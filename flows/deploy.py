"""Register callqa's work pool, work queues and deployments on a Prefect server.

``prefect.yaml`` stays the one description of the deployments (``prefect deploy --all``
reads it too). This module applies the same file through Prefect's Python API because
Prefect 3.8.8's ``prefect deploy`` fails against its own server right after creating the
first deployment: it lists the pool's online workers with ``limit=None``, which the server
refuses with 422 (``/work_pools/{name}/workers/filter``). Nothing else differs: each
deployment is ``flow.to_deployment(...).apply()`` with the file's name, queue, parameters,
schedules, job variables and description, and a module-path entrypoint.

The queues get their concurrency limits here as well (``prefect work-queue create
--limit`` does the same by hand): at most that many flow runs of a queue run at once
across every worker of the pool.
"""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class QueueSpec:
    name: str
    limit: int | None  # flow runs at once across the pool (None: no limit)
    priority: int


def ensure_pool(pool: str, queues: list[QueueSpec], worker_type: str = "callqa") -> None:
    """Create the work pool and its queues, or bring their limits up to date.

    ``worker_type`` ``callqa`` (the default) is :class:`flows.worker.CallqaWorker`, whose
    flow runs keep the models warm; ``process`` is Prefect's own process worker, a new
    process per flow run (the benchmark compares the two).
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    from flows.worker import WORKER_TYPE, CallqaWorker

    with get_client(sync_client=True) as client:
        try:
            found = client.read_work_pool(pool)
        except ObjectNotFound:
            template = (CallqaWorker.get_default_base_job_template()
                        if worker_type == WORKER_TYPE else {})
            found = client.create_work_pool(WorkPoolCreate(
                name=pool, type=worker_type, base_job_template=template))
        if found.type != worker_type:
            raise ConfigError(
                f"work pool {pool!r} is of type {found.type!r}, not {worker_type!r}",
                hint=f"Delete it (prefect work-pool delete {pool}) and run callqa deploy "
                     "again, or use another pool name.")
        for q in queues:
            try:
                existing = client.read_work_queue_by_name(q.name, work_pool_name=pool)
            except ObjectNotFound:
                client.create_work_queue(q.name, work_pool_name=pool,
                                          concurrency_limit=q.limit, priority=q.priority)
            else:
                client.update_work_queue(existing.id, concurrency_limit=q.limit,
                                         priority=q.priority)


def load_deployments(path: Path = ROOT / "prefect.yaml") -> list[dict[str, Any]]:
    """The deployments of a prefect.yaml (YAML anchors resolved)."""
    try:
        config = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    deployments: list[dict[str, Any]] = config.get("deployments") or []
    return deployments


def register(deployments: list[dict[str, Any]], pool: str | None = None) -> dict[str, str]:
    """Apply each deployment to the server; ``{"flow/deployment": id}``."""
    from prefect.deployments.runner import EntrypointType

    ids = {}
    for spec in deployments:
        module_path, attr = spec["entrypoint"].split(":")
        if "/" in module_path or module_path.endswith(".py"):
            raise ConfigError(
                f"deployment {spec['name']!r}: entrypoint {spec['entrypoint']!r} is a file path",
                hint="Use a module path (flows.process:process_recording): a worker imports "
                     "the flows from the installed callqa package, not from a file.")
        flow: Any = getattr(importlib.import_module(module_path), attr)
        work_pool = spec.get("work_pool") or {}
        deployment = flow.to_deployment(
            name=spec["name"],
            description=spec.get("description"),
            parameters=spec.get("parameters") or {},
            schedules=[_schedule(s) for s in spec.get("schedules") or ()],
            work_pool_name=pool or work_pool.get("name"),
            work_queue_name=work_pool.get("work_queue_name"),
            job_variables=work_pool.get("job_variables") or {},
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        ids[f"{flow.name}/{spec['name']}"] = str(
            deployment.apply(work_pool_name=pool or work_pool.get("name")))
    return ids


def _schedule(spec: dict[str, Any]) -> Any:
    from prefect.schedules import Schedule

    interval = spec.get("interval")
    return Schedule(
        interval=timedelta(seconds=interval) if interval is not None else None,
        cron=spec.get("cron"),
        rrule=spec.get("rrule"),
        timezone=spec.get("timezone"),
        active=spec.get("active", True),
    )


CRASH_AUTOMATION = "callqa: crash flow runs whose heartbeats stopped"
HEARTBEAT_SECONDS = 30  # Prefect's floor for flow-run heartbeats


def ensure_crash_detection(within_seconds: int = 3 * HEARTBEAT_SECONDS) -> str:
    """An automation on the server that marks a flow run Crashed when its heartbeats stop.

    A worker that dies (machine lost, OOM kill) cannot report its runs' end; without this
    they stay *Running* in Prefect for ever, although the claims hand their recordings to
    other workers. callqa's workers send a heartbeat every ``HEARTBEAT_SECONDS``
    (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY``, set by ``callqa worker``); a run that sent one
    and then neither another nor a final state within ``within_seconds`` is set Crashed.
    Replaces an earlier version of itself; the automation's id.
    """
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    if within_seconds < HEARTBEAT_SECONDS + 10:
        raise ConfigError(f"crash detection needs at least {HEARTBEAT_SECONDS + 10} s, "
                          f"not {within_seconds} (heartbeats come every {HEARTBEAT_SECONDS} s)")
    automation = Automation(
        name=CRASH_AUTOMATION,
        description="Flow runs of a worker that died are marked Crashed (see flows/deploy.py).",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed",
                    "prefect.flow-run.Failed", "prefect.flow-run.Cancelled",
                    "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=within_seconds),
        ),
        actions=[ChangeFlowRunState(
            state=StateType.CRASHED, name="Crashed", force=False,
            message=f"no heartbeat for {within_seconds} s: its worker is gone; the "
                    "recording it held goes to another worker when its claim's lease ends")],
    )
    with contextlib.suppress(ValueError):  # ValueError: not there yet
        found: Any = Automation.read(name=CRASH_AUTOMATION)  # sync here: no event loop
        found.delete()
    created: Any = automation.create()
    return str(created.id)
