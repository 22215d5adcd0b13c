"""``callqa user add|list`` and ``callqa serve``: the first admin, then the API over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from tests.api.conftest import seed
from tests.conftest import ROOT


def test_user_add_reads_the_password_from_stdin_and_ties_agents(callqa_home: Path) -> None:
    from api.cli import app
    from pipeline.db.accounts import User
    from pipeline.db.session import session_scope
    from pipeline.settings import get_settings
    from scoring.work.credentials import verify_password

    url = get_settings().resolved_database_url
    seed(url, callqa_home / "recordings")  # agents exist
    runner = CliRunner()
    added = runner.invoke(app, ["user", "add", "boss", "--role", "admin", "--password-stdin"],
                          input="a long enough secret\n")
    assert added.exit_code == 0, added.output
    assert "user boss added (admin)" in added.output
    agent = runner.invoke(app, ["user", "add", "ayse", "--role", "agent", "--agent", "A-1",
                                "--full-name", "Ayşe Yılmaz", "--password-stdin"],
                          input="another secret!\n")
    assert agent.exit_code == 0, agent.output
    with session_scope(url) as s:
        boss = s.query(User).filter_by(username="boss").one()
        assert verify_password("a long enough secret", boss.password_hash)
        assert "secret" not in boss.password_hash
    for args, stdin, message in [
        (["boss", "--role", "admin"], "a long enough secret\n", "exists already"),
        (["x", "--role", "agent"], "a long enough secret\n", "must be tied to an agent"),
        (["x", "--role", "agent", "--agent", "A-9"], "a long enough secret\n", "no agent 'A-9'"),
        (["x", "--role", "king"], "a long enough secret\n", "unknown role 'king'"),
        (["x", "--role", "admin"], "short\n", "at least 10"),
        (["xavier-the-admin", "--role", "admin"], "xavier-the-admin\n", "not be the username"),
    ]:
        refused = runner.invoke(app, ["user", "add", *args, "--password-stdin"], input=stdin)
        assert refused.exit_code == 1 and message in refused.output, refused.output
    listed = runner.invoke(app, ["user", "list"])
    assert "ayse" in listed.output and "A-1" in listed.output and "boss" in listed.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_the_api_on_the_embedded_default(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLQA_")}
    env["CALLQA_HOME"] = str(home)
    subprocess.run([sys.executable, "-m", "api", "user", "add", "root", "--role", "admin",
                    "--password-stdin"], input="root password 1\n", text=True, env=env,
                   cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "api", "serve", "--port", str(port)],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        token = httpx.post(f"{base}/api/v1/auth/login", json={
            "username": "root", "password": "root password 1"}).json()["access_token"]
        calls = httpx.get(f"{base}/api/v1/calls", headers={"Authorization": f"Bearer {token}"})
        assert calls.json() == {"data": [], "count": 0}
        assert httpx.get(f"{base}/api/v1/calls").status_code == 401
        assert "paths" in httpx.get(f"{base}/api/v1/openapi.json").json()
        # what a person typed stays out of the access log (issue 12)
        auth = {"Authorization": f"Bearer {token}"}
        httpx.get(f"{base}/api/v1/calls", params={"q": "kartnumaram", "agent": "A-1"},
                  headers=auth)
        httpx.delete(f"{base}/api/v1/customers/CUST-77815",
                     params={"reason": "asked by registered letter"}, headers=auth)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"callqa API on http://127.0.0.1:{port}/api/v1" in output
    assert '"GET /api/v1/calls?q=…&agent=… HTTP/1.1" 200' in output, output
    assert '"DELETE /api/v1/customers/[ref]?reason=… HTTP/1.1"' in output, output
    for typed in ("kartnumaram", "A-1", "CUST-77815", "registered", "letter"):
        assert typed not in output, typed
