"""The flows through Prefect's test harness, with the real model, database and stores."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from pipeline.db.calls import get_call
from pipeline.db.models import Call, UtteranceRecord
from pipeline.db.session import session_scope
from pipeline.settings import get_settings
from tests.conftest import pyannote_sample, rttm_turns

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

SIDECAR = {
    "agent_id": "A-17", "agent_name": "Diane", "team": "East", "queue": "general",
    "direction": "inbound", "started_at": "2026-11-24T09:30:00+03:00", "customer_ref": "C-1",
    "channels": {"0": "agent", "1": "customer"},
}


def put_local(name: str, source: Path, metadata: dict | None = None) -> str:
    root = Path(get_settings().resolved_store_url)
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, root / name)
    if metadata is not None:
        (root / f"{name}.json").write_text(json.dumps(metadata))
    return name


def db() -> str:
    return get_settings().resolved_database_url


def test_stereo_call_end_to_end_and_idempotent(callqa_home: Path, stereo_call: Path) -> None:
    from flows.process import process_recording

    key = put_local("2026/call-1.wav", stereo_call, SIDECAR)
    outcome = process_recording(key)
    assert outcome.status == "done"

    with session_scope(db()) as session:
        call = get_call(session, outcome.call_id)
        assert call is not None and call.status == "done"
        assert (call.diarization, call.channels, call.language) == ("stereo", 2, "en")
        assert call.agent.external_id == "A-17" and call.team.name == "East"
        # time inside the ASR model is kept, and is most (not all) of the processing time
        assert 0 < call.model_seconds < call.processing_seconds
        roles = {u.role for u in call.utterances}
        assert roles == {"agent", "customer"}
        # Diane (channel 0, the agent) says "This is Diane in New Jersey".
        agent_text = " ".join(u.redacted_text for u in call.utterances if u.role == "agent")
        assert "Diane" in agent_text and "New Jersey" in agent_text
        # Talk time per party agrees with the reference timeline within a few seconds.
        truth = {"agent": 0.0, "customer": 0.0}
        for start, end, speaker in rttm_turns():
            truth["agent" if speaker == "speaker90" else "customer"] += end - start
        m = call.metrics
        assert abs(m.talk_agent - truth["agent"]) < 4.0
        assert abs(m.talk_customer - truth["customer"]) < 4.0
        assert m.longest_silence >= 6.0  # nobody speaks for the first 6.7 s
        assert call.utterances[0].text is None  # originals are not kept by default

    again = process_recording(key)
    assert (again.status, again.call_id) == ("skipped", outcome.call_id)
    copy = put_local("2026/call-1-copy.wav", stereo_call)  # same content, another name
    assert process_recording(copy).status == "skipped"
    with session_scope(db()) as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 1


def test_mono_call_is_kept_undiarised_with_a_note(callqa_home: Path) -> None:
    from flows.process import process_recording

    key = put_local("mono.wav", pyannote_sample() / "sample.wav")
    outcome = process_recording(key)
    with session_scope(db()) as session:
        call = get_call(session, outcome.call_id)
        assert call.status == "done" and call.diarization == "none"
        assert {u.role for u in call.utterances} == {"unknown"}
        assert any("CALLQA_DIARIZATION_MODEL" in note for note in call.notes)


def _wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def test_ingest_from_s3_survives_bad_recordings(  # type: ignore[no-untyped-def]
    s3_store, stereo_call: Path, tmp_path: Path
) -> None:
    from flows.ingest import ingest

    rng = np.random.default_rng(1)
    bad = {
        "empty.wav": (tmp_path / "empty.wav", None),
        "notes.mp3": (tmp_path / "notes.mp3", None),
        "cut.wav": (tmp_path / "cut.wav", None),
        "hiss.wav": (_wav(tmp_path / "hiss.wav", rng.standard_normal(16000 * 8) * 0.001), None),
        "blip.wav": (_wav(tmp_path / "blip.wav", rng.standard_normal(8000) * 0.1), None),
        "badmeta.wav": (_wav(tmp_path / "badmeta.wav", rng.standard_normal(16000 * 3) * 0.1),
                        {"direction": "sideways"}),
        "kurdish.wav": (pyannote_sample() / "sample.wav", {"language": "ku"}),
    }
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "notes.mp3").write_bytes(b"meeting notes, not audio " * 50)
    whole = stereo_call.read_bytes()
    (tmp_path / "cut.wav").write_bytes(whole[: len(whole) // 4])
    for name, (path, meta) in bad.items():
        s3_store.put(f"day1/{name}", path, meta)
    s3_store.put("day1/good.wav", stereo_call, SIDECAR)

    report = ingest()
    assert (report.found, report.new, report.done, report.failed) == (8, 8, 1, 7)
    errors = {o.key: o.error for o in report.outcomes if o.status == "failed"}
    expected = {
        "day1/empty.wav": "file is empty",
        "day1/notes.mp3": "not a readable audio file",
        "day1/cut.wav": "truncated",
        "day1/hiss.wav": "no speech found",
        "day1/blip.wav": "shorter than the 1.0 s minimum",
        "day1/badmeta.wav": "direction must be inbound or outbound",
        "day1/kurdish.wav": "Kurdish (ku) but ASR model base does not transcribe it",
    }
    for key, text in expected.items():
        assert errors[key].startswith(f"recording '{key}': "), errors[key]
        assert text in errors[key]
    with session_scope(db()) as session:
        calls = session.scalars(select(Call)).all()
        assert sorted(c.status for c in calls) == ["done"] + ["failed"] * 7
        codes = {c.source_key: c.error_code for c in calls}
        assert codes["day1/kurdish.wav"] == "language" and codes["day1/hiss.wav"] == "no_speech"
        assert session.scalar(select(func.count()).select_from(UtteranceRecord)) > 3

    second = ingest(retry_failed=False)
    assert (second.new, second.skipped) == (0, 8)


@pytest.mark.postgres
def test_process_into_postgresql(
    callqa_home: Path, stereo_call: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.process import process_recording

    monkeypatch.setenv("CALLQA_DATABASE_URL", postgres_url)
    get_settings.cache_clear()
    key = put_local("pg.wav", stereo_call, SIDECAR)
    outcome = process_recording(key)
    with session_scope(postgres_url) as session:
        call = get_call(session, outcome.call_id)
        assert call.status == "done" and call.metrics.talk_agent > 5
        assert len(call.utterances) >= 4
    assert process_recording(key).status == "skipped"
