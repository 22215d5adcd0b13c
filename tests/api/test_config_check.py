"""Each service checks its configuration before it starts: every missing variable named at
once, exit code 2, and no secret ever printed (``callqa config check|show``, ``serve``,
``worker``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.config_check import check, describe
from pipeline.settings import Settings

SECRET = "s3-secret-value-that-must-never-show"
PROD = {
    "CALLQA_ENVIRONMENT": "production",
    "CALLQA_DATABASE_URL": "postgresql+psycopg://callqa:db-password-never-shown@db/callqa",
}


def run(home: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("callqa")
    assert exe, "the callqa console script is installed"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CALLQA_", "PREFECT_"))}
    base |= {"CALLQA_HOME": str(home), "COLUMNS": "200", **env}
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120,
                          env=base, stdin=subprocess.DEVNULL)


def test_a_production_worker_names_every_missing_variable_at_once(tmp_path: Path) -> None:
    result = run(tmp_path, PROD | {"CALLQA_STORE_URL": "s3://recordings/calls"},
                 "config", "check", "--service", "worker")
    assert result.returncode == 2
    for var in ("CALLQA_S3_ENDPOINT", "CALLQA_S3_ACCESS_KEY", "CALLQA_S3_SECRET_KEY",
                "PREFECT_API_URL"):
        assert var in result.stderr
    assert "db-password-never-shown" not in result.stdout + result.stderr


def test_a_complete_production_worker_starts_and_no_secret_is_printed(tmp_path: Path) -> None:
    env = PROD | {
        "CALLQA_STORE_URL": "s3://recordings/calls", "CALLQA_S3_ENDPOINT": "minio:9000",
        "CALLQA_S3_ACCESS_KEY": "callqa", "CALLQA_S3_SECRET_KEY": SECRET,
        "CALLQA_ASR_MODEL": "large-v3-turbo", "PREFECT_API_URL": "http://prefect:4200/api",
        "PREFECT_API_AUTH_STRING": "callqa:prefect-auth-never-shown",
    }
    checked = run(tmp_path, env, "config", "check", "--service", "worker")
    assert checked.returncode == 0, checked.stderr
    shown = run(tmp_path, env, "config", "show")
    assert shown.returncode == 0, shown.stderr
    for result in (checked, shown):
        text = result.stdout + result.stderr
        assert SECRET not in text and "db-password-never-shown" not in text
        assert "prefect-auth-never-shown" not in text
    assert "CALLQA_S3_SECRET_KEY" in shown.stdout and "set (hidden)" in shown.stdout
    assert "callqa:***@db/callqa" in shown.stdout


def test_production_refuses_a_prefect_server_without_basic_auth_and_an_api_without_tls() -> None:
    settings = Settings(environment="production",
                        database_url=PROD["CALLQA_DATABASE_URL"], store_url="/srv/recordings")
    prefect = {"PREFECT_API_URL": "http://prefect-server:4200/api"}
    worker = {p.variable: p for p in check(settings, "worker", prefect)}
    assert worker["PREFECT_API_AUTH_STRING"].fatal
    assert "retention" in worker["PREFECT_API_AUTH_STRING"].message
    assert "PREFECT_API_AUTH_STRING" not in {
        p.variable for p in check(settings, "worker", prefect | {
            "PREFECT_API_AUTH_STRING": "callqa:s3cret"})}
    api = {p.variable: p for p in check(settings, "api", {})}
    proxy = api["CALLQA_TRUSTED_PROXIES"]
    assert proxy.fatal and "plain HTTP" in proxy.message
    proxied = settings.model_copy(update={"trusted_proxies": "172.30.0.10"})
    assert "CALLQA_TRUSTED_PROXIES" not in {p.variable for p in check(proxied, "api", {})}
    # the embedded default (not production) asks for neither
    assert check(Settings(), "all", prefect) == []


def test_a_placeholder_secret_is_refused_without_echoing_it(tmp_path: Path) -> None:
    env = PROD | {"CALLQA_S3_ENDPOINT": "minio:9000", "CALLQA_S3_SECRET_KEY": "minioadmin"}
    result = run(tmp_path, env, "config", "check")
    assert result.returncode == 2
    assert "CALLQA_S3_SECRET_KEY" in result.stderr and "placeholder" in result.stderr
    assert "minioadmin" not in result.stdout + result.stderr


def test_serve_refuses_to_start_without_what_the_api_needs(tmp_path: Path) -> None:
    env = PROD | {"CALLQA_STORE_URL": "s3://recordings/calls"}
    result = run(tmp_path, env, "serve", "--port", "0")
    assert result.returncode == 2
    assert "CALLQA_S3_ENDPOINT" in result.stderr and "cannot start" in result.stderr


def test_the_embedded_default_needs_nothing() -> None:
    assert [p for p in check(Settings(), "all", env={}) if p.fatal] == []


def test_the_event_watcher_needs_its_queue() -> None:
    problems = check(Settings(), "events", env={})
    assert [p.variable for p in problems if p.fatal] == ["CALLQA_EVENTS_QUEUE_URL"]


def test_gpu_workers_are_told_about_batching() -> None:
    settings = Settings(asr_device="cuda")
    warnings = [p for p in check(settings, "worker", env={}) if not p.fatal]
    assert [p.variable for p in warnings] == ["CALLQA_ASR_BATCH_SIZE"]


@pytest.mark.parametrize("field", ["s3_secret_key", "hf_token", "events_token"])
def test_describe_never_shows_a_secret(field: str) -> None:
    settings = Settings(**{field: SECRET})
    rows = dict(describe(settings))
    assert rows[f"CALLQA_{field.upper()}"] == "set (hidden)"
    assert SECRET not in repr(rows)
