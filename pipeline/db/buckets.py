"""Time buckets: the day, week (Monday first) or month a moment falls in, as SQL for each
dialect, and the value a database gives back for one, as a ``date``.

Dashboards (:mod:`pipeline.db.dashboards`), rollups (:mod:`pipeline.db.rollups`) and score
trends (:mod:`pipeline.db.trends`) all group by these expressions, so a live query and a
rollup give the same buckets on SQLite and PostgreSQL alike. Times are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, DateTime, cast, func

Period = Literal["day", "week", "month"]
PERIODS: tuple[Period, ...] = ("day", "week", "month")


def _check(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")


def bucket_start(dialect: str, period: Period, column: Any) -> ColumnElement[Any]:
    """The first day of ``column``'s bucket, as SQL for ``dialect`` ('sqlite', 'postgresql')."""
    _check(period)
    if dialect == "sqlite":
        if period == "day":
            return func.date(column)
        if period == "week":  # the next-or-same Sunday, less six days: that week's Monday
            return func.date(column, "weekday 0", "-6 days")
        return func.strftime("%Y-%m-01", column)
    if dialect == "postgresql":
        return cast(func.date_trunc(period, func.timezone("UTC", column)), Date)
    raise NotImplementedError(f"score trends are not implemented for {dialect!r}")


def day_bucket(dialect: str, period: Period, table: Any) -> ColumnElement[Any]:
    """The first day of a rollup row's day (``table.day``, a date), week or month."""
    _check(period)
    if dialect == "postgresql":
        if period == "day":
            return table.day.expression  # type: ignore[no-any-return]
        return cast(func.date_trunc(period, cast(table.day, DateTime)), Date)
    return bucket_start(dialect, period, table.day)


def as_date(value: Any) -> date:
    """A bucket's value as the database returns it (a date, a datetime, or SQLite's ISO
    text) as a ``date``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
