"""The processed-keys table (:class:`~pipeline.db.recording_queue.Recording`) and the sweep's
cursor, as plain functions over a Session: nothing here knows Prefect or HTTP.

A recording is *noticed* once, by whoever sees it first (a bucket event, the sweep, a
person): :func:`notice` inserts the keys it has not seen as ``pending`` rows, race-safe
(``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL, ``INSERT OR IGNORE`` on SQLite), so an
event and a sweep that notice the same key at the same moment make one row. It asks the
table first which keys of the page it already has (one ``key IN (...)`` query per 1,000
keys) and inserts only the others: a full pass over a million known keys writes nothing
and, on PostgreSQL, burns no id sequence values.

A recording is *due* when it is ``pending``, or ``claimed`` by a worker whose lease ran out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, literal, select, update
from sqlalchemy.orm import Session

from pipeline.db.models import Call, CallStatus
from pipeline.db.recording_queue import IngestCursor, Recording, RecordingState, due
from pipeline.db.session import upsert_insert
from pipeline.store import ObjectInfo, is_recording_key

BATCH = 1000  # keys per query: well under SQLite's and PostgreSQL's parameter limits
SOURCES = frozenset({"event", "sweep", "manual"})
TABLE = cast(Table, Recording.__table__)  # Core inserts: no ORM bookkeeping per row


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything callqa stores is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


# Noticing ----------------------------------------------------------------------------


def known_keys(session: Session, store_url: str, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` (at most :data:`BATCH` of them) the table already has."""
    if len(keys) > BATCH:
        raise ValueError(f"known_keys takes at most {BATCH} keys at a time, not {len(keys)}")
    if not keys:
        return set()
    rows = session.scalars(
        select(Recording.key).where(Recording.store_url == store_url, Recording.key.in_(keys))
    )
    return set(rows)


def notice(
    session: Session,
    store_url: str,
    items: Iterable[ObjectInfo | str],
    source: str = "sweep",
) -> list[str]:
    """Record the recordings among ``items`` that the table does not have yet as pending.

    Sidecars (``<key>.json``) and other non-audio objects are ignored; a key given twice
    counts once. Returns the keys that are new, in the order given. Flushes, does not
    commit: the caller's transaction decides (an event is acknowledged only after it).
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {sorted(SOURCES)}, not {source!r}")
    new: list[str] = []
    page: dict[str, ObjectInfo] = {}
    for item in items:
        info = item if isinstance(item, ObjectInfo) else ObjectInfo(key=item, size=0)
        if not is_recording_key(info.key) or info.key in page:
            continue
        page[info.key] = info
        if len(page) >= BATCH:
            new += _notice_page(session, store_url, page, source)
            page = {}
    if page:
        new += _notice_page(session, store_url, page, source)
    return new


def _notice_page(
    session: Session, store_url: str, page: dict[str, ObjectInfo], source: str
) -> list[str]:
    known = known_keys(session, store_url, list(page))
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {"store_url": store_url, "key": info.key, "size": info.size or None,
         "etag": (info.etag or "").strip('"') or None, "source": source,
         "state": RecordingState.PENDING, "attempts": 0, "seen_at": now, "updated_at": now}
        for key, info in page.items() if key not in known
    ]
    if not rows:
        return []
    # One compiled statement, executed for many rows (SQLAlchemy batches them into
    # multi-row INSERTs); a key another process inserted meanwhile is not returned.
    stmt = upsert_insert(session, TABLE).on_conflict_do_nothing(
        index_elements=["store_url", "key"]
    ).returning(TABLE.c.key)
    inserted = set(session.connection().execute(stmt, rows).scalars())
    return [str(row["key"]) for row in rows if row["key"] in inserted]


def adopt_calls(session: Session, store_url: str) -> int:
    """Enter the calls processed before this table existed (done or failed) as such, so
    the first sweep after an upgrade does not download every old recording again."""
    now = utcnow()
    adopted = 0
    for status, state in ((CallStatus.DONE, RecordingState.DONE),
                          (CallStatus.FAILED, RecordingState.FAILED)):
        chosen = (
            select(
                literal(store_url), Call.source_key, literal("sweep"), literal(state),
                literal(0), func.max(Call.id), literal(now), literal(now),
            )
            .where(Call.store_url == store_url, Call.status == status)
            .group_by(Call.source_key)
        )
        stmt = upsert_insert(session, TABLE).from_select(
            ["store_url", "key", "source", "state", "attempts", "call_id", "seen_at",
             "updated_at"],
            chosen,
        ).on_conflict_do_nothing(index_elements=["store_url", "key"]).returning(Recording.id)
        adopted += len(session.scalars(stmt).all())
    return adopted


# The sweep's cursor ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where the sweep of one store stands."""

    store_url: str
    last_key: str | None = None  # the greatest key listed so far
    full_pass_at: datetime | None = None  # when the last complete listing finished
    swept_at: datetime | None = None
    exists: bool = False  # False: this store was never swept

    def full_pass_due(self, every: timedelta, now: datetime | None = None) -> bool:
        if self.full_pass_at is None:
            return True
        return (now or utcnow()) - self.full_pass_at >= every


