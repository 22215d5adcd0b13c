"""Password guessing is slowed down (429 with Retry-After after 5 failures per username and
address, doubling waits, audited) without locking the real user out; users change their
own password (the current one required, strength checked, other sessions signed out)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from scoring.work.login_limits import LoginLimiter, LoginLimits, TooManyAttempts
from tests.api.conftest import PASSWORD, Api

LOGIN = "/api/v1/auth/login"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wait_of(limiter: LoginLimiter, username: str, address: str) -> int | None:
    try:
        limiter.check(username, address)
    except TooManyAttempts as exc:
        return exc.retry_after
    return None


def test_the_wait_doubles_with_each_failure_and_a_quiet_window_forgives() -> None:
    clock = Clock()
    limiter = LoginLimiter(LoginLimits(), clock=clock)
    for _ in range(4):
        assert limiter.failed("sup", "10.0.0.9") is False
    assert wait_of(limiter, "sup", "10.0.0.9") is None
    assert limiter.failed("sup", "10.0.0.9") is True  # the 5th
    assert wait_of(limiter, "sup", "10.0.0.9") == 30
    assert wait_of(limiter, "SUP", "10.0.0.9") == 30  # usernames are not case-sensitive here
    assert wait_of(limiter, "sup", "10.0.0.1") is None  # the real user's own address
    waits = []
    for _ in range(6):  # each time the wait is over, the guesser tries again and fails
        clock.now += wait_of(limiter, "sup", "10.0.0.9") or 0
        assert wait_of(limiter, "sup", "10.0.0.9") is None
        limiter.failed("sup", "10.0.0.9")
        waits.append(wait_of(limiter, "sup", "10.0.0.9"))
    assert waits == [60, 120, 240, 480, 900, 900]  # capped at 15 minutes, never forever
    clock.now += 900 + 301
    limiter.failed("sup", "10.0.0.9")  # after a quiet window the count starts again
    assert wait_of(limiter, "sup", "10.0.0.9") is None


def test_one_address_guessing_many_usernames_is_limited_too() -> None:
    clock = Clock()
    limiter = LoginLimiter(LoginLimits(max_failures_per_address=8), clock=clock)
    for i in range(8):
        limiter.failed(f"user{i}", "10.0.0.9")
    assert wait_of(limiter, "someone-else", "10.0.0.9") == 30
    assert wait_of(limiter, "someone-else", "10.0.0.10") is None


def test_a_success_clears_the_count_and_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = LoginLimiter(LoginLimits(max_keys=50), clock=clock)
    for _ in range(4):
        limiter.failed("sup", "10.0.0.9")
    limiter.succeeded("sup", "10.0.0.9")
    limiter.failed("sup", "10.0.0.9")
    assert wait_of(limiter, "sup", "10.0.0.9") is None  # 1 failure since the success
    for i in range(200):
        clock.now += 1
        limiter.failed(f"u{i}", f"10.1.{i // 250}.{i % 250}")
    assert len(limiter._counts) <= 51


def login(client: TestClient, username: str, password: str) -> Any:
    return client.post(LOGIN, json={"username": username, "password": password})


def test_failed_logins_are_refused_with_429_and_audited(api: Api) -> None:
    attacker = api.client  # address "testclient"
    for _ in range(5):
        assert login(attacker, "sup", "guess").status_code == 401
    refused = login(attacker, "sup", PASSWORD)  # even the right password, for now
    assert refused.status_code == 429
    # 30 s from the fifth failure, less the time the refused try itself took to arrive
    # (seconds on a loaded 2-core machine: the count is in whole seconds, rounded up)
    wait = refused.headers["Retry-After"]
    assert 20 <= int(wait) <= 30, wait
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert f"try again in {wait} s" in refused.json()["error"]["message"]
    # the real user, from their own address, signs in as usual
    with TestClient(api.client.app, client=("10.0.0.7", 4321)) as user:
        assert login(user, "sup", PASSWORD).status_code == 200
    assert login(attacker, "trainer", PASSWORD).status_code == 200  # another user

    failed = api.audit("auth.login_failed")
    assert len(failed) == 5  # refused attempts check nothing and are not counted again
    newest = failed[0]
    assert newest["object_id"] == str(api.world.users["sup"]) and newest["user_id"] is None
    assert newest["detail"] == {"username": "sup", "address": "testclient",
                                "reason": "wrong password", "blocked": True}
    assert [e["detail"]["blocked"] for e in failed[1:]] == [False] * 4
    assert PASSWORD not in str(failed) and "guess" not in str(failed)
    login(attacker, "nobody", "x")
    unknown = api.audit("auth.login_failed")[0]
    # a name that is no user's is kept only as a fingerprint (it may be a password)
    assert unknown["detail"]["reason"] == "unknown user" and "nobody" not in str(unknown)
    assert unknown["object_id"] == unknown["detail"]["username"]
    assert unknown["object_id"].startswith("sha256:")


def test_a_user_changes_their_own_password(api: Api) -> None:
    phone = login(api.client, "agent1", PASSWORD).json()["access_token"]  # another session
    path = "/api/v1/auth/password"
    new = "a much longer passphrase"
    for body, status, words in [
        ({"current_password": "wrong", "new_password": new}, 403, "current password is wrong"),
        ({"current_password": PASSWORD, "new_password": "short1"}, 422, "at least 10"),
        ({"current_password": PASSWORD, "new_password": "AGENT1"}, 422, "at least 10"),
        ({"current_password": PASSWORD, "new_password": "Agent1    "}, 422, "username"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, 422, "current one"),
    ]:
        r = api.post(path, "agent1", json=body)
        assert r.status_code == status, (body, r.text)
        assert words in r.json()["error"]["message"], r.text
    assert api.get("/api/v1/auth/me", "agent1").status_code == 200  # refusals sign no one out

    r = api.post(path, "agent1", json={"current_password": PASSWORD, "new_password": new})
    assert r.status_code == 204, r.text
    assert api.get("/api/v1/auth/me", "agent1").status_code == 200  # this session stays
    other = api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {phone}"})
    assert other.status_code == 401  # the other one is signed out
    assert login(api.client, "agent1", PASSWORD).status_code == 401
    assert login(api.client, "agent1", new).status_code == 200

    (entry,) = api.audit("user.password_change")
    assert entry["user_id"] == api.world.users["agent1"]
    assert entry["detail"] == {"other_sessions": 1}
    assert len(api.audit("user.password_change_failed")) == 1
    assert new not in str(api.audit("user.password_change"))


@pytest.mark.parametrize("user", ["admin", "trainer"])
def test_wrong_current_passwords_are_limited_like_logins(api: Api, user: str) -> None:
    body = {"current_password": "guess", "new_password": "a much longer passphrase"}
    statuses = [api.post("/api/v1/auth/password", user, json=body).status_code
                for _ in range(6)]
    assert statuses == [403] * 5 + [429]


@pytest.fixture
def db_url(both_db_url: str) -> str:
    return both_db_url


def test_every_api_process_shares_one_budget(api: Api) -> None:
    """`callqa serve --workers 2`, or two replicas: guesses on one process count on the
    other, and a success on either clears the user's count for both."""
    from api.app import create_app

    with TestClient(create_app(api.settings)) as other:
        for client in (api.client, other, api.client, other):
            assert login(client, "sup", "guess").status_code == 401
        assert login(api.client, "trainer", PASSWORD).status_code == 200
        assert login(other, "sup", PASSWORD).status_code == 200  # 4 failures: not yet
        assert login(api.client, "sup", "guess").status_code == 401  # counting again from 0
        for client in (other, api.client, other, api.client):
            assert login(client, "sup", "guess").status_code == 401
        refused = login(other, "sup", PASSWORD)  # the fifth failure was on the other one
        assert refused.status_code == 429 and 20 <= int(refused.headers["Retry-After"]) <= 30
        assert login(api.client, "sup", PASSWORD).status_code == 429
