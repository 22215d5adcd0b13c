"""The sweep: a cursor pass lists only what is new, a full pass (when due) finds keys that
sort before the cursor, and a big store sweeps in pages with a bounded number of queries."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select

from pipeline.db import recordings
from pipeline.db.models import Call, CallStatus
from pipeline.db.recording_queue import Recording
from pipeline.db.session import ensure_schema, get_engine, session_scope
from pipeline.store import LocalStore, ObjectInfo
from pipeline.sweep import sweep


@dataclass
class CountingStore:
    """A real store that remembers every listing asked of it and every key it handed out."""

    inner: LocalStore
    listings: list[str | None] = field(default_factory=list)  # start_after of each
    listed: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.inner.url

    def list_recordings(
        self, start_after: str | None = None, prefix: str | None = None
    ) -> Iterator[ObjectInfo]:
        self.listings.append(start_after)
        for info in self.inner.list_recordings(start_after, prefix):
            self.listed.append(info.key)
            yield info


@pytest.fixture
def db_url(both_db_url: str) -> str:
    ensure_schema(both_db_url)
    return both_db_url


def touch(root: Path, *keys: str) -> None:
    for key in keys:
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(b"RIFF")


def keys_in_table(db_url: str, store_url: str) -> set[str]:
    with session_scope(db_url) as session:
        return set(session.scalars(select(Recording.key).where(
            Recording.store_url == store_url)))


def test_cursor_pass_lists_only_keys_after_the_cursor(db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    touch(root, "2026/11/23/0900-A1.wav", "2026/11/23/0900-A1.wav.json",
          "2026/11/23/0915-A2.wav", "2026/11/24/0930-A1.wav", "2026/11/24/notes.txt")
    store = CountingStore(LocalStore(root))

    first = sweep(store, db_url)  # the first sweep of a store is a full pass
    assert first.full_pass and first.listed == 3
    assert first.noticed == ["2026/11/23/0900-A1.wav", "2026/11/23/0915-A2.wav",
                             "2026/11/24/0930-A1.wav"]  # no sidecar, no notes
    assert first.cursor == "2026/11/24/0930-A1.wav"

    touch(root, "2026/11/24/1000-A3.wav", "2026/11/25/0800-A2.wav", "2026/11/25/0800-A2.wav.json")
    store.listed.clear()
    second = sweep(store, db_url)
    assert not second.full_pass
    assert store.listings[-1] == "2026/11/24/0930-A1.wav"
    assert store.listed == ["2026/11/24/1000-A3.wav", "2026/11/25/0800-A2.wav"]  # nothing old
    assert second.noticed == store.listed

    store.listed.clear()
    third = sweep(store, db_url)  # nothing new: nothing listed
    assert (third.listed, third.noticed, store.listed) == (0, [], [])
    with session_scope(db_url) as session:
        cursor = recordings.read_cursor(session, store.url)
    assert cursor.last_key == "2026/11/25/0800-A2.wav" and cursor.swept_at is not None


def test_a_key_before_the_cursor_is_found_by_the_full_pass_when_due(
    db_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "recordings"
    touch(root, "2026/11/24/0930.wav", "2026/11/24/1000.wav")
    store = CountingStore(LocalStore(root))
    every = timedelta(hours=24)  # CALLQA_SWEEP_FULL_PASS_HOURS
    assert sweep(store, db_url, full_pass_every=every).full_pass
    first_pass = last_full_pass(db_url, store.url)
    touch(root, "2026/11/20/late-upload.wav")  # sorts before the cursor

    soon = sweep(store, db_url, full_pass_every=every, now=first_pass + timedelta(hours=23))
    assert not soon.full_pass and soon.noticed == [] and soon.listed == 0
    assert "2026/11/20/late-upload.wav" not in keys_in_table(db_url, store.url)

    later_time = first_pass + timedelta(hours=24, minutes=5)
    later = sweep(store, db_url, full_pass_every=every, now=later_time)
    assert later.full_pass and later.listed == 3
    assert later.noticed == ["2026/11/20/late-upload.wav"]
    assert store.listings[-1] is None  # listed from the start
    assert later.cursor == "2026/11/24/1000.wav"  # the cursor does not move back
    assert last_full_pass(db_url, store.url) == later_time
    # and the next sweep is a cursor pass again
    assert not sweep(store, db_url, full_pass_every=every,
                     now=later_time + timedelta(minutes=5)).full_pass


def last_full_pass(db_url: str, store_url: str) -> datetime:
    with session_scope(db_url) as session:
        cursor = recordings.read_cursor(session, store_url)
    assert cursor.full_pass_at is not None
    return cursor.full_pass_at


def test_first_sweep_adopts_calls_processed_before_the_table_existed(
    db_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "recordings"
    touch(root, "old/done.wav", "old/bad.wav", "new/fresh.wav")
    store = LocalStore(root)
    with session_scope(db_url) as session:
        session.add_all([
            Call(content_hash="1" * 64, source_key="old/done.wav", store_url=store.url,
                 status=CallStatus.DONE),
            Call(content_hash="2" * 64, source_key="old/bad.wav", store_url=store.url,
                 status=CallStatus.FAILED, error="file is empty"),
        ])
    report = sweep(store, db_url)
    assert report.adopted == 2 and report.noticed == ["new/fresh.wav"]
    with session_scope(db_url) as session:
        states = {r.key: r.state for r in session.scalars(select(Recording))}
        assert recordings.due_keys(session, store.url) == ["new/fresh.wav"]
    assert states == {"old/done.wav": "done", "old/bad.wav": "failed", "new/fresh.wav": "pending"}


class ListingOnlyStore:
    """A store of ``days`` x 1,000 date-prefixed recordings, listed in key order on demand
    like a bucket's ListObjects pages; it holds no list of its keys (nor do we)."""

    url = "s3://calls/big"

    def __init__(self, days: int) -> None:
        self.days = days
        self.listings = 0

    def list_recordings(
        self, start_after: str | None = None, prefix: str | None = None
    ) -> Iterator[ObjectInfo]:
        self.listings += 1
        for day in range(1, self.days + 1):
            for i in range(1000):
                key = f"2026/11/{day:02d}/{i:04d}-A{i % 37}.wav"
                if key > (start_after or ""):
                    yield ObjectInfo(key, 480_000, f"{day:02d}{i:04d}")


