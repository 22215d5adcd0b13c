"""prefect.yaml names flows that exist, by module path, on the work pool and queues that
``callqa deploy`` creates (tests/flows/test_deploy_setup.py applies it to a real server)."""

from __future__ import annotations

import importlib

import yaml
from prefect import Flow

from tests.conftest import ROOT

FLOW_OF = {"gpu": "process-queue"}  # deployments named otherwise than their flow


def deployments() -> dict[str, dict]:  # type: ignore[type-arg]
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    return {d["name"]: d for d in config["deployments"]}


def test_every_deployment_entrypoint_is_a_flow_by_module_path() -> None:
    for name, deployment in deployments().items():
        module_path, func = deployment["entrypoint"].split(":")
        # Module paths only: a worker imports the flows from the installed package.
        assert "/" not in module_path and not module_path.endswith(".py"), name
        flow = getattr(importlib.import_module(module_path), func)
        assert isinstance(flow, Flow), name
        assert flow.name == FLOW_OF.get(name, name)
        assert deployment["work_pool"]["name"] == "callqa"
    assert set(deployments()) == {"process-recording", "process-queue", "gpu", "ingest",
                                  "watch-events", "rescore", "retention", "complaint-sla",
                                  "notify"}


def test_transcription_runs_on_cpu_and_gpu_queues_and_light_flows_on_default() -> None:
    queue = {n: d["work_pool"]["work_queue_name"] for n, d in deployments().items()}
    assert queue["process-queue"] == queue["process-recording"] == "cpu"
    assert queue["gpu"] == "gpu"
    assert {queue[n] for n in ("ingest", "watch-events", "rescore", "retention",
                               "complaint-sla", "notify")} == {"default"}
    gpu_env = deployments()["gpu"]["work_pool"]["job_variables"]["env"]
    assert gpu_env["CALLQA_ASR_DEVICE"] == "cuda" and int(gpu_env["CALLQA_ASR_BATCH_SIZE"]) > 0
    # every queue a deployment uses is one `callqa deploy` creates with a limit
    assert set(queue.values()) <= {"default", "cpu", "gpu"}


def test_schedules() -> None:
    d = deployments()
    assert d["ingest"]["schedules"][0]["interval"] == 300
    assert d["ingest"]["parameters"]["retry_failed"] is False
    assert d["retention"]["schedules"][0]["cron"] == "30 3 * * *"  # daily
    # the SQS watcher only where SQS is used (MinIO posts to the API's webhook)
    assert d["watch-events"]["schedules"][0]["active"] is False
    assert d["complaint-sla"]["schedules"][0]["interval"] == 900  # every 15 minutes
    assert d["notify"]["schedules"][0]["interval"] == 60  # the outbox, every minute
