"""Every download of call content is on record: a recording played or saved, a clip's
audio, a CSV export. One audit entry per download, committed before the bytes go out.

A player's seek is not a new download: a ranged request that does not start at byte 0
continues one already recorded (:func:`starts_a_download`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.audit import audit

__all__ = ["range_starts", "record_download", "starts_a_download"]


def range_starts(range_header: str | None) -> list[int | None] | None:
    """The first byte of each range of an HTTP ``Range: bytes=…`` header, None for a
    suffix range (``-500``: the last 500 bytes); None for no header or another unit."""
    unit, _, spec = (range_header or "").partition("=")
    if unit.strip().lower() != "bytes":
        return None
    firsts = [part.split("-")[0].strip() for part in spec.split(",")]
    return [int(f) if f.isdigit() else None for f in firsts]


def starts_a_download(range_header: str | None) -> bool:
    """True for a plain GET and for a range from byte 0 (what a player asks first)."""
    starts = range_starts(range_header)
    return starts is None or starts[0] in (None, 0)


def record_download(session: Session, user: User, action: str, object_type: str,
                    object_id: object, **detail: Any) -> None:
    """Write and commit the audit entry of one download (``call.audio``, ``clip.audio``,
    ``dashboard.export``)."""
    audit(session, user, action, object_type, object_id, **detail)
    session.commit()
