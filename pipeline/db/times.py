"""Time helpers every record module shares: callqa stores every moment in UTC.

    utc_now  now, timezone-aware, in UTC: the default of every ``created_at``-like column
    as_utc   a datetime read back from the database made aware again (SQLite hands back
             naive datetimes; what callqa stored was UTC)
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; callqa stores UTC, so make them aware again."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
