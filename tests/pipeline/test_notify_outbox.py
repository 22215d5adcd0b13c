"""Queuing notifications: in the caller's transaction (a rolled-back change queues
nothing), once per (event, subject, dedup key), to the subscribed webhooks and the team's
supervisors with an e-mail address; production refuses placeholder secrets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.db.outbox import DeliveryStatus, Notification, notify
from pipeline.db.session import session_scope
from pipeline.errors import ConfigError
from tests.pipeline.notify_servers import configure, team_with_supervisor


def rows(db: str) -> list[Notification]:
    with session_scope(db) as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))


def test_a_rolled_back_change_queues_nothing(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, webhook_url="http://127.0.0.1:9/hook", smtp_port=2525)
    team, _ = team_with_supervisor(db)
    with pytest.raises(RuntimeError), session_scope(db) as s:
        assert notify(s, "complaint.opened", "complaint", "c-1", {"title": "T"},
                      team_id=team) == 2
        raise RuntimeError("the change failed after queuing")
    assert rows(db) == []
    with session_scope(db) as s:
        assert notify(s, "complaint.opened", "complaint", "c-1", {"title": "T"},
                      team_id=team) == 2
    assert [(r.channel, r.status, r.attempts) for r in rows(db)] == [
        ("webhook", DeliveryStatus.QUEUED, 0), ("email", DeliveryStatus.QUEUED, 0)]


def test_the_same_event_again_adds_nothing(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, webhook_url="http://127.0.0.1:9/hook", smtp_port=2525)
    team, user = team_with_supervisor(db)
    with session_scope(db) as s:
        assert notify(s, "flag.critical", "call", "call-1", {}, dedup_key="flag:legal_threat",
                      team_id=team) == 2
        assert notify(s, "flag.critical", "call", "call-1", {}, dedup_key="flag:legal_threat",
                      team_id=team) == 0
    with session_scope(db) as s:  # and in a later transaction
        assert notify(s, "flag.critical", "call", "call-1", {}, dedup_key="flag:legal_threat",
                      team_id=team, user_ids=[user]) == 0
        assert notify(s, "flag.critical", "call", "call-1", {}, dedup_key="flag:auto_fail",
                      team_id=team) == 2  # another flag of the same call is news
    found = rows(db)
    assert len(found) == 4 and len({r.delivery_id for r in found}) == 4
    assert found[0].payload["event"] == "flag.critical"
    assert found[1].target == str(user)


def test_recipients_are_supervisors_with_an_address_and_the_named(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, smtp_port=2525)  # no webhook configured
    team, supervisor = team_with_supervisor(db)
    _, trainer = team_with_supervisor(db, role="trainer", email="t@example.com")
    no_mail_team, _ = team_with_supervisor(db, email=None)
    with session_scope(db) as s:
        assert notify(s, "complaint.opened", "complaint", "c-2", {}, team_id=team,
                      user_ids=[trainer]) == 2
        assert notify(s, "complaint.opened", "complaint", "c-3", {}, team_id=no_mail_team) == 0
        assert notify(s, "complaint.closed", "complaint", "c-2", {}) == 0  # nobody to tell
    assert sorted(r.target for r in rows(db)) == sorted([str(supervisor), str(trainer)])


def test_no_mail_server_no_email_and_unsubscribed_webhooks_skip(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, webhook_url="http://127.0.0.1:9/hook")  # no CALLQA_SMTP_HOST
    team, _ = team_with_supervisor(db)
    with session_scope(db) as s:
        # the webhook subscribes to flag.critical and complaint.opened only
        assert notify(s, "complaint.escalated", "complaint", "c-4", {}, team_id=team) == 0
        assert notify(s, "complaint.opened", "complaint", "c-4", {}, team_id=team) == 1
        with pytest.raises(ValueError, match="unknown notification event"):
            notify(s, "complaint.reopened", "complaint", "c-4", {})
    assert [r.channel for r in rows(db)] == ["webhook"]


def test_production_refuses_placeholder_webhook_secrets_and_smtp_passwords() -> None:
    from pipeline.settings import _build

    prod = {"environment": "production", "database_url": "postgresql+psycopg://x@h/db"}
    hooks = '[{"name": "ops", "url": "https://hooks.example.com/x", "secret": "changeme"}]'
    with pytest.raises(ConfigError, match="webhook 'ops'") as caught:
        _build({**prod, "webhooks": hooks})
    assert "changeme" not in str(caught.value)
    with pytest.raises(ConfigError, match="CALLQA_SMTP_PASSWORD"):
        _build({**prod, "smtp_host": "mail", "smtp_password": "password"})
    good = hooks.replace("changeme", "a-long-random-webhook-secret")
    assert _build({**prod, "webhooks": good}).webhooks[0].name == "ops"
    assert _build({"webhooks": hooks}).webhooks[0].wants("flag.critical")  # development


def test_webhooks_from_a_yaml_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from pipeline.settings import _build

    path = tmp_path / "hooks.yaml"
    path.write_text("- name: crm\n  url: https://crm.example.com/callqa\n"
                    "  secret: s3cr3t-s3cr3t-s3cr3t\n  events: [complaint.opened]\n")
    hooks = _build({"webhooks": str(path)}).webhooks
    assert [(h.name, h.wants("complaint.opened"), h.wants("flag.critical")) for h in hooks] == [
        ("crm", True, False)]
    with pytest.raises(ConfigError, match="neither a JSON list nor a webhooks file"):
        _build({"webhooks": str(tmp_path / "missing.yaml")})
