"""deploy/setup.sh against a real Prefect server: the configuration is checked, the
database migrated, the work pool and its queues created with their limits, and every
deployment of prefect.yaml registered on its queue with its schedules, and the automation
that marks a dead worker's runs Crashed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchmarks.cluster import LocalCluster
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_setup_registers_pool_queues_and_every_deployment(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deploy import CRASH_AUTOMATION, load_deployments

    with LocalCluster(tmp_path / "cluster", workers=0, pool="callqa") as cluster:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLQA_", "PREFECT_"))}
        env |= {"PREFECT_API_URL": cluster.api_url, "PREFECT_HOME": str(tmp_path / "ph"),
                "CALLQA_HOME": str(tmp_path / "home"), "CALLQA_WORKERS": "3"}
        for _ in range(2):  # safe to run again
            done = subprocess.run(["sh", "deploy/setup.sh"], cwd=ROOT, env=env, timeout=300,
                                  capture_output=True, text=True, stdin=subprocess.DEVNULL)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert (tmp_path / "home" / "callqa.db").exists()  # migrated

        with temporary_settings(updates={PREFECT_API_URL: cluster.api_url}), \
                get_client(sync_client=True) as client:
            assert client.read_work_pool("callqa").type == "callqa"
            limits = {q: client.read_work_queue_by_name(q, work_pool_name="callqa")
                      .concurrency_limit for q in ("default", "cpu", "gpu")}
            assert limits == {"default": 4, "cpu": 3, "gpu": 1}
            specs = load_deployments()
            for spec in specs:
                flow = {"gpu": "process-queue"}.get(spec["name"], spec["name"])
                d = client.read_deployment_by_name(f"{flow}/{spec['name']}")
                assert d.work_queue_name == spec["work_pool"]["work_queue_name"]
                assert d.entrypoint == spec["entrypoint"].replace(":", ".")  # module path
                active = [s.active for s in d.schedules]
                assert active == [s.get("active", True) for s in spec.get("schedules") or ()]
            gpu = client.read_deployment_by_name("process-queue/gpu")
            assert gpu.job_variables["env"]["CALLQA_ASR_DEVICE"] == "cuda"
            # One crash-detection automation, however often setup runs.
            (crash,) = client.read_automations_by_name(CRASH_AUTOMATION)
            assert crash.enabled and crash.trigger.within.total_seconds() == 90


def test_setup_stops_before_touching_anything_when_configuration_is_missing(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLQA_", "PREFECT_"))}
    env |= {"CALLQA_ENVIRONMENT": "production", "CALLQA_HOME": str(tmp_path / "home"),
            "CALLQA_DATABASE_URL": "postgresql+psycopg://callqa@127.0.0.1:1/none",
            "CALLQA_STORE_URL": "s3://recordings/"}
    done = subprocess.run(["sh", "deploy/setup.sh"], cwd=ROOT, env=env, timeout=120,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "CALLQA_S3_ENDPOINT" in done.stderr and "PREFECT_API_URL" in done.stderr
