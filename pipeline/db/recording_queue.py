"""The recording queue: every recording seen in a store, its state, and who is working on it.

    Recording        one object key in one store, noticed by a bucket event or the sweep.
                     It doubles as the processed-keys table (the sweep skips keys it has)
                     and as the claim: a worker takes a recording by setting ``claimed_by``
                     and ``lease_until`` in one conditional UPDATE; a lease that expired
                     (the worker died) may be taken over by another worker.
    IngestCursor     per store: the last key the sweep listed, so a sweep of a bucket with
                     a million objects lists only what is after it (plus a periodic full pass)
    RecordingState   a recording's states (pending, claimed, done, failed, erased)
    due              the SQL condition for a recording a worker may take now

The functions over them live in :mod:`pipeline.db.recordings` (noticing, the sweep's
cursor) and :mod:`pipeline.db.claims` (claims and leases).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.db.models import Base
from pipeline.db.times import utc_now


class RecordingState:
    PENDING = "pending"  # seen, not yet claimed (or released after a failure)
    CLAIMED = "claimed"  # a worker holds the lease
    DONE = "done"
    FAILED = "failed"  # gave up after the allowed attempts; the sweep retries on request
    ERASED = "erased"  # the call was deleted on request or by retention; never re-ingested


def due(now: datetime) -> Any:
    """SQL condition: a recording a worker may take now (pending, or its lease ran out)."""
    return or_(
        Recording.state == RecordingState.PENDING,
        and_(Recording.state == RecordingState.CLAIMED, Recording.lease_until < now),
    )


class Recording(Base):
    __tablename__ = "recordings"
    __table_args__ = (UniqueConstraint("store_url", "key", name="uq_recordings_store_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    store_url: Mapped[str] = mapped_column(String(1024))
    key: Mapped[str] = mapped_column(String(1024))
    size: Mapped[int | None] = mapped_column(BigInteger)
    etag: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="sweep")  # event | sweep | manual
    state: Mapped[str] = mapped_column(String(20), default=RecordingState.PENDING, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # dispatched
    call_id: Mapped[str | None] = mapped_column(String(36))  # no FK: calls may be erased
    error: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class IngestCursor(Base):
    __tablename__ = "ingest_cursors"
    store_url: Mapped[str] = mapped_column(String(1024), primary_key=True)
    last_key: Mapped[str | None] = mapped_column(String(1024))
    full_pass_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    swept_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
