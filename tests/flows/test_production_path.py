"""The README's production path without containers, in its order, on one machine, with the
real commands: a Prefect server, ``deploy/setup.sh``, ``callqa serve``, ``callqa user add``,
``callqa worker --queue cpu``; PostgreSQL, an S3 bucket (moto: MinIO's server cannot be
installed here) and the bucket's webhook event. A recording put in the bucket is announced
to the API, handed to the worker through Prefect, transcribed, scored and readable through
the API, with ``CALLQA_ENVIRONMENT=production`` throughout."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.cluster import LocalCluster, free_port
from tests.conftest import ROOT
from tests.flows.test_workers import poll_until, write_calls
from tests.pipeline.test_events import minio_body

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PASSWORD = "a long enough secret"


def callqa(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=300)


def wait_until(what: str, check: Callable[[], Any], timeout: float, logs: list[Path]) -> Any:
    return poll_until(what, check, timeout, lambda: "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs if p.exists()),
        every=1.0)


def test_a_recording_put_in_the_bucket_ends_scored_and_readable_through_the_api(
    postgres_url: str, moto_endpoint: str, tmp_path: Path,
) -> None:
    from minio import Minio

    bucket = f"calls-{secrets.token_hex(4)}"
    Minio(moto_endpoint, access_key="testing", secret_key="testing",
          secure=False).make_bucket(bucket)
    token = secrets.token_hex(24)
    prefect_auth = f"callqa:{secrets.token_hex(12)}"  # the Prefect server asks for it
    cluster = LocalCluster(tmp_path / "cluster", workers=0, pool="callqa", auth=prefect_auth)
    cluster.start()  # 2. the Prefect server
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLQA_", "PREFECT_"))}
    env |= {
        "CALLQA_ENVIRONMENT": "production", "CALLQA_HOME": str(tmp_path / "home"),
        "CALLQA_DATABASE_URL": postgres_url, "CALLQA_STORE_URL": f"s3://{bucket}/",
        "CALLQA_S3_ENDPOINT": f"http://{moto_endpoint}", "CALLQA_S3_ACCESS_KEY": "testing",
        "CALLQA_S3_SECRET_KEY": "testing-secret-key", "CALLQA_EVENTS_TOKEN": token,
        "CALLQA_DISPATCH": "deployment", "CALLQA_ASR_CPU_THREADS": "1",
        "PREFECT_API_URL": cluster.api_url, "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_AUTH_STRING": prefect_auth,
        "CALLQA_TRUSTED_PROXIES": "127.0.0.1",  # as if a TLS proxy ran on this host
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    logs = [tmp_path / "api.log", tmp_path / "worker.log"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        # 3. config check, migrations, pool and queues, deployments, crash detection
        setup = subprocess.run(["sh", "deploy/setup.sh"], cwd=ROOT, env=env, timeout=300,
                               capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
        # nobody without the auth string can start a run (a retention run, say)
        import httpx

        anonymous = httpx.post(f"{cluster.api_url}/deployments/filter", json={}, timeout=30)
        assert anonymous.status_code == 401, anonymous.text
        # team scoping is on in production: the supervisor sees her team's calls (the
        # team an admin made, POST /admin/teams; the recordings' sidecars name it)
        from pipeline.db.models import Team
        from pipeline.db.session import session_scope

        with session_scope(postgres_url) as s:
            s.add(Team(name="Billing EN"))
        added = callqa("user", "add", "ayse", "--role", "supervisor", "--team", "Billing EN",
                       "--password-stdin", env=env, stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stdout + added.stderr
        # 4. the API, 5. a CPU worker: the commands of the systemd units
        for args, log in ((["serve", "--port", str(port)], logs[0]),
                          (["worker", "--queue", "cpu", "--name", "cpu-1"], logs[1])):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env,
                stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True))
        base = f"http://127.0.0.1:{port}/api/v1"
        wait_until("the API", lambda: _up(f"{base}/health"), 60, logs)

        # A recorder uploads a call with its sidecar; MinIO posts the event to the API.
        (key,) = write_calls(tmp_path / "upload", [(0.0, 20.0)])
        source = tmp_path / "upload" / key
        put = Minio(moto_endpoint, access_key="testing", secret_key="testing", secure=False)
        put.fput_object(bucket, key, str(source))
        put.fput_object(bucket, key + ".json", f"{source}.json")
        unauthorised = httpx.post(f"{base}/events/s3", json=minio_body(key))
        assert unauthorised.status_code == 401
        body = minio_body(key)
        body["Records"][0]["s3"]["bucket"]["name"] = bucket
        accepted = httpx.post(f"{base}/events/s3", json=body,
                              headers={"Authorization": f"Bearer {token}"})
        assert accepted.status_code == 202 and accepted.json()["noticed"] == [key], accepted.text

        login = httpx.post(f"{base}/auth/login", json={"username": "ayse",
                                                       "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        def processed() -> dict[str, Any] | None:
            calls = httpx.get(f"{base}/calls", headers=headers).json()["data"]
            return calls[0] if calls and calls[0].get("score") is not None else None

        call = wait_until("the call scored", processed, 240, logs)
        page = httpx.get(f"{base}/calls/{call['id']}", headers=headers)
        assert page.status_code == 200, page.text
    finally:
        for proc in procs:
            LocalCluster._signal_tree(proc.pid, __import__("signal").SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        cluster.stop()

    detail = page.json()
    assert detail["source_key"] == key and detail["status"] == "done"
    assert detail["scorecard"] is not None and detail["scorecard"]["rubric"]
    assert len(detail["utterances"]) >= 2
    assert {u["role"] for u in detail["utterances"]} == {"agent", "customer"}
    worker_log = logs[1].read_text(errors="replace")
    assert "--type callqa" in worker_log and "1 done" in worker_log, worker_log[-3000:]
    assert token not in worker_log + logs[0].read_text(errors="replace")  # never logged


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
