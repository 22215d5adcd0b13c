"""A sender killed (SIGKILL) in the middle of a delivery: killed after the receiver got it
but before it was marked sent, it is sent again after the lease expires with the SAME
delivery id, so the receiver's deduped count stays 1; killed before sending, nothing is
lost. The worker is a real subprocess; a hook makes it stop at the chosen moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.db.outbox import DeliveryStatus, notify
from pipeline.db.session import session_scope
from pipeline.db.times import utc_now
from pipeline.notify import DeliveryOptions, deliver_due, delivery_public, list_deliveries
from tests.pipeline.notify_servers import configure, webhook_receiver

WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.db.session import session_scope
    from pipeline.notify import deliver_due

    url, stop_at, marker = sys.argv[1:4]

    def hook(stage, delivery):
        if stage == stop_at:
            Path(marker).write_text(delivery.delivery_id)
            time.sleep(600)  # killed here

    deliver_due(lambda: session_scope(url), hook=hook)
""")


def killed_worker(db: str, stop_at: str, tmp_path: Path) -> str:
    """Run a worker until it reaches ``stop_at`` ("claimed": before sending, "sent": the
    receiver has it, the outcome not yet committed), SIGKILL it; the delivery id it held."""
    marker = tmp_path / f"at-{stop_at}"
    proc = subprocess.Popen([sys.executable, "-c", WORKER, db, stop_at, str(marker)],
                            env=dict(os.environ), cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() or not marker.read_text():
            assert proc.poll() is None, "the worker ended before reaching its stop"
            assert time.monotonic() < deadline, "the worker never reached its stop"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    return marker.read_text()


def rows(db: str) -> list[dict]:  # type: ignore[type-arg]
    with session_scope(db) as s:
        return [delivery_public(r) for r in list_deliveries(s)]


OPTIONS = DeliveryOptions(lease_seconds=120)  # the worker's default lease too


@pytest.mark.timeout(300)
def test_killed_after_the_receiver_got_it_resends_with_the_same_id(
        db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with webhook_receiver() as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        with session_scope(db) as s:
            notify(s, "flag.critical", "call", "call-9", {"title": "x"}, dedup_key="flag:x")
        held = killed_worker(db, "sent", tmp_path)
        assert [r.delivery_id for r in receiver.requests] == [held]
        [row] = rows(db)
        assert row["status"] == DeliveryStatus.SENDING and row["attempts"] == 1
        # while the dead worker's lease runs, nobody else sends it
        assert deliver_due(lambda: session_scope(db), options=OPTIONS).sent == 0
        after = utc_now() + timedelta(seconds=121)
        assert deliver_due(lambda: session_scope(db), after, options=OPTIONS).sent == 1
    assert [r.delivery_id for r in receiver.requests] == [held, held]  # resent, same id
    assert receiver.accepted_ids == [held]  # the receiver's deduped count is 1
    [row] = rows(db)
    assert row["status"] == DeliveryStatus.SENT and row["attempts"] == 2


@pytest.mark.timeout(300)
def test_killed_before_sending_loses_nothing(
        db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with webhook_receiver() as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        with session_scope(db) as s:
            notify(s, "flag.critical", "call", "call-10", {"title": "x"}, dedup_key="flag:x")
        held = killed_worker(db, "claimed", tmp_path)
        assert receiver.requests == []
        after = utc_now() + timedelta(seconds=121)
        assert deliver_due(lambda: session_scope(db), after, options=OPTIONS).sent == 1
    assert receiver.accepted_ids == [held] and len(receiver.requests) == 1
    assert rows(db)[0]["status"] == DeliveryStatus.SENT
