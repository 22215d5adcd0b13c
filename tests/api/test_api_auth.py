"""Sign-in, passwords, tokens (expiry, revocation), 401 on every route, users (admins)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.api.conftest import PASSWORD, Api

PUBLIC = {("POST", "/api/v1/auth/login"), ("GET", "/api/v1/health")}
# routes with a token of their own, not a user's: the bucket-event webhook (503 while off)
OWN_TOKEN = {("POST", "/api/v1/events/s3")}


def api_operations() -> list[tuple[str, str]]:
    from fastapi.routing import APIRoute

    from api.app import routers

    return sorted((method, route.path) for router in routers() for route in router.routes
                  if isinstance(route, APIRoute) for method in route.methods or ())


def test_password_hash_is_not_the_password_and_verifies() -> None:
    from scoring.work.credentials import hash_password, needs_rehash, verify_password

    stored = hash_password(PASSWORD)
    assert PASSWORD not in stored and stored != PASSWORD
    assert re.fullmatch(r"scrypt\$1\$n=16384,r=8,p=1\$[\w-]{22}\$[\w-]{43}", stored), stored
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + "x", stored)
    assert not verify_password("", stored)
    assert hash_password(PASSWORD) != stored  # a fresh salt each time
    assert not verify_password(PASSWORD, "md5$whatever") and not verify_password(PASSWORD, "")
    assert not needs_rehash(stored) and needs_rehash("scrypt$1$n=1024,r=8,p=1$AA$AA")


def test_login_gives_a_token_that_expires_after_the_configured_time(api: Api) -> None:
    before = datetime.now(UTC)
    r = api.post("/api/v1/auth/login", json={"username": "sup", "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["access_token"].startswith("cqa_")
    expires = datetime.fromisoformat(body["expires_at"])
    ttl = timedelta(minutes=api.settings.token_ttl_minutes)
    assert api.settings.token_ttl_minutes == 480
    assert before + ttl - timedelta(seconds=5) < expires < datetime.now(UTC) + ttl
    me = api.client.get("/api/v1/auth/me",
                        headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "sup"
    assert me.json()["role"] == "supervisor"


def test_the_token_is_stored_only_as_its_digest(api: Api) -> None:
    from pipeline.db.accounts import ApiToken
    from pipeline.db.session import session_scope
    from scoring.work.credentials import token_digest

    token = api.world.tokens["sup"]
    with session_scope(api.world.url) as s:
        digests = list(s.scalars(select(ApiToken.digest)))
    assert token not in digests and token_digest(token) in digests


def test_an_expired_token_is_refused(api: Api) -> None:
    from pipeline.db.accounts import ApiToken
    from pipeline.db.session import session_scope
    from scoring.work.credentials import token_digest

    assert api.get("/api/v1/auth/me", "trainer").status_code == 200
    with session_scope(api.world.url) as s:
        s.execute(update(ApiToken).where(ApiToken.digest == token_digest(
            api.world.tokens["trainer"])).values(expires_at=datetime.now(UTC) - timedelta(
                seconds=1)))
    r = api.get("/api/v1/auth/me", "trainer")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {"error": {"code": "unauthorized", "message": "token expired; log in again"}}
    assert api.get("/api/v1/auth/me", "trainer").json()["error"]["message"] == "invalid token"


def test_a_short_ttl_setting_is_used(callqa_home: Any, db_url: str) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from pipeline.settings import Settings
    from tests.api.conftest import seed

    seed(db_url, callqa_home / "recordings")
    app = create_app(Settings(database_url=db_url, token_ttl_minutes=1))
    with TestClient(app) as client:
        body = client.post("/api/v1/auth/login",
                           json={"username": "admin", "password": PASSWORD}).json()
    left = datetime.fromisoformat(body["expires_at"]) - datetime.now(UTC)
    assert timedelta(seconds=50) < left <= timedelta(minutes=1)


@pytest.mark.parametrize("username,password", [
    ("sup", "wrong password"), ("nobody", PASSWORD), ("sup", ""), ("' OR 1=1 --", PASSWORD),
])
def test_wrong_credentials_are_401_with_one_message(api: Api, username: str,
                                                     password: str) -> None:
    r = api.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 401
    assert r.json()["error"] == {"code": "unauthorized",
                                 "message": "wrong username or password, or the user is "
                                            "deactivated"}


def test_logout_revokes_the_token(api: Api) -> None:
    assert api.post("/api/v1/auth/logout", "agent1").status_code == 204
    assert api.get("/api/v1/auth/me", "agent1").status_code == 401


def test_every_route_but_login_and_health_needs_a_token(api: Api) -> None:
    operations = api_operations()
    assert len(operations) >= 25
    for method, path in operations:
        url = path.format(**{name: "1" for name in re.findall(r"{(\w+)}", path)})
        for headers in ({}, {"Authorization": "Bearer cqa_not-a-token"},
                        {"Authorization": "Basic c3VwOnB3"}):
            r = api.client.request(method, url, headers=headers, json={})
            if (method, path) in PUBLIC:
                assert r.status_code != 401, (method, path)
                continue
            if (method, path) in OWN_TOKEN:
                assert r.status_code in (401, 403, 503), (method, path, r.text)
                continue
            assert r.status_code == 401, (method, path, headers, r.text)
            assert r.json()["error"]["code"] == "unauthorized"


def test_admins_manage_users_and_an_agent_user_is_tied_to_its_agent(api: Api) -> None:
    new = {"username": "zeynep", "password": "s3cret-enough", "role": "agent",
           "full_name": "Zeynep Kaya", "agent": "A-2"}
    assert api.post("/api/v1/users", "sup", json=new).status_code == 403
    r = api.post("/api/v1/users", "admin", json=new)
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["agent"] == "A-2" and user["active"] and "password" not in str(user)
    assert api.post("/api/v1/users", "admin", json=new).status_code == 409  # same username
    missing = api.post("/api/v1/users", "admin", json={**new, "username": "x1", "agent": "A-9"})
    assert missing.status_code == 404 and "A-9" in missing.json()["error"]["message"]
    untied = api.post("/api/v1/users", "admin", json={**new, "username": "x2", "agent": None})
    assert untied.status_code == 409
    short = api.post("/api/v1/users", "admin", json={**new, "username": "x3", "password": "a"})
    assert short.status_code == 422, short.text
    assert "at least 10" in short.json()["error"]["message"]  # the rule of a user's own change
    same = api.post("/api/v1/users", "admin", json={**new, "username": "x4-long-name",
                                                     "password": "X4-LONG-NAME"})
    assert same.status_code == 422 and "username" in same.json()["error"]["message"]

    login = api.post("/api/v1/auth/login", json={"username": "zeynep",
                                                 "password": "s3cret-enough"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    calls = api.client.get("/api/v1/calls", headers=headers).json()
    assert {c["agent"] for c in calls["data"]} == {"A-2"} and calls["count"] == 1

    listed = api.get("/api/v1/users", "admin", params={"role": "agent"}).json()
    assert {u["username"] for u in listed["data"]} == {"agent1", "agent2", "zeynep"}
    off = api.patch(f"/api/v1/users/{user['id']}", "admin", json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert api.client.get("/api/v1/calls", headers=headers).status_code == 401  # revoked
    again = api.post("/api/v1/auth/login", json={"username": "zeynep",
                                                 "password": "s3cret-enough"})
    assert again.status_code == 401
    self_demote = api.patch(f"/api/v1/users/{api.world.users['admin']}", "admin",
                            json={"role": "trainer"})
    assert self_demote.status_code == 409
    actions = [(e["action"], e["username"]) for e in api.audit("user.create")]
    assert ("user.create", "admin") in actions
    assert api.audit("user.update")[0]["detail"] == {"active": False}


def test_errors_have_one_shape(api: Api) -> None:
    for r in (api.get("/api/v1/nowhere", "sup"), api.get("/api/v1/calls/x", "sup"),
              api.get("/api/v1/calls", "sup", params={"limit": 0}),
              api.get("/api/v1/users", "trainer"), api.get("/api/v1/calls")):
        assert set(r.json()) == {"error"}, r.text
        assert {"code", "message"} <= set(r.json()["error"]), r.text
    assert api.get("/api/v1/calls", "sup", params={"limit": 0}).status_code == 422
