"""Notifications over the API: admins list the dead letters and retry one (audited); an
admin sets a user's e-mail address; and over the CLI: `callqa notifications list --dead`,
`retry`, `send` against a real receiver on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from pipeline.db.outbox import notify
from pipeline.db.session import session_scope
from pipeline.db.times import utc_now
from pipeline.notify import DeliveryOptions, deliver_due
from tests.api.conftest import Api
from tests.pipeline.notify_servers import configure, free_port, webhook_receiver

ROUTE = "/api/v1/admin/notifications"


def dead_letter(api: Api, monkeypatch: pytest.MonkeyPatch) -> int:
    """One complaint.opened delivery to a webhook nobody listens on, tried until dead."""
    configure(monkeypatch, webhook_url=f"http://127.0.0.1:{free_port()}/hook")
    with session_scope(api.world.url) as s:
        assert notify(s, "complaint.opened", "complaint", "case-1", {"title": "T"}) == 1
    options = DeliveryOptions(max_attempts=2, backoff_seconds=1, backoff_max_seconds=1)
    now = utc_now()
    for step in range(2):
        deliver_due(lambda: session_scope(api.world.url), now + timedelta(seconds=5 * step),
                    options=options)
    dead = api.get(ROUTE, "admin", params={"status": "dead"}).json()
    assert dead["count"] == 1
    return int(dead["data"][0]["id"])


def test_admins_list_dead_letters_and_retry_one(api: Api,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    delivery = dead_letter(api, monkeypatch)
    row = api.get(ROUTE, "admin", params={"status": "dead"}).json()["data"][0]
    assert row["channel"] == "webhook" and row["target"] == "ops" and row["attempts"] == 2
    assert "could not be reached (connection refused)" in row["last_error"]
    assert api.get(ROUTE, "admin", params={"status": "queued"}).json()["count"] == 0
    assert api.get(ROUTE, "sup").status_code == 403
    assert api.post(f"{ROUTE}/{delivery}/retry", "sup").status_code == 403
    assert api.get(ROUTE, "admin", params={"status": "lost"}).status_code == 422
    r = api.post(f"{ROUTE}/{delivery}/retry", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "queued" and r.json()["attempts"] == 0
    assert r.json()["delivery_id"] == row["delivery_id"]  # the same id: receivers dedupe
    assert [e["object_id"] for e in api.audit("notification.retry")] == [str(delivery)]
    with webhook_receiver() as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        assert deliver_due(lambda: session_scope(api.world.url)).sent == 1
    assert [r.delivery_id for r in receiver.requests] == [row["delivery_id"]]
    again = api.post(f"{ROUTE}/{delivery}/retry", "admin")
    assert again.status_code == 409 and "is sent" in again.json()["error"]["message"]
    assert api.post(f"{ROUTE}/999999/retry", "admin").status_code == 404


def test_admin_sets_and_removes_a_users_email(api: Api) -> None:
    sup = api.world.users["sup"]
    r = api.patch(f"/api/v1/users/{sup}", "admin", json={"email": " elif@example.com "})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "elif@example.com"
    bad = api.patch(f"/api/v1/users/{sup}", "admin", json={"email": "elif at example"})
    assert bad.status_code == 422
    assert "is not an e-mail address like ayse@example.com" in bad.text
    assert api.get(f"/api/v1/users/{sup}", "admin").json()["email"] == "elif@example.com"
    assert api.patch(f"/api/v1/users/{sup}", "admin", json={"email": ""}).json()["email"] is None
    created = api.post("/api/v1/users", "admin", json={
        "username": "mira", "password": "a long enough password", "role": "supervisor",
        "email": "mira@example.com"})
    assert created.status_code == 201 and created.json()["email"] == "mira@example.com"
    changes = [e["detail"] for e in api.audit("user.update")]
    assert {"email": "set"} in [{k: v for k, v in c.items() if k == "email"} for c in changes]
    assert all("elif@example.com" not in str(c) for c in changes)  # not the address itself


def test_the_cli_lists_dead_letters_retries_and_sends(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import app

    monkeypatch.setenv("CALLQA_DATABASE_URL", api.world.url)
    delivery = dead_letter(api, monkeypatch)
    runner = CliRunner()
    listed = runner.invoke(app, ["notifications", "list", "--dead"])
    assert listed.exit_code == 0, listed.output
    assert "complaint.opened" in listed.output and "webhook:ops" in listed.output
    assert max(len(line) for line in listed.output.splitlines()) <= 80
    as_json = runner.invoke(app, ["notifications", "list", "--dead", "--json"])
    assert '"status": "dead"' in as_json.output
    retried = runner.invoke(app, ["notifications", "retry", str(delivery)])
    assert retried.exit_code == 0 and "queued again" in retried.output
    with webhook_receiver() as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        sent = runner.invoke(app, ["notifications", "send"])
    assert sent.exit_code == 0 and "1 sent, 0 to retry later, 0 dead" in sent.output
    assert len(receiver.requests) == 1
    refused = runner.invoke(app, ["notifications", "retry", "424242"])
    assert refused.exit_code == 1
    assert "There is no notification delivery 424242" in refused.output
    assert "Traceback" not in refused.output
    empty = runner.invoke(app, ["notifications", "list", "--dead"])
    assert "no notification deliveries are dead" in empty.output
