"""Two acknowledgements of one scorecard at the same moment (two tabs, a double click that
reaches two workers): the database's unique row decides, so exactly one is recorded (200)
and the other answers 409, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.api.conftest import seed


def test_two_simultaneous_acknowledgements_record_one(
    both_db_url: str, callqa_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scoring.work.acknowledgements as me
    from api.app import create_app
    from pipeline.db.audit import AuditLog
    from pipeline.db.review_records import Acknowledgement
    from pipeline.db.session import session_scope
    from pipeline.settings import Settings

    world = seed(both_db_url, callqa_home / "recordings")
    score = world.scores["a1_clean"]

    # Both requests pass the "acknowledged already?" read before either writes: the
    # barrier holds each one after its read until the other has read too.
    barrier = threading.Barrier(2, timeout=20)
    real: Callable[..., Any] = me.acknowledgements

    def read_then_wait(session: Any, score_ids: list[int]) -> Any:
        found = real(session, score_ids)
        barrier.wait()
        return found

    monkeypatch.setattr(me, "acknowledgements", read_then_wait)
    app = create_app(Settings(home=callqa_home, database_url=both_db_url))
    answers: list[tuple[int, dict[str, Any]]] = []

    def acknowledge() -> None:
        with TestClient(app) as client:  # a client (and a session) per request
            r = client.post(f"/api/v1/scores/{score}/acknowledge",
                            headers=world.auth("agent1"))
            answers.append((r.status_code, r.json()))

    threads = [threading.Thread(target=acknowledge) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(status for status, _ in answers) == [200, 409], answers
    refused = next(body for status, body in answers if status == 409)
    assert refused["error"]["message"] == f"scorecard {score} is acknowledged already"

    with session_scope(both_db_url) as s:
        rows = s.scalars(select(Acknowledgement).where(Acknowledgement.score_id == score)).all()
        assert len(rows) == 1 and rows[0].user_id == world.users["agent1"]
        audited = s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "score.acknowledge", AuditLog.object_id == str(score)))
        assert audited == 1  # the refused request's audit entry was rolled back with it
