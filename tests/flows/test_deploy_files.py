"""deploy/compose.yaml and its scripts agree with callqa: every CALLQA_ variable it sets is a
real setting, no secret is written into it, each worker pulls a queue `callqa deploy`
creates, every image but callqa's own is pinned, every callqa command line of compose, the
systemd units and setup.sh parses, and the scripts are valid sh. (No container engine runs
here; tests/flows/test_deploy_setup.py runs deploy/setup.sh against a real Prefect server,
and tests/flows/test_production_path.py the same commands as the services, end to end.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from pipeline.settings import Settings
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
SECRET_NAMES = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return data


def environments() -> list[tuple[str, dict[str, str]]]:
    return [(name, svc.get("environment") or {}) for name, svc in compose()["services"].items()]


def test_every_callqa_variable_is_a_setting() -> None:
    fields = {f"CALLQA_{name.upper()}" for name in Settings.model_fields}
    extra = {"CALLQA_WORKERS", "CALLQA_BUCKET"}  # read by setup.sh, minio-setup.sh
    for service, env in environments():
        for var in env:
            if var.startswith("CALLQA_"):
                assert var in fields | extra, f"{service}: {var} is not a callqa setting"


def test_no_secret_is_written_into_the_compose_file() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    for service, env in environments():
        for var, value in env.items():
            if SECRET_NAMES.search(var) and var != "CALLQA_S3_ACCESS_KEY":
                assert str(value).startswith("${"), f"{service}: {var} has a literal value"
    # the first use of each secret requires it, so compose stops naming it when unset
    for secret in ("POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "CALLQA_S3_SECRET_KEY",
                   "CALLQA_EVENTS_TOKEN", "PREFECT_AUTH_STRING"):
        assert re.search(r"\$\{" + secret + r":\?", text), secret
        example = (DEPLOY / ".env.example").read_text()
        assert re.search(rf"^{secret}=$", example, flags=re.M), f"{secret} has a default"


def test_workers_pull_the_queues_callqa_deploy_creates() -> None:
    services = compose()["services"]
    pulled = set()
    for svc in services.values():
        command = svc.get("command")
        if isinstance(command, list) and command[:2] == ["callqa", "worker"]:
            pulled |= {command[i + 1] for i, arg in enumerate(command) if arg == "--queue"}
    assert pulled == {"default", "cpu", "gpu"}
    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    assert {d["work_pool"]["work_queue_name"] for d in deployments} <= pulled
    assert services["worker-gpu"]["environment"]["CALLQA_ASR_DEVICE"] == "cuda"
    assert "setup.sh" in " ".join(services["setup"]["command"])


def test_only_the_tls_proxy_and_the_recorders_s3_port_face_the_network() -> None:
    """Issue 12: the Prefect API was published on every interface without auth (anyone
    reaching it could start a retention run), and the API spoke plain HTTP."""
    services = compose()["services"]
    public = {}
    for name, svc in services.items():
        for port in svc.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                public.setdefault(name, set()).add(str(port))
    assert public == {"proxy": {"443:443", "80:80"}, "minio": {"9000:9000"}}, public
    assert "ports" not in services["api"] and "ports" not in services["postgres"]
    # the Prefect server asks for basic auth, and every callqa service sends it
    server_env = services["prefect-server"]["environment"]
    assert str(server_env["PREFECT_SERVER_API_AUTH_STRING"]).startswith("${PREFECT_AUTH_STRING:?")
    for name, env in environments():
        if services[name].get("image", "").startswith("callqa:"):
            assert str(env.get("PREFECT_API_AUTH_STRING", "")).startswith(
                "${PREFECT_AUTH_STRING"), name
            # the API believes X-Forwarded-For from the proxy only, at its fixed address
            assert env["CALLQA_TRUSTED_PROXIES"] == \
                services["proxy"]["networks"]["default"]["ipv4_address"], name
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "reverse_proxy api:8000" in caddy and "tls {$TLS}" in caddy


def test_images_are_pinned() -> None:
    for name, svc in compose()["services"].items():
        image = svc.get("image", "")
        if image.startswith("callqa:"):
            continue  # built from this repository
        assert ":" in image and not image.endswith(":latest"), f"{name}: {image}"


def test_services_check_their_configuration_before_they_start() -> None:
    commands = [line.split()[:2] for line in (DEPLOY / "setup.sh").read_text().splitlines()
                if line.startswith("callqa ")]
    assert commands == [["callqa", "config"], ["callqa", "db"], ["callqa", "deploy"]]
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text()
        assert "RestartPreventExitStatus=2" in text  # a config error does not restart-loop
        assert re.search(r"ExecStart=\S+/callqa (serve|worker)", text)


def callqa_commands() -> list[tuple[str, list[str]]]:
    """Every ``callqa ...`` command line that compose, the systemd units and the setup
    script run, as (where, arguments after ``callqa``)."""
    import shlex

    found = []
    for name, svc in compose()["services"].items():
        command = svc.get("command")
        if isinstance(command, list) and command and command[0] == "callqa":
            found.append((f"compose {name}", [str(a) for a in command[1:]]))
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                args = shlex.split(line.removeprefix("ExecStart=").replace("%", "X"))
                found.append((unit.name, args[1:]))
    setup = (DEPLOY / "setup.sh").read_text().replace("\\\n", " ")
    for line in setup.splitlines():
        if line.startswith("callqa "):
            found.append(("setup.sh", shlex.split(re.sub(r'"\$\{[^}]*\}"', "1", line))[1:]))
    return found


def test_every_callqa_command_the_deployment_runs_parses() -> None:
    """A misspelt option would only show when the container or unit starts; the CLI's own
    parser checks each line here (nothing is run)."""
    import typer

    from api.cli import app

    root = typer.main.get_command(app)
    commands = callqa_commands()
    assert {where.split()[0] for where, _ in commands} >= {"compose", "setup.sh"}
    for where, args in commands:
        command: Any = root
        rest = list(args)
        while hasattr(command, "commands"):  # a group: the next word names a subcommand
            assert rest, f"{where}: {args} names no command"
            name, rest = rest[0], rest[1:]
            command = command.commands.get(name)
            assert command is not None, f"{where}: no command {name!r} in {args}"
        try:
            command.make_context("callqa", rest)  # parses the options; runs nothing
        except Exception as exc:
            raise AssertionError(f"{where}: callqa {' '.join(args)}: {exc}") from None
        with pytest.raises(Exception, match="No such option"):  # the parser does refuse
            command.make_context("callqa", [*rest, "--no-such-option"])


def test_the_shell_scripts_are_valid_sh() -> None:
    import subprocess

    for script in ("setup.sh", "minio-setup.sh"):
        checked = subprocess.run(["sh", "-n", str(DEPLOY / script)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, f"{script}: {checked.stderr}"
