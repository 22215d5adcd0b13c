"""The sweep: notice the recordings that bucket events missed, without listing a whole
bucket each time.

Two kinds of pass, both in pages of 1,000 keys, each page noticed and committed on its own
(with the cursor moved in the same transaction), so memory stays bounded and a sweep that
dies half-way keeps what it noticed:

- **cursor pass** (every sweep): lists only the keys that sort after the store's cursor
  (``IngestCursor.last_key``; S3 ListObjectsV2 ``StartAfter``, folders skipped unread on a
  local store) and moves the cursor to the last key listed.
- **full pass** (when ``CALLQA_SWEEP_FULL_PASS_HOURS``, default 24, have passed since the
  last one, or on request): lists everything and compares each page with the processed-keys
  table, one ``key IN (...)`` query per page: never all keys in memory at once.

The keyspace matters. A cursor only catches keys that sort *after* it. Call recorders that
write date-prefixed keys (``2026/11/24/0930-A17.wav``) or otherwise increasing names are
covered by the cursor pass alone: each new recording sorts after the previous ones. A key
that sorts earlier (a late upload into yesterday's folder, a recorder that names files by
agent) is caught by the next full pass, or at once by a bucket event (:mod:`pipeline.events`).

The first sweep of a store enters the calls processed before the processed-keys table
existed (:func:`pipeline.db.recordings.adopt_calls`) and then makes a full pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Protocol

from pipeline.db import recordings
from pipeline.db.session import session_scope
from pipeline.store import ObjectInfo

PAGE = recordings.BATCH


class Listable(Protocol):
    """What a sweep needs of a store (every :class:`~pipeline.store.RecordingStore`)."""

    @property
    def url(self) -> str: ...

    def list_recordings(
        self, start_after: str | None = None, prefix: str | None = None
    ) -> Iterator[ObjectInfo]: ...


@dataclass
class SweepReport:
    store_url: str
    full_pass: bool
    listed: int = 0  # keys the store listed in this sweep
    noticed: list[str] = field(default_factory=list)  # keys new to the table
    adopted: int = 0  # earlier calls entered on the first sweep
    cursor: str | None = None  # the cursor after the sweep

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def pages(items: Iterable[ObjectInfo], size: int = PAGE) -> Iterator[list[ObjectInfo]]:
    it = iter(items)
    while page := list(islice(it, size)):
        yield page


def sweep(
    store: Listable,
    db_url: str,
    *,
    store_url: str | None = None,
    full_pass: bool | None = None,
    full_pass_every: timedelta = timedelta(hours=24),
    now: datetime | None = None,
) -> SweepReport:
    """One sweep of ``store``: a cursor pass, or a full pass when due (``full_pass=None``)
    or asked for (``True``); ``False`` never makes a full pass."""
    store_url = store_url or store.url
    now = now or recordings.utcnow()
    with session_scope(db_url) as session:
        cursor = recordings.read_cursor(session, store_url)
        adopted = 0 if cursor.exists else recordings.adopt_calls(session, store_url)
        recordings.write_cursor(session, store_url)  # exists from now on
    full = cursor.full_pass_due(full_pass_every, now) if full_pass is None else full_pass
    report = SweepReport(store_url, full, adopted=adopted, cursor=cursor.last_key)
    listing = store.list_recordings(start_after=None if full else cursor.last_key)
    for page in pages(listing):
        with session_scope(db_url) as session:
            report.noticed += recordings.notice(session, store_url, page, source="sweep")
            recordings.write_cursor(session, store_url, last_key=page[-1].key)
        report.listed += len(page)
        report.cursor = max(report.cursor or "", page[-1].key)
    with session_scope(db_url) as session:
        if full:
            recordings.write_cursor(session, store_url, full_pass_at=now, swept_at=now)
        else:
            recordings.write_cursor(session, store_url, swept_at=now)
    return report
