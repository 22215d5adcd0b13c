"""The lying-header fault (benchmarks/faults/case_input.py) in one process: a WAV whose
header declares more audio than it holds fails with a sentence a person can act on, and
the same drain goes on to process the honest recording after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from benchmarks.faults.case_input import lying_wav
from pipeline.db import recordings
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import ensure_schema, session_scope
from pipeline.settings import get_settings
from pipeline.store import ObjectInfo

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_a_header_that_lies_longer_fails_saying_so_and_the_drain_goes_on(
    callqa_home: Path,
) -> None:
    from flows.drain import process_queue

    settings = get_settings()
    db, store = settings.resolved_database_url, settings.resolved_store_url
    ensure_schema(db)
    keys = {"2026/12/07/longer.wav": 10.0, "2026/12/07/near-4-gib.wav": 1e6,
            "2026/12/07/honest.wav": 1.0}
    for i, (key, ratio) in enumerate(keys.items()):
        lying_wav(Path(store) / key, i, ratio)
    with session_scope(db) as session:
        recordings.notice(session, store, [ObjectInfo(k, 1, None) for k in keys], "sweep")

    report = process_queue()
    assert (report.claimed, report.failed, report.done) == (3, 2, 1)
    with session_scope(db) as session:
        recs = {r.key: r for r in session.scalars(select(Recording))}
    longer = recs["2026/12/07/longer.wav"]
    assert longer.state == RecordingState.FAILED and longer.attempts == 1  # not retried
    assert longer.error is not None
    said = re.fullmatch(r"recording '2026/12/07/longer\.wav': WAV file is truncated: header "
                        r"declares (\d+) bytes of audio, file holds (\d+)\. Upload the "
                        r"complete recording\.", longer.error)
    assert said is not None, longer.error
    assert int(said[1]) == 10 * int(said[2])  # what the header claims, what is there
    huge = recs["2026/12/07/near-4-gib.wav"]
    assert huge.state == RecordingState.FAILED
    assert "header declares 4294967280 bytes" in (huge.error or "")
    assert recs["2026/12/07/honest.wav"].state == RecordingState.DONE