def read_cursor(session: Session, store_url: str) -> Cursor:
    row = session.get(IngestCursor, store_url)
    if row is None:
        return Cursor(store_url)
    return Cursor(store_url, row.last_key, _aware(row.full_pass_at), _aware(row.swept_at), True)


def write_cursor(
    session: Session,
    store_url: str,
    *,
    last_key: str | None = None,
    full_pass_at: datetime | None = None,
    swept_at: datetime | None = None,
) -> None:
    """Move the cursor (creating it); fields left None stay. ``last_key`` never moves back."""
    row = session.get(IngestCursor, store_url)
    if row is None:
        row = IngestCursor(store_url=store_url)
        session.add(row)
    if last_key is not None and (row.last_key is None or last_key > row.last_key):
        row.last_key = last_key
    if full_pass_at is not None:
        row.full_pass_at = full_pass_at
    if swept_at is not None:
        row.swept_at = swept_at
    session.flush()


# Due recordings, inline processing, dispatch ----------------------------------



def count_known(session: Session, store_url: str) -> int:
    """Recordings of the store the table holds (erased ones not counted)."""
    return session.scalar(
        select(func.count()).select_from(Recording).where(
            Recording.store_url == store_url, Recording.state != RecordingState.ERASED
        )
    ) or 0


def due_keys(
    session: Session, store_url: str, limit: int | None = None, now: datetime | None = None
) -> list[str]:
    """Keys of the store's due recordings in the order they were noticed (how many there
    are: :func:`pipeline.db.claims.due_count`)."""
    query = (
        select(Recording.key)
        .where(Recording.store_url == store_url, due(now or utcnow()))
        .order_by(Recording.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def retry_failed(session: Session, store_url: str) -> int:
    """Put the store's failed recordings back in the queue (on request: a person fixed a
    sidecar, or installed a model that can transcribe the language)."""
    result = session.execute(
        update(Recording)
        .where(Recording.store_url == store_url, Recording.state == RecordingState.FAILED)
        .values(state=RecordingState.PENDING, queued_at=None, attempts=0, updated_at=utcnow())
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def mark_queued(
    session: Session, store_url: str, keys: Sequence[str] | None = None,
    at: datetime | None = None,
) -> int:
    """Stamp pending recordings (all of the store's not yet stamped, or ``keys``) as handed
    to workers, so operators can tell 'waiting for a run' from 'never dispatched'."""
    query = update(Recording).where(
        Recording.store_url == store_url,
        Recording.state == RecordingState.PENDING,
        Recording.queued_at.is_(None),
    )
    at = at or utcnow()
    if keys is None:
        return session.execute(query.values(queued_at=at)).rowcount or 0  # type: ignore[attr-defined]
    marked = 0
    for i in range(0, len(keys), BATCH):
        page = list(keys[i : i + BATCH])
        result = session.execute(query.where(Recording.key.in_(page)).values(queued_at=at))
        marked += result.rowcount or 0  # type: ignore[attr-defined]
    return marked
