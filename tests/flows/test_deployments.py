"""prefect.yaml names flows that exist, on the work pool the docs tell users to create."""

from __future__ import annotations

import importlib

import yaml
from prefect import Flow

from tests.conftest import ROOT


def test_every_deployment_entrypoint_is_a_flow() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    names = set()
    for deployment in config["deployments"]:
        path, func = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        flow = getattr(module, func)
        assert isinstance(flow, Flow), deployment["name"]
        assert flow.name == deployment["name"]
        assert deployment["work_pool"]["name"] == "callqa"
        names.add(deployment["name"])
    assert names == {"process-recording", "ingest", "rescore"}
    ingest = next(d for d in config["deployments"] if d["name"] == "ingest")
    assert ingest["schedules"][0]["interval"] == 300
