"""The ``process-queue`` drain and ``process-recording``'s claim, in one process through
Prefect's test harness, with the real model: the drain processes what is due with the model
loaded once, respects its budget and others' leases, and a worker that lost its lease
stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from pipeline.db import claims
from pipeline.db.models import Call, UtteranceRecord
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import ensure_schema, session_scope
from pipeline.settings import get_settings
from tests.flows.test_workers import write_calls

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def setup_store(cuts: list[tuple[float, float]]) -> tuple[str, str, list[str]]:
    settings = get_settings()
    db, store = settings.resolved_database_url, settings.resolved_store_url
    ensure_schema(db)
    return db, store, write_calls(Path(store), cuts)


def add(db: str, store: str, key: str, **fields: object) -> None:
    with session_scope(db) as s:
        s.add(Recording(store_url=store, key=key, source="sweep", **{"attempts": 0, **fields}))


def states(db: str) -> dict[str, tuple[str, int]]:
    with session_scope(db) as s:
        return {r.key: (r.state, r.attempts) for r in s.scalars(select(Recording))}


def test_drain_processes_what_is_due_with_the_model_loaded_once(callqa_home: Path) -> None:
    from flows.drain import process_queue
    from pipeline.transcribe import get_transcriber

    db, store, keys = setup_store([(2.0, 8.0), (12.0, 18.0), (22.0, 28.0)])
    for key in keys:
        add(db, store, key)
    add(db, store, "erased.wav", state=RecordingState.ERASED)
    with session_scope(db) as s:  # another worker is on this one right now
        held = claims.claim_key(s, store, "elsewhere.wav", "host:1:other", 600)
    assert isinstance(held, claims.Claim)

    get_transcriber.cache_clear()
    first = process_queue(max_calls=2)
    assert (first.claimed, first.done, first.stopped) == (2, 2, "max_calls")
    rest = process_queue(store_url=store)
    assert (rest.claimed, rest.done, rest.failed, rest.stopped) == (1, 1, 0, "nothing due")
    assert get_transcriber.cache_info().misses == 1  # one load, warm for every call

    assert states(db) == {**{k: ("done", 1) for k in keys}, "erased.wav": ("erased", 0),
                          "elsewhere.wav": ("claimed", 1)}
    with session_scope(db) as s:
        calls = s.scalars(select(Call)).all()
        assert sorted(c.source_key for c in calls) == sorted(keys)
        assert {c.status for c in calls} == {"done"}
    assert process_queue().claimed == 0


def test_process_recording_skips_a_recording_another_worker_holds(callqa_home: Path) -> None:
    from flows.process import process_recording

    db, store, (key,) = setup_store([(2.0, 8.0)])
    with session_scope(db) as s:
        assert isinstance(claims.claim_key(s, store, key, "host:1:other", 600), claims.Claim)
    outcome = process_recording(key)
    assert (outcome.status, outcome.call_id) == ("skipped", None)
    assert outcome.reason is not None and outcome.reason.startswith("being processed by host:1:")
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Call)) == 0


def test_a_worker_that_lost_its_lease_stores_nothing(
    callqa_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.process as process

    db, _, (key,) = setup_store([(2.0, 8.0)])
    real = process.transcribe_recording

    def transcribe_then_lose_the_lease(*args, **kwargs):  # type: ignore[no-untyped-def]
        transcript = real(*args, **kwargs)
        with session_scope(db) as s:  # meanwhile another worker took the recording over
            s.execute(update(Recording).where(Recording.key == key)
                      .values(claimed_by="host:9:new"))
        return transcript

    monkeypatch.setattr(process, "transcribe_recording", transcribe_then_lose_the_lease)
    with pytest.raises(claims.LeaseLost, match="lost the lease"):
        process.process_recording(key)
    with session_scope(db) as s:
        rec = s.scalar(select(Recording).where(Recording.key == key))
        assert rec is not None and (rec.state, rec.claimed_by) == ("claimed", "host:9:new")
        call = s.scalar(select(Call))
        assert call is not None and call.status == "processing"  # the new holder's to finish
        assert s.scalar(select(func.count()).select_from(UtteranceRecord)) == 0


def test_the_same_audio_under_two_keys_at_once_is_transcribed_once(callqa_home: Path) -> None:
    """Worker A is transcribing key 1; key 2 is the same file. Key 2 waits (no attempt
    spent, nothing transcribed) and, looked at again after A finished, becomes a duplicate
    of A's call."""
    import shutil
    from datetime import UTC, datetime, timedelta

    from flows.drain import process_queue
    from flows.process import process_recording
    from pipeline.audio import content_hash
    from pipeline.db import calls
    from pipeline.metadata import CallMetadata

    db, store, (first,) = setup_store([(2.0, 8.0)])
    second = first.replace("call-0", "copy-of-call-0")
    for suffix in ("", ".json"):
        shutil.copyfile(Path(store) / (first + suffix), Path(store) / (second + suffix))
    with session_scope(db) as s:  # worker A, mid-call on the first key
        assert isinstance(claims.claim_key(s, store, first, "host:1:A", 600), claims.Claim)
        call_a = calls.begin_call(s, content_hash=content_hash(Path(store) / first),
                                  key=first, store_url=store, metadata=CallMetadata()).id

    outcome = process_recording(second)
    assert (outcome.status, outcome.call_id) == ("skipped", call_a)
    assert outcome.reason is not None and "being processed as call" in outcome.reason
    with session_scope(db) as s:
        waiting = s.scalar(select(Recording).where(Recording.key == second))
        assert waiting is not None and waiting.state == "claimed" and waiting.attempts == 0
        assert waiting.claimed_by is not None and waiting.claimed_by.startswith("waiting:")
        assert s.scalar(select(func.count()).select_from(Call)) == 1
        assert s.scalar(select(func.count()).select_from(UtteranceRecord)) == 0
    assert process_queue().claimed == 0  # it waits for its lease to run out

    with session_scope(db) as s:  # A finished; the wait is over
        s.execute(update(Call).where(Call.id == call_a).values(status="done"))
        s.execute(update(Recording).where(Recording.key == second).values(
            lease_until=datetime.now(UTC) - timedelta(seconds=1)))
    report = process_queue()
    assert (report.claimed, report.skipped, report.done) == (1, 1, 0)
    with session_scope(db) as s:
        done = s.scalar(select(Recording).where(Recording.key == second))
        assert done is not None and (done.state, done.call_id) == ("done", call_a)
        assert s.scalar(select(func.count()).select_from(Call)) == 1
