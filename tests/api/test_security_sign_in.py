"""Signing in under attack (issue 12): a flood of wrong-password logins leaves a signed-in
user's requests fast and counts every guess atomically; ``X-Forwarded-For`` counts only
from configured proxies; passwords are hashed at OWASP's scrypt cost (old hashes rehashed
on the next sign-in) and whitespace or one-letter passwords are refused."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.api.conftest import PASSWORD, Api

LOGIN = "/api/v1/auth/login"


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def login(client: TestClient, username: str, password: str,
          headers: dict[str, str] | None = None) -> Any:
    return client.post(LOGIN, json={"username": username, "password": password},
                       headers=headers)


@pytest.mark.slow
def test_a_login_flood_leaves_a_signed_in_users_requests_fast(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """40 parallel wrong-password logins at production cost (scrypt N=2^17, every one of
    them checked: 40 names, under the per-address limit) while the admin lists calls."""
    from scoring.work import credentials

    monkeypatch.setattr(credentials, "N", credentials.DEFAULT_N)
    monkeypatch.setattr(credentials, "_DUMMY_HASH", None)
    flood = 40
    start = threading.Barrier(flood + 1)

    def guess(i: int) -> int:
        start.wait()
        return int(login(api.client, f"nobody-{i}", "a wrong guess").status_code)

    with ThreadPoolExecutor(flood) as pool:
        futures = [pool.submit(guess, i) for i in range(flood)]
        start.wait()
        time.sleep(0.3)  # the guesses are in
        latencies = []
        for _ in range(3):
            began = time.perf_counter()
            listed = api.get("/api/v1/calls", "admin")
            latencies.append(time.perf_counter() - began)
            assert listed.status_code == 200, listed.text
        during = sum(not f.done() for f in futures)
        statuses = [f.result(timeout=120) for f in futures]
    print(f"GET /calls during the flood: {[round(x, 3) for x in latencies]} s; "
          f"{during} guesses still running")
    assert statuses == [401] * flood
    assert during > 0, "the flood was over before the requests were measured"
    assert max(latencies) < 1.0, latencies


def test_parallel_guesses_beyond_the_limit_are_not_checked(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """20 guesses at once at one user from one address: only the limit (5) reach a
    password check; the rest answer 429 without one."""
    from scoring.work import sign_in

    checked = []
    real = sign_in.verify_password

    def slow_check(password: str, stored: str) -> bool:
        checked.append(password)
        time.sleep(0.1)  # every guess is in flight at once
        return real(password, stored)

    monkeypatch.setattr(sign_in, "verify_password", slow_check)
    guesses = 20
    start = threading.Barrier(guesses)

    def guess(_: int) -> int:
        start.wait()
        return int(login(api.client, "sup", "a wrong guess").status_code)

    with ThreadPoolExecutor(guesses) as pool:
        statuses = sorted(pool.map(guess, range(guesses)))
    assert len(checked) <= 5, len(checked)
    assert statuses == [401] * 5 + [429] * 15
    assert len(api.audit("auth.login_failed")) == 5


def test_a_success_does_not_spend_the_address_budget(api: Api) -> None:
    """Attempts are counted before the password is checked; a right one gives its count
    back, so an office behind one address signs in all day."""
    from scoring.work.login_limits import LoginLimits, SharedLoginLimiter

    api.client.app.state.login_limiter = SharedLoginLimiter(  # type: ignore[attr-defined]
        api.world.url, LoginLimits(max_failures_per_address=3))
    for user in ["sup", "sup2", "trainer", "admin", "agent1", "agent2"]:
        assert login(api.client, user, PASSWORD).status_code == 200, user
    for _ in range(2):
        assert login(api.client, "nobody", "a wrong guess").status_code == 401
    assert login(api.client, "sup", PASSWORD).status_code == 200
    assert login(api.client, "someone", "a wrong guess").status_code == 401  # the third
    assert login(api.client, "sup", PASSWORD).status_code == 429  # this address waits


# X-Forwarded-For ----------------------------------------------------------------------


def served_app(api: Api, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, dict[str, Any]]:
    """The ASGI app exactly as ``callqa serve`` hands it to uvicorn (uvicorn's own
    middleware included), and the options it passed."""
    import uvicorn

    from api.cli import app as cli
    from pipeline.settings import get_settings

    seen: dict[str, Any] = {}
    monkeypatch.setenv("CALLQA_DATABASE_URL", api.world.url)
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: seen.update(target=target, **kw))
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    options = {k: v for k, v in seen.items() if k not in ("target", "workers")}
    config = uvicorn.Config(seen["target"], **options)
    config.load()
    return config.loaded_app, seen


def failed_address(api: Api) -> str:
    return str(api.audit("auth.login_failed")[0]["detail"]["address"])


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    asgi, options = served_app(api, monkeypatch)
    assert options["forwarded_allow_ips"] == "" and options["proxy_headers"] is False
    with TestClient(asgi, client=("127.0.0.1", 5000)) as local:  # a same-host proxy
        for i in range(5):
            login(local, "sup", "a wrong guess", {"X-Forwarded-For": f"10.9.9.{i}"})
        assert failed_address(api) == "127.0.0.1"  # not the header's
        refused = login(local, "sup", PASSWORD, {"X-Forwarded-For": "10.9.9.99"})
        assert refused.status_code == 429  # a new fake address buys no new guesses


def test_a_configured_proxy_is_trusted_for_the_client_address(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_TRUSTED_PROXIES", "127.0.0.1")
    asgi, options = served_app(api, monkeypatch)
    assert options["forwarded_allow_ips"] == "127.0.0.1" and options["proxy_headers"] is True
    with TestClient(asgi, client=("127.0.0.1", 5000)) as proxy:
        login(proxy, "sup", "a wrong guess", {"X-Forwarded-For": "10.9.9.1"})
        assert failed_address(api) == "10.9.9.1"
    with TestClient(asgi, client=("10.0.0.5", 5000)) as other:  # not the proxy
        login(other, "sup", "a wrong guess", {"X-Forwarded-For": "10.9.9.2"})
        assert failed_address(api) == "10.0.0.5"


# Passwords ----------------------------------------------------------------------------


def test_new_hashes_use_owasp_cost_and_old_ones_are_rehashed_on_sign_in(api: Api) -> None:
    from sqlalchemy import select

    from pipeline.db.accounts import User
    from pipeline.db.session import session_scope
    from scoring.work import credentials

    assert (credentials.DEFAULT_N, credentials.R, credentials.P) == (2**17, 8, 1)
    stored = credentials.hash_password(PASSWORD, n=credentials.DEFAULT_N)
    assert stored.startswith("scrypt$1$n=131072,r=8,p=1$")
    assert credentials.verify_password(PASSWORD, stored)
    old = credentials.hash_password(PASSWORD, n=2**12)  # an outdated hash
    assert credentials.needs_rehash(old)
    with session_scope(api.world.url) as s:
        s.scalars(select(User).where(User.username == "sup")).one().password_hash = old
    assert login(api.client, "sup", PASSWORD).status_code == 200
    with session_scope(api.world.url) as s:
        new = s.scalars(select(User.password_hash).where(User.username == "sup")).one()
    assert new != old and not credentials.needs_rehash(new)
    assert credentials.verify_password(PASSWORD, new)


@pytest.mark.parametrize("password, words", [
    (" " * 10, "only spaces"),
    (" " * 40, "only spaces"),
    ("ab  cd  ef  gh", "at least 10 characters that are not spaces"),
    ("aaaaaaaaaaaa", "different characters"),
    ("abababababababab", "different characters"),
    ("1212121212", "different characters"),
])
def test_weak_passwords_are_refused_with_what_to_choose(password: str, words: str,
                                                        tmp_path: Path) -> None:
    from scoring.work.accounts import WeakPassword, check_strength

    with pytest.raises(WeakPassword) as refused:
        check_strength("zeynep", password)
    assert words in str(refused.value)
    assert "words" in str(refused.value)  # what to choose instead


def test_reasonable_passwords_still_pass() -> None:
    from scoring.work.accounts import check_strength

    for password in [PASSWORD, "s3cret-enough", "root password 1", "a long enough secret"]:
        check_strength("zeynep", password)
