"""Webhook delivery against a real receiver on loopback: retried until it accepts and then
delivered once, signed so the receiver can check it; a receiver that is down is retried
with backoff and given up (a dead letter) after the last try, and a person's retry sends
it; a refusal (4xx) is dead at once; two workers never send one delivery twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest

from pipeline.db.outbox import DeliveryStatus, notify
from pipeline.db.session import session_scope
from pipeline.db.times import as_utc, utc_now
from pipeline.notify import (
    DeliveryOptions,
    count_deliveries,
    deliver_due,
    delivery_public,
    list_deliveries,
    retry_delivery,
    verify,
)
from tests.pipeline.notify_servers import SECRET, configure, free_port, webhook_receiver

FAST = DeliveryOptions(max_attempts=4, backoff_seconds=10, backoff_max_seconds=60,
                       lease_seconds=30, timeout_seconds=3)


def queue(db: str, subject: str = "case-1") -> None:
    with session_scope(db) as s:
        assert notify(s, "complaint.opened", "complaint", subject,
                      {"title": "Billing complaint", "due_at": "2026-12-10"}) == 1


def only(db: str, status: str | None = None) -> dict:  # type: ignore[type-arg]
    with session_scope(db) as s:
        found = list_deliveries(s, status)
        assert len(found) == 1, [delivery_public(r) for r in found]
        return delivery_public(found[0])


def factory(db: str):  # type: ignore[no-untyped-def]
    return lambda: session_scope(db)


def test_failing_receiver_gets_it_once_after_retries_and_signed(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with webhook_receiver(fail_first=2, fail_status=503) as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        queue(db)
        now = utc_now()
        first = deliver_due(factory(db), now, options=FAST)
        assert first.retried == 1 and first.sent == 0
        row = only(db, DeliveryStatus.QUEUED)
        assert row["attempts"] == 1 and "webhook 'ops' answered 503" in row["last_error"]
        wait = as_utc(datetime.fromisoformat(row["next_attempt_at"])) - now
        assert timedelta(seconds=5) <= wait <= timedelta(seconds=10)  # 10 s with jitter
        assert deliver_due(factory(db), now, options=FAST).to_dict()["sent"] == 0  # not due
        assert deliver_due(factory(db), now + timedelta(seconds=11), options=FAST).retried == 1
        third = deliver_due(factory(db), now + timedelta(seconds=60), options=FAST)
        assert third.sent == 1
        assert deliver_due(factory(db), now + timedelta(hours=1), options=FAST).sent == 0
    row = only(db, DeliveryStatus.SENT)
    assert row["attempts"] == 3 and row["last_error"] is None and row["sent_at"]
    assert len(receiver.requests) == 3 and receiver.accepted_ids == [row["delivery_id"]]
    got = receiver.requests[-1]
    assert {r.delivery_id for r in receiver.requests} == {row["delivery_id"]}  # stable id
    assert got.headers["x-callqa-event"] == "complaint.opened"
    assert got.document["data"]["title"] == "Billing complaint"
    stamp, signature = got.headers["x-callqa-timestamp"], got.headers["x-callqa-signature"]
    assert signature.startswith("sha256=")
    assert verify(SECRET, stamp, got.body, signature)
    assert not verify("another-secret-entirely", stamp, got.body, signature)
    assert not verify(SECRET, stamp, got.body.replace(b"Billing", b"Billinh"), signature)
    assert not verify(SECRET, stamp, got.body, signature, now=int(stamp) + 3600)  # replayed


def test_receiver_down_backs_off_then_dead_then_retried(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    configure(monkeypatch, webhook_url=f"http://127.0.0.1:{port}/hook")
    queue(db)
    now = utc_now()
    waits = []
    for _ in range(FAST.max_attempts):
        report = deliver_due(factory(db), now, options=FAST)
        assert report.sent == 0 and report.retried + report.dead == 1
        row = only(db)
        assert "could not be reached (connection refused)" in row["last_error"]
        assert str(port) not in row["last_error"] and SECRET not in row["last_error"]
        if row["status"] == DeliveryStatus.QUEUED:
            due = as_utc(datetime.fromisoformat(row["next_attempt_at"]))
            waits.append((due - now).total_seconds())
            now = due
    assert row["status"] == DeliveryStatus.DEAD and row["attempts"] == FAST.max_attempts
    assert "gave up after 4 tries" in row["last_error"]
    # exponential: 10, 20, 40 s, each with its jitter of 0.5-1.0
    assert [b / 2 <= w <= b for w, b in zip(waits, (10, 20, 40), strict=True)] == [True] * 3
    assert deliver_due(factory(db), now + timedelta(days=1), options=FAST).to_dict() == {
        "sent": 0, "retried": 0, "dead": 0, "lost": 0}
    with session_scope(db) as s:
        assert count_deliveries(s, DeliveryStatus.DEAD) == 1
        dead_id = list_deliveries(s, DeliveryStatus.DEAD)[0].id
    with webhook_receiver() as receiver:  # the receiver is back, on its old address
        monkeypatch.setenv("CALLQA_WEBHOOKS", f'[{{"name": "ops", "url": "{receiver.url}", '
                                              f'"secret": "{SECRET}"}}]')
        from pipeline.settings import get_settings
        get_settings.cache_clear()
        later = now + timedelta(days=1)
        with session_scope(db) as s:
            retry_delivery(s, dead_id, later)
        assert deliver_due(factory(db), later, options=FAST).sent == 1
    assert only(db, DeliveryStatus.SENT)["attempts"] == 1
    assert len(receiver.requests) == 1
    from pipeline.errors import Conflict, NotFound
    with session_scope(db) as s:
        with pytest.raises(Conflict, match="is sent"):
            retry_delivery(s, dead_id)
        with pytest.raises(NotFound, match="callqa notifications list --dead"):
            retry_delivery(s, 999_999)


def test_a_refusing_receiver_is_dead_at_once(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with webhook_receiver(fail_first=1, fail_status=410) as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        queue(db)
        assert deliver_due(factory(db), options=FAST).dead == 1
    row = only(db, DeliveryStatus.DEAD)
    assert row["attempts"] == 1 and "answered 410 Gone: it refuses this delivery" in row[
        "last_error"]
    with webhook_receiver(fail_first=1, fail_status=429) as receiver:  # too many: retried
        configure(monkeypatch, webhook_url=receiver.url)
        queue(db, "case-2")
        assert deliver_due(factory(db), options=FAST).retried == 1


def test_two_workers_never_send_one_delivery_twice(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with webhook_receiver() as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        for i in range(24):
            queue(db, f"case-{i}")
        barrier = threading.Barrier(2)
        reports = []

        def work() -> None:
            barrier.wait()
            reports.append(deliver_due(factory(db), options=FAST))

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    counts = Counter(r.delivery_id for r in receiver.requests)
    assert len(counts) == 24 and set(counts.values()) == {1}, counts
    assert sum(r.sent for r in reports) == 24 and all(r.lost == 0 for r in reports)
    with session_scope(db) as s:
        assert count_deliveries(s, DeliveryStatus.SENT) == 24
