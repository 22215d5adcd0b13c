"""Finding complaint cases: the handler's list (mine, overdue, by state, category, team),
open cases first and the soonest due first, with the counts by state and by category.

``team_ids`` is the reader's sight (:class:`scoring.work.access.Scope`'s ``team_ids``):
None sees every case, a set only the cases of those teams (a case with no team is then
out of sight, as a call with no team is).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, false, func, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.complaint_records import CaseStatus, ComplaintCase
from pipeline.db.times import as_utc

__all__ = ["CaseCounts", "CaseFilters", "CasePage", "case_counts", "in_sight", "list_cases"]


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None  # one state; "open": any but closed
    category: str | None = None  # "none": cases without one
    team_id: int | None = None
    owner_id: int | None = None  # "my cases"
    overdue: bool = False  # open and past due at ``now``


@dataclass(frozen=True)
class CasePage:
    rows: list[tuple[ComplaintCase, bool]]  # the case, and whether it is overdue now
    count: int


@dataclass(frozen=True)
class CaseCounts:
    by_status: dict[str, int]
    by_category: list[dict[str, Any]]  # {category, open, overdue, closed, total}
    overdue: int


def in_sight(team_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    if team_ids is None:
        return []
    if not team_ids:
        return [false()]
    return [ComplaintCase.team_id.in_(list(team_ids))]


def _overdue(now: datetime) -> ColumnElement[bool]:
    return (ComplaintCase.status.in_(CaseStatus.OPEN) & ComplaintCase.due_at.is_not(None)
            & (ComplaintCase.due_at < now))


def _conditions(filters: CaseFilters, now: datetime,
                team_ids: Collection[int] | None) -> list[ColumnElement[bool]]:
    where = in_sight(team_ids)
    if filters.status == "open":
        where.append(ComplaintCase.status.in_(CaseStatus.OPEN))
    elif filters.status is not None:
        where.append(ComplaintCase.status == filters.status)
    if filters.category == "none":
        where.append(ComplaintCase.category.is_(None))
    elif filters.category is not None:
        where.append(ComplaintCase.category == filters.category)
    if filters.team_id is not None:
        where.append(ComplaintCase.team_id == filters.team_id)
    if filters.owner_id is not None:
        where.append(ComplaintCase.owner_id == filters.owner_id)
    if filters.overdue:
        where.append(_overdue(now))
    return where


def list_cases(session: Session, filters: CaseFilters, now: datetime, *,
               team_ids: Collection[int] | None = None, skip: int = 0,
               limit: int = 50) -> CasePage:
    """A page of cases: open ones first, the soonest due first, then the newest."""
    now = as_utc(now).astimezone(UTC)
    where = _conditions(filters, now, team_ids)
    count = session.scalar(select(func.count(ComplaintCase.id)).where(*where)) or 0
    closed_last = case((ComplaintCase.status == CaseStatus.CLOSED, 1), else_=0)
    cases = session.scalars(
        select(ComplaintCase).options(selectinload(ComplaintCase.calls)).where(*where)
        .order_by(closed_last, ComplaintCase.due_at.asc().nulls_last(),
                  ComplaintCase.id.desc()).offset(skip).limit(limit)).all()
    rows = [(c, c.status in CaseStatus.OPEN and c.due_at is not None
             and as_utc(c.due_at) < now) for c in cases]
    return CasePage(rows, int(count))


def case_counts(session: Session, now: datetime, *,
                team_ids: Collection[int] | None = None) -> CaseCounts:
    """How many cases in sight are in each state, and per category open, overdue, closed."""
    now = as_utc(now).astimezone(UTC)
    where = in_sight(team_ids)
    by_status = dict.fromkeys(CaseStatus.ALL, 0)
    for status, n in session.execute(select(ComplaintCase.status, func.count())
                                     .where(*where).group_by(ComplaintCase.status)):
        by_status[status] = int(n)
    is_open = ComplaintCase.status.in_(CaseStatus.OPEN)
    rows = session.execute(
        select(ComplaintCase.category, func.count(),
               func.sum(case((is_open, 1), else_=0)),
               func.sum(case((_overdue(now), 1), else_=0)))
        .where(*where).group_by(ComplaintCase.category)).all()
    by_category = sorted(({"category": cat, "total": int(total), "open": int(open_ or 0),
                           "overdue": int(late or 0), "closed": int(total) - int(open_ or 0)}
                          for cat, total, open_, late in rows),
                         key=lambda r: (-r["open"], r["category"] or "~"))
    return CaseCounts(by_status, by_category, sum(r["overdue"] for r in by_category))
