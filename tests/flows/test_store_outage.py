"""A store that cannot be reached is no fault of the recordings: the drain defers what it
claimed without spending an attempt and stops, however many times the outage recurs, and
a recording deleted after it was noticed fails with a sentence saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from pipeline.db import recordings
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import ensure_schema, session_scope
from pipeline.settings import get_settings
from pipeline.store import ObjectInfo
from tests.conftest import _clear_caches

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _recording(db: str) -> Recording:
    with session_scope(db) as session:
        rec = session.scalars(select(Recording)).one()
        session.expunge(rec)
        return rec


def test_a_store_outage_spends_no_attempt_and_stops_the_drain(
    callqa_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows import drain, process

    monkeypatch.setenv("CALLQA_STORE_URL", "s3://calls/incoming")
    monkeypatch.setenv("CALLQA_S3_ENDPOINT", f"http://127.0.0.1:{_free_port()}")  # nobody
    monkeypatch.setenv("CALLQA_S3_ACCESS_KEY", "testing")
    monkeypatch.setenv("CALLQA_S3_SECRET_KEY", "testing")
    monkeypatch.setenv("CALLQA_CLAIM_MAX_ATTEMPTS", "1")
    _clear_caches()
    monkeypatch.setattr(process, "fetch_recording",
                        process.fetch_recording.with_options(retries=0))
    monkeypatch.setattr(process, "STORE_AWAY_SECONDS", 0)  # due again at once
    settings = get_settings()
    db = settings.resolved_database_url
    ensure_schema(db)
    with session_scope(db) as session:
        recordings.notice(session, settings.resolved_store_url,
                          [ObjectInfo("2026/12/07/a.wav", 10, None),
                           ObjectInfo("2026/12/07/b.wav", 10, None)], "sweep")

    for _ in range(3):  # three outages in a row, one attempt allowed
        report = drain.process_queue()
        assert (report.claimed, report.deferred, report.failed) == (1, 1, 0)
        assert report.stopped == "store unavailable"  # b.wav was not tried in vain
    with session_scope(db) as session:
        recs = {r.key: r for r in session.scalars(select(Recording))}
        a = recs["2026/12/07/a.wav"]
        assert a.state == RecordingState.CLAIMED and a.attempts == 0 and a.error is None
        assert a.claimed_by.startswith("waiting: store unavailable: cannot reach the S3 "
                                       "endpoint to download")
        assert recs["2026/12/07/b.wav"].state == RecordingState.PENDING


def test_a_recording_deleted_after_it_was_noticed_fails_saying_what_to_do(
    callqa_home: Path,
) -> None:
    from flows.drain import process_queue

    settings = get_settings()
    db = settings.resolved_database_url
    ensure_schema(db)
    with session_scope(db) as session:  # noticed by its event, gone before the fetch
        recordings.notice(session, settings.resolved_store_url,
                          [ObjectInfo("2026/12/07/gone.wav", 10, None)], "event")

    report = process_queue()
    assert (report.claimed, report.failed, report.deferred) == (1, 1, 0)
    rec = _recording(db)
    assert rec.state == RecordingState.FAILED and rec.attempts == 1
    assert rec.error is not None
    assert rec.error.startswith("recording '2026/12/07/gone.wav': no recording")
    assert rec.error.endswith("It was deleted or moved after it was noticed; put it back "
                              "and run `callqa process 2026/12/07/gone.wav` to process it.")
