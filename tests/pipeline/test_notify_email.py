"""E-mail over a real SMTP server on loopback (aiosmtpd): the message arrives in the
recipient's language with a Message-ID derived from the delivery id (the same on a
resend); a mail server that is down is retried; a critical flag on a saved scorecard
mails the team's supervisor once, however often the call is rescored."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message

import pytest

from pipeline.db.outbox import DeliveryStatus, Notification, notify
from pipeline.db.session import session_scope
from pipeline.db.times import utc_now
from pipeline.notify import DeliveryOptions, deliver_due, delivery_public, list_deliveries
from tests.pipeline.notify_servers import configure, free_port, smtp_server, team_with_supervisor

OPTIONS = DeliveryOptions(max_attempts=3, backoff_seconds=5, timeout_seconds=3)


def subject(msg: Message) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def body(msg: Message) -> str:
    part = msg.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode(msg.get_content_charset() or "utf-8")


def deliver(db: str, now=None):  # type: ignore[no-untyped-def]
    return deliver_due(lambda: session_scope(db), now, options=OPTIONS)


def test_mail_in_the_users_language_with_a_stable_message_id(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server() as box:
        configure(monkeypatch, smtp_port=box.port)
        tr_team, tr_user = team_with_supervisor(db, language="tr", email="ayse@example.com")
        en_team, en_user = team_with_supervisor(db, language="en", email="john@example.com")
        with session_scope(db) as s:
            for team in (tr_team, en_team):
                notify(s, "complaint.escalated", "complaint", f"case-{team}",
                       {"title": "Fatura itirazı #12", "due_at": "2026-12-09T17:00:00+00:00",
                        "link": "https://qa.example.com/#/complaints/12"}, team_id=team)
        assert deliver(db).sent == 2
    by_to = {m["To"].split("<")[-1].rstrip(">"): m for m in box.messages}
    tr, en = by_to["ayse@example.com"], by_to["john@example.com"]
    assert subject(tr) == "Şikâyetin süresi aşıldı: Fatura itirazı #12"
    assert "üst kademeye iletildi" in body(tr) and "Son tarih: 2026-12-09" in body(tr)
    assert subject(en) == "Complaint overdue: Fatura itirazı #12"
    assert "passed its due date" in body(en)
    assert "https://qa.example.com/#/complaints/12" in body(en)
    assert tr["From"] == "callqa@qa.example.com" and tr["Content-Language"] == "tr"
    with session_scope(db) as s:
        ids = {r.target: r.delivery_id for r in list_deliveries(s)}
    assert tr["Message-ID"] == f"<{ids[str(tr_user)]}@qa.example.com>"
    assert en["Message-ID"] == f"<{ids[str(en_user)]}@qa.example.com>"


def test_mail_server_down_is_retried_then_sent_with_the_same_message_id(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    configure(monkeypatch, smtp_port=port)
    team, _ = team_with_supervisor(db, language="en")
    with session_scope(db) as s:
        notify(s, "complaint.opened", "complaint", "case-7", {"title": "Line down"},
               team_id=team)
    now = utc_now()
    assert deliver(db, now).retried == 1
    with session_scope(db) as s:
        [row] = [delivery_public(r) for r in list_deliveries(s)]
    assert row["status"] == DeliveryStatus.QUEUED and row["attempts"] == 1
    assert "could not be reached (connection refused)" in row["last_error"]
    with smtp_server(port) as box:
        assert deliver(db, now + timedelta(minutes=1)).sent == 1
    [msg] = box.messages
    assert msg["Message-ID"] == f"<{row['delivery_id']}@qa.example.com>"
    assert subject(msg) == "New complaint: Line down"


def test_a_critical_flag_mails_the_supervisor_once_per_call_and_flag(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.db.models import Agent, Call, RubricRecord
    from pipeline.db.scores import save_scorecard

    with smtp_server() as box:
        configure(monkeypatch, smtp_port=box.port)
        team, _ = team_with_supervisor(db, language="tr")
        with session_scope(db) as s:
            agent = Agent(external_id="a-1", name="A. Demir", team_id=team)
            rubric = RubricRecord(name="r", version="1", hash="h" * 64, source="x")
            s.add_all([agent, rubric])
            s.flush()
            call = Call(content_hash="c" * 64, source_key="k.wav", store_url="mem://",
                        status="done", team_id=team,
                        agent_id=agent.id, queue="billing")
            s.add(call)
            s.flush()
            call_id, rubric_id = call.id, rubric.id

        def card(*flags: tuple[str, str]) -> dict:  # type: ignore[type-arg]
            return {"total": 40.0, "auto_failed": False, "sections": [], "notes": [],
                    "results": [], "flags": [
                        {"code": c, "severity": sev, "priority": 80.0,
                         "reason": "customer said: my lawyer, 0532 111 22 33"}
                        for c, sev in flags]}

        for flags in ([("legal_threat", "high"), ("cancellation", "medium")],
                      [("legal_threat", "high")],  # a rescore: the same flag again
                      [("legal_threat", "high"), ("auto_fail", "critical")]):
            with session_scope(db) as s:
                save_scorecard(s, call_id, rubric_id, card(*flags))
        with session_scope(db) as s:  # history only: a person's scorecard stays current
            save_scorecard(s, call_id, rubric_id, card(("pii_spoken_by_agent", "high")),
                           current=False)
        assert deliver(db).sent == 2
    bodies = [body(m) for m in box.messages]
    assert len(bodies) == 2
    assert sum("Hukuki işlem tehdidi (yüksek)" in b for b in bodies) == 1
    assert sum("Otomatik başarısız (kritik)" in b for b in bodies) == 1
    assert all(f"https://qa.example.com/#/calls/{call_id}" in b for b in bodies)
    assert all(subject(m).startswith("İncelenmesi gereken çağrı: billing · ")
               for m in box.messages)
    with session_scope(db) as s:
        payloads = [r.payload for r in s.query(Notification)]
    assert all("0532" not in str(p) and "lawyer" not in str(p) for p in payloads)
    assert {p["flags"][0]["code"] for p in payloads} == {"legal_threat", "auto_fail"}
