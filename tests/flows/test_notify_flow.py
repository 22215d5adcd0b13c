"""The ``notify`` flow delivers the outbox under Prefect: a queued delivery reaches a real
receiver on loopback once, and a second run sends nothing again."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.db.outbox import notify
from pipeline.db.session import ensure_schema, session_scope
from tests.pipeline.notify_servers import configure, webhook_receiver


def test_the_notify_flow_sends_the_outbox_once(
        prefect_harness: None, callqa_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.notify import notify_outbox
    from pipeline.settings import get_settings

    with webhook_receiver() as receiver:
        configure(monkeypatch, webhook_url=receiver.url)
        url = get_settings().resolved_database_url
        ensure_schema(url)
        with session_scope(url) as s:
            assert notify(s, "complaint.opened", "complaint", "case-5", {"title": "T"}) == 1
        assert notify_outbox() == {"sent": 1, "retried": 0, "dead": 0, "lost": 0}
        assert notify_outbox()["sent"] == 0
    assert len(receiver.requests) == 1
    assert receiver.requests[0].document["data"]["subject_id"] == "case-5"
