"""A Prefect cluster on one machine: a real server, a work pool, N real workers.

What production runs on many machines (``prefect server start``, ``prefect worker start
--pool callqa --type callqa`` on each), started as subprocesses of this one, so tests and
benchmarks can submit flow runs to it, kill a worker mid-call, and measure throughput
with 1 or N workers::

    with LocalCluster(workdir, env={"CALLQA_DATABASE_URL": url}, workers=3) as cluster:
        cluster.deploy("flows.drain:process_queue", "process-queue")
        runs = cluster.submit("process-queue/process-queue", count=4)
        states = cluster.wait(runs, timeout=120)

Workers are callqa's own type by default (flow runs inside the worker, models warm:
:mod:`flows.worker`); ``worker_type="process"`` starts Prefect's process workers instead
(a new process per flow run). Each worker and each flow run it starts get their own
process group, so a worker can be
killed with everything it started (:meth:`LocalCluster.kill_worker`), as when a machine
dies. Logs of the server and of each worker (flow runs' output included) are files in
``workdir``. Linux only (process trees are read from ``/proc``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TERMINAL = frozenset({"COMPLETED", "FAILED", "CRASHED", "CANCELLED"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren...), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class LocalCluster:
    """``prefect server start`` + a work pool + ``workers`` x ``prefect worker start``.

    ``env`` is added to every worker's environment (and so to every flow run's): the
    callqa settings the flows need. ``limit`` is how many flow runs one worker runs at once
    (1: one drain per worker process, the production advice on a small machine).
    """

    def __init__(
        self,
        workdir: Path,
        env: Mapping[str, str] | None = None,
        workers: int = 2,
        pool: str = "callqa-local",
        limit: int = 1,
        poll_seconds: float = 2.0,
        startup_timeout: float = 120.0,
        worker_type: str = "callqa",
        crash_after: int | None = None,
        auth: str | None = None,
    ) -> None:
        self.workdir = Path(workdir)
        self.auth = auth  # "user:password": the server asks for it, the workers send it
        self.env = dict(env or {})
        self.n_workers = workers
        self.pool = pool
        self.limit = limit
        self.poll_seconds = poll_seconds
        self.startup_timeout = startup_timeout
        self.worker_type = worker_type
        self.crash_after = crash_after  # seconds; None: no crash-detection automation
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.server: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes] | None] = []
        self._logs: list[Any] = []

    # Life cycle --------------------------------------------------------------------------

    def __enter__(self) -> LocalCluster:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLQA_")}
        env.update({
            "PREFECT_HOME": str(self.workdir / "prefect-home"),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
            "PREFECT_WORKER_QUERY_SECONDS": str(self.poll_seconds),
            "PREFECT_WORKER_HEARTBEAT_SECONDS": "10",
            "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",  # as callqa worker sets it
            "PREFECT_LOGGING_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        })
        if self.auth:
            env["PREFECT_API_AUTH_STRING"] = self.auth
        return env

    def _spawn(
        self, args: list[str], log_name: str, env: Mapping[str, str]
    ) -> subprocess.Popen[bytes]:
        log = open(self.workdir / log_name, "ab")  # noqa: SIM115 - closed in stop()
        self._logs.append(log)
        return subprocess.Popen(
            args, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as one, like a machine
        )

    def start(self) -> None:
        """Start the server, wait for its health check, create the pool, start the workers."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        prefect = [sys.executable, "-m", "prefect"]
        try:
            self.server = self._spawn(
                [*prefect, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
                "server.log", {**self._base_env(),
                               **({"PREFECT_SERVER_API_AUTH_STRING": self.auth} if self.auth
                                  else {})},
            )
            self._wait_healthy()
            self._create_pool()
            for i in range(self.n_workers):
                self.start_worker(i)
        except BaseException:
            self.stop()
            raise

    def start_worker(self, index: int | None = None) -> int:
        """Start one more ``prefect worker start`` on the pool; its index."""
        index = len(self.workers) if index is None else index
        env = {**self._base_env(), **self.env}
        proc = self._spawn(
            [sys.executable, "-m", "prefect", "worker", "start", "--pool", self.pool,
             "--type", self.worker_type, "--limit", str(self.limit),
             "--name", f"worker-{index}"],
            f"worker-{index}.log", env,
        )
        if index < len(self.workers):
            self.workers[index] = proc
        else:
            self.workers.append(proc)
        return index

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            assert self.server is not None
            if self.server.poll() is not None:
                raise RuntimeError(f"prefect server exited: see {self.workdir / 'server.log'}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"prefect server not healthy after {self.startup_timeout:.0f} s")

    def stop(self) -> None:
        """Stop the workers (and the flow runs they started), then the server."""
        procs = [p for p in self.workers if p is not None]
        if self.server is not None:
            procs.append(self.server)
        for proc in procs:
            self._signal_tree(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            self._signal_tree(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self.workers, self.server = [], None
        for log in self._logs:
            log.close()
        self._logs = []

    @staticmethod
    def _signal_tree(pid: int, sig: signal.Signals) -> None:
        """Signal the process group of ``pid`` and of everything below it."""
        groups = set()
        for p in [pid, *descendants(pid)]:
            try:
                groups.add(os.getpgid(p))
            except ProcessLookupError:
                continue
        for group in groups:
            try:
                os.killpg(group, sig)
            except (ProcessLookupError, PermissionError):
                continue

    # Workers -----------------------------------------------------------------------------

    def worker_of(self, pid: int) -> int | None:
        """The index of the worker that runs process ``pid`` (a flow run's), or None."""
        for i, proc in enumerate(self.workers):
            if proc is not None and proc.poll() is None and (
                pid == proc.pid or pid in descendants(proc.pid)
            ):
                return i
        return None

    def kill_worker(self, index: int) -> None:
        """SIGKILL a worker and every flow run it started, as when its machine dies."""
        proc = self.workers[index]
        if proc is None:
            return
        self._signal_tree(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        self.workers[index] = None

    # Deployments and runs ----------------------------------------------------------------

    def _settings(self) -> Any:
        from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

        updates: dict[Any, Any] = {PREFECT_API_URL: self.api_url}
        if self.auth:
            updates[PREFECT_API_AUTH_STRING] = self.auth
        return temporary_settings(updates=updates)

    @contextlib.contextmanager
    def _client(self) -> Iterator[Any]:
        """A sync Prefect client on this cluster's server."""
        from prefect.client.orchestration import get_client

        with self._settings(), get_client(sync_client=True) as client:
            yield client

    def _create_pool(self) -> None:
        from flows.deploy import ensure_crash_detection, ensure_pool

        with self._settings():
            # callqa deploy adds the queues and their limits
            ensure_pool(self.pool, [], self.worker_type)
            if self.crash_after is not None:
                ensure_crash_detection(self.crash_after)

    def deploy(
        self, entrypoint: str, name: str, parameters: Mapping[str, Any] | None = None,
        job_variables: Mapping[str, Any] | None = None,
    ) -> str:
        """Deploy a flow of this checkout (``package.module:flow``) to the pool; its id.

        The entrypoint is a module path, not ``flows/x.py:flow``, as in ``prefect.yaml``:
        the flows are imported from the installed package. The deployment is registered directly
        (``to_deployment().apply()``): Prefect 3.8.8's ``Flow.deploy`` first lists the pool's
        workers with ``limit=None``, which its own server answers with 422.
        """
        import importlib

        from prefect.deployments.runner import EntrypointType

        module, attr = entrypoint.split(":")
        flow: Any = getattr(importlib.import_module(module), attr)
        with self._settings():
            deployment = flow.to_deployment(
                name=name, work_pool_name=self.pool, parameters=dict(parameters or {}),
                job_variables=dict(job_variables or {}),
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
            return str(deployment.apply(work_pool_name=self.pool))

    def submit(
        self, deployment: str, count: int = 1, parameters: Mapping[str, Any] | None = None
    ) -> list[str]:
        """Create ``count`` flow runs of ``flow-name/deployment-name``; their ids."""
        with self._client() as client:
            found = client.read_deployment_by_name(deployment)
            return [
                str(client.create_flow_run_from_deployment(
                    found.id, parameters=dict(parameters or {})).id)
                for _ in range(count)
            ]

    def states(self, run_ids: Iterable[str]) -> dict[str, str]:
        """Each flow run's state type (``SCHEDULED``, ``RUNNING``, ``COMPLETED``...)."""
        from uuid import UUID

        with self._client() as client:
            result = {}
            for run_id in run_ids:
                run = client.read_flow_run(UUID(run_id))
                result[run_id] = run.state.type.value if run.state else "UNKNOWN"
            return result

    def wait(self, run_ids: Iterable[str], timeout: float = 300.0) -> dict[str, str]:
        """Wait until every run is in a terminal state (or the timeout); their states."""
        ids = list(run_ids)
        deadline = time.monotonic() + timeout
        while True:
            states = self.states(ids)
            if all(s in TERMINAL for s in states.values()) or time.monotonic() > deadline:
                return states
            time.sleep(1.0)

    def cancel(self, run_id: str) -> None:
        """Ask for a flow run to be cancelled, as ``prefect flow-run cancel`` does."""
        from uuid import UUID

        from prefect.states import Cancelling

        with self._client() as client:
            client.set_flow_run_state(UUID(run_id), Cancelling(), force=True)

    def run_logs(self, run_id: str) -> list[str]:
        """The messages a flow run logged to the Prefect API, oldest first."""
        from uuid import UUID

        from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

        with self._client() as client:
            logs = client.read_logs(  # limit and offset: 3.8.8 refuses their None default
                LogFilter(flow_run_id=LogFilterFlowRunId(any_=[UUID(run_id)])), limit=200, offset=0)
            return [log.message for log in logs]

    def log_tail(self, name: str, lines: int = 40) -> str:
        """The end of ``server.log`` or ``worker-N.log``, for a failing test's message."""
        path = self.workdir / name
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
