"""GET /api/v1/admin/status: the recording queue as ``callqa status`` shows it, for admins
only (issue 16's operator view)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import session_scope
from tests.api.conftest import Api


def test_admins_see_the_queue_and_no_one_else_does(api: Api) -> None:
    now = datetime.now(UTC)
    with session_scope(api.world.url) as s:
        s.add(Recording(store_url="s3://calls/", key="2026/12/04/late.wav", source="event",
                        state=RecordingState.PENDING, attempts=0,
                        seen_at=now - timedelta(minutes=42)))
        s.add(Recording(store_url="s3://calls/", key="2026/12/04/busy.wav", source="sweep",
                        state=RecordingState.CLAIMED, attempts=1, claimed_by="box-1:17",
                        lease_until=now + timedelta(minutes=3), updated_at=now))
    r = api.get("/api/v1/admin/status", "admin")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["waiting"] == 1 and body["processing"] == 1
    assert body["oldest_waiting"]["key"] == "2026/12/04/late.wav"
    assert 41 * 60 <= body["oldest_waiting"]["age_seconds"] <= 44 * 60
    assert [w["name"] for w in body["workers"]] == ["box-1:17"]
    for user in ("sup", "trainer", "agent1"):
        assert api.get("/api/v1/admin/status", user).status_code == 403
    assert api.get("/api/v1/admin/status").status_code == 401