def test_twenty_thousand_keys_sweep_in_pages_with_bounded_queries_and_memory(
    tmp_path: Path,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'callqa.db'}"
    ensure_schema(db_url)
    store = ListingOnlyStore(days=20)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = get_engine(db_url)
    event.listen(engine, "before_cursor_execute", count)
    tracemalloc.start()
    try:
        report = sweep(store, db_url, full_pass=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        event.remove(engine, "before_cursor_execute", count)
    assert report.listed == 20_000 and len(report.noticed) == 20_000
    assert report.cursor == "2026/11/20/0999-A0.wav"
    # Per page of 1,000 keys: one SELECT ... IN, one INSERT, the cursor's read and update.
    assert len([s for s in statements if '"key" IN (' in s]) == 20
    inserts = [s for s in statements if s.startswith("INSERT INTO recordings") and "VALUES" in s]
    assert len(inserts) == 20
    assert len(statements) <= 20 * 4 + 10, len(statements)
    # Holding the 20,000 keys with their rows would take well over 10 MiB (the returned
    # list of new keys alone is ~2 MiB); a page at a time stays far below.
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB"

    statements.clear()
    event.listen(engine, "before_cursor_execute", count)
    try:
        again = sweep(store, db_url, full_pass=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert (again.listed, again.noticed) == (20_000, [])
    assert not [s for s in statements if s.startswith("INSERT")]  # all known: no writes
    assert len([s for s in statements if '"key" IN (' in s]) == 20

    # The next cursor pass asks for nothing before the cursor.
    store.days = 21
    nxt = sweep(store, db_url, full_pass=False)
    assert nxt.listed == len(nxt.noticed) == 1000 and nxt.noticed[0].startswith("2026/11/21/")


def test_folder_and_bucket_list_in_the_same_order_and_resume_after_a_key(  # type: ignore[no-untyped-def]
    s3_store, tmp_path: Path
) -> None:
    keys = ["2026/11/24/a-b.wav", "2026/11/24/a/b.wav", "2026/11/24/a.wav", "2026/11/24/ab.wav",
            "2026/11/24/Ayşe.wav", "2026/11/25/0800.wav", "2026/11/24/a.wav.json"]
    local = LocalStore(tmp_path / "recordings")
    touch(local.root, *keys)
    source = tmp_path / "one.wav"
    source.write_bytes(b"RIFF")
    for key in keys:
        s3_store.put(key, source)

    expected = sorted(k for k in keys if not k.endswith(".json"))  # S3's (byte) order
    assert [i.key for i in local.list_recordings()] == expected
    assert [i.key for i in s3_store.list_recordings()] == expected
    cursor = "2026/11/24/a.wav"
    after = [k for k in expected if k > cursor]
    assert [i.key for i in local.list_recordings(start_after=cursor)] == after
    assert [i.key for i in s3_store.list_recordings(start_after=cursor)] == after
    for store in (local, s3_store):
        assert [i.key for i in store.list_recordings(prefix="2026/11/25/")] == [
            "2026/11/25/0800.wav"]
