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


def test_a_header_that_lies_shorter_is_refused_not_cut_short(tmp_path: Path) -> None:
    from pipeline.audio import probe
    from pipeline.errors import AudioDecodeError

    quarter = lying_wav(tmp_path / "quarter.wav", 0, 0.25)
    with pytest.raises(AudioDecodeError) as raised:
        probe(quarter)  # a decoder trusting it would hear 1.5 s of 6 s and say nothing
    assert re.fullmatch(r"WAV header declares \d+ bytes of audio but \d+ follow it: only "
                        r"25% of the recording would be heard\. The recorder wrote a wrong "
                        r"header; fix or re-save the file and upload it again\.",
                        str(raised.value)), str(raised.value)


def test_a_chunk_after_the_audio_is_no_lie(tmp_path: Path) -> None:
    import struct

    from pipeline.audio import load_audio, probe

    path = lying_wav(tmp_path / "tagged.wav", 0, 1.0)
    info = b"INFOICMT" + struct.pack("<I", 20_000) + b"x" * 20_000  # a long comment
    data = bytearray(path.read_bytes() + b"LIST" + struct.pack("<I", len(info)) + info)
    data[4:8] = struct.pack("<I", len(data) - 8)
    path.write_bytes(bytes(data))
    assert probe(path).duration == pytest.approx(6.0, abs=0.2)
    assert load_audio(path).shape[1] / 16_000 == pytest.approx(6.0, abs=0.2)
