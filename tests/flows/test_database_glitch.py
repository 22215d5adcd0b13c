"""A database that fails under the work (a killed connection, a restart) is no fault of
the recording: the drain defers what it claimed without spending an attempt and stops,
and the recording is processed once the database answers, as one call (issue 16; the
fault suite's pg-terminate case once brought a recording to its third attempt)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from pipeline.db.models import Call
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import database_failure, session_scope
from tests.flows.test_drain import add, setup_store, states

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def test_a_database_glitch_spends_no_attempt_and_the_call_is_stored_once(
    callqa_home: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows import process
    from flows.drain import process_queue

    db, store, keys = setup_store([(2.0, 8.0), (12.0, 18.0)])
    for key in keys:
        add(db, store, key)
    real = process.analyse_and_store
    glitches = [True, True]  # the first two tries lose their connection while storing

    def storing(*args: Any, **kwargs: Any) -> Any:
        if glitches:
            glitches.pop()
            killed = Exception("terminating connection due to administrator command")
            raise database_failure(db, OperationalError("INSERT ...", {}, killed))
        return real(*args, **kwargs)

    monkeypatch.setattr(process, "analyse_and_store", storing)
    monkeypatch.setattr(process, "DB_AWAY_SECONDS", 0)  # due again at once
    monkeypatch.setenv("CALLQA_CLAIM_MAX_ATTEMPTS", "1")  # a spent attempt would fail it

    for _ in range(2):
        report = process_queue()
        assert (report.claimed, report.deferred, report.failed) == (1, 1, 0)
        assert report.stopped == "database unavailable"  # the next claim would fail too
        with session_scope(db) as s:
            waiting = s.scalars(select(Recording).where(
                Recording.state == RecordingState.CLAIMED)).one()
            assert waiting.attempts == 0 and waiting.error is None
            assert waiting.claimed_by.startswith("waiting: database unavailable: database ")
            assert "failed under the work" in waiting.claimed_by
    report = process_queue()
    assert (report.done, report.failed, report.stopped) == (2, 0, "nothing due")
    assert states(db) == {k: ("done", 1) for k in keys}
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Call)) == 2
