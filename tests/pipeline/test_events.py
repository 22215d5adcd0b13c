"""Bucket event JSON (AWS/moto and MinIO shapes) to keys, and noticing keys: once each,
sidecars never, race-safe on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, func, select, update

from pipeline.db import recordings
from pipeline.db.recording_queue import Recording, RecordingState
from pipeline.db.session import ensure_schema, get_engine, session_scope
from pipeline.errors import CallqaError
from pipeline.events import ObjectEvent, parse_event, store_objects
from pipeline.store import ObjectInfo

STORE = "s3://calls/incoming"


def aws_record(key: str, name: str = "ObjectCreated:Put", bucket: str = "calls",
               size: int = 1234) -> dict:
    """A record as AWS S3 (and moto) put it in the queue message; the key URL-encoded."""
    return {"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": name,
            "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                   "object": {"key": key, "size": size, "eTag": '"0cc175b9c0f1b6a8"'}}}


def minio_body(key: str, name: str = "s3:ObjectCreated:Put") -> dict:
    """The body MinIO posts to a webhook target: EventName, Key, and the same Records."""
    record = aws_record(key, name)
    record["s3"]["object"]["contentType"] = "audio/wav"
    return {"EventName": name, "Key": f"calls/{key}", "Records": [record]}


def test_aws_event_keys_are_url_decoded() -> None:
    body = json.dumps({"Records": [
        aws_record("incoming/2026/11/24/Ay%C5%9Fe+Y%C4%B1lmaz+call%2B1.wav", size=48000),
    ]})
    [event] = parse_event(body)
    assert event == ObjectEvent("calls", "incoming/2026/11/24/Ayşe Yılmaz call+1.wav",
                                48000, "0cc175b9c0f1b6a8", "ObjectCreated:Put")


def test_minio_webhook_body_is_parsed_like_aws() -> None:
    [event] = parse_event(minio_body("incoming/a+b.wav"))
    assert (event.bucket, event.key, event.name) == ("calls", "incoming/a b.wav",
                                                     "ObjectCreated:Put")


def test_only_created_objects_count_and_test_events_are_ignored() -> None:
    assert parse_event({"Service": "Amazon S3", "Event": "s3:TestEvent",
                        "Bucket": "calls"}) == []
    body = {"Records": [aws_record("incoming/gone.wav", "ObjectRemoved:Delete"),
                        aws_record("incoming/new.wav", "ObjectCreated:CompleteMultipartUpload"),
                        aws_record("incoming/copy.wav", "s3:ObjectCreated:Copy")]}
    assert [e.key for e in parse_event(body)] == ["incoming/new.wav", "incoming/copy.wav"]
    sns = {"Type": "Notification", "Message": json.dumps(body)}
    assert [e.key for e in parse_event(sns)] == ["incoming/new.wav", "incoming/copy.wav"]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '{"hello": "world"}'])
def test_a_body_that_is_not_an_event_is_refused_clearly(body: str) -> None:
    with pytest.raises(CallqaError, match="not an S3 event notification"):
        parse_event(body)


def test_events_outside_the_store_are_dropped_and_keys_made_relative() -> None:
    events = [ObjectEvent("calls", "incoming/2026/a.wav", 10),
              ObjectEvent("calls", "archive/b.wav", 10),  # same bucket, outside the prefix
              ObjectEvent("other", "incoming/c.wav", 10)]  # another bucket
    assert store_objects(events, STORE) == [ObjectInfo("2026/a.wav", 10)]
    assert [o.key for o in store_objects(events, "s3://calls")] == [
        "incoming/2026/a.wav", "archive/b.wav"]
    assert store_objects(events, "/srv/recordings") == []  # a folder gets no events


@pytest.fixture
def db_url(both_db_url: str) -> str:
    ensure_schema(both_db_url)
    return both_db_url


def rows(db_url: str) -> dict[str, tuple[str, str, int | None]]:
    with session_scope(db_url) as session:
        return {r.key: (r.state, r.source, r.size) for r in session.scalars(
            select(Recording).where(Recording.store_url == STORE))}


def test_notice_records_new_recordings_once_and_ignores_sidecars(db_url: str) -> None:
    body = {"Records": [aws_record("incoming/day1/a.wav"), aws_record("incoming/day1/a.wav.json"),
                        aws_record("incoming/day1/notes.txt"), aws_record("incoming/day1/b.ogg"),
                        aws_record("incoming/day1/a.wav")]}  # the same object twice
    objects = store_objects(parse_event(body), STORE)
    with session_scope(db_url) as session:
        assert recordings.notice(session, STORE, objects, source="event") == [
            "day1/a.wav", "day1/b.ogg"]
    with session_scope(db_url) as session:  # the event delivered again (at least once)
        assert recordings.notice(session, STORE, objects, source="event") == []
        assert recordings.notice(session, STORE, ["day1/a.wav", "day1/c.wav"]) == ["day1/c.wav"]
        # the same key in another store is another recording
        assert recordings.notice(session, "s3://calls/other", objects) == [
            "day1/a.wav", "day1/b.ogg"]
    assert rows(db_url) == {"day1/a.wav": ("pending", "event", 1234),
                            "day1/b.ogg": ("pending", "event", 1234),
                            "day1/c.wav": ("pending", "sweep", None)}


def test_notice_is_race_safe_when_another_process_inserts_first(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(db_url) as session:
        recordings.notice(session, STORE, ["x/1.wav", "x/3.wav"], source="event")
    # As if a concurrent sweep inserted them after this process looked: the insert itself
    # must skip them, not fail the batch.
    monkeypatch.setattr(recordings, "known_keys", lambda *args: set())
    with session_scope(db_url) as session:
        new = recordings.notice(session, STORE, ["x/1.wav", "x/2.wav", "x/3.wav", "x/4.wav"])
    assert new == ["x/2.wav", "x/4.wav"]
    assert sorted(rows(db_url)) == ["x/1.wav", "x/2.wav", "x/3.wav", "x/4.wav"]


def test_notice_works_in_batches_of_a_thousand(db_url: str) -> None:
    keys = [f"2026/11/{i // 1000:02d}/{i:05d}.wav" for i in range(2500)]
    statements: list[int] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "recordings" in statement:
            statements.append(len(parameters) if isinstance(parameters, list | tuple | dict)
                              else 0)

    engine = get_engine(db_url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(db_url) as session:
            assert len(recordings.notice(session, STORE, keys)) == 2500
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 6  # per page of 1,000: one SELECT ... IN, one INSERT
    with session_scope(db_url) as session:
        total = session.scalar(select(func.count()).select_from(Recording))
        pending = session.scalar(select(func.count()).select_from(Recording).where(
            Recording.state == RecordingState.PENDING))
    assert total == pending == 2500


def test_mark_queued_and_retry_failed(db_url: str) -> None:
    with session_scope(db_url) as session:
        recordings.notice(session, STORE, ["a.wav", "b.wav", "c.wav"])
        session.execute(update(Recording).where(Recording.key == "c.wav").values(
            state=RecordingState.FAILED, error="recording 'c.wav': file is empty"))
        assert recordings.due_keys(session, STORE) == ["a.wav", "b.wav"]
        assert recordings.mark_queued(session, STORE, ["a.wav"]) == 1
        assert recordings.mark_queued(session, STORE) == 1  # b.wav; a.wav already stamped
        assert recordings.retry_failed(session, STORE) == 1
        assert recordings.due_keys(session, STORE) == ["a.wav", "b.wav", "c.wav"]
