"""Complaint handling against the SLA, per category or team: of the cases opened in a
period, how many were closed and are still open, how many are overdue now, the median and
average hours from opening to closure, and the share closed by their close deadline
(``complaint_cases.sla_met``, decided at closure). A case reopened and closed again counts
its last closure.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.complaint_listing import in_sight
from pipeline.db.complaint_records import CaseStatus, ComplaintCase
from pipeline.db.models import Team
from pipeline.db.times import as_utc

__all__ = ["KPI_GROUPS", "ComplaintKpi", "complaint_kpis"]

KpiGroup = Literal["category", "team", "none"]
KPI_GROUPS: tuple[KpiGroup, ...] = ("category", "team", "none")


@dataclass(frozen=True)
class ComplaintKpi:
    group: str | None  # the category or team name; None: none given (or "all")
    opened: int
    closed: int
    open: int
    overdue: int
    median_closure_hours: float | None
    average_closure_hours: float | None
    within_sla: float | None  # share of the closed ones closed by their deadline, 4 dp

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def complaint_kpis(session: Session, now: datetime, *, group_by: KpiGroup = "category",
                   since: datetime | None = None, until: datetime | None = None,
                   team_ids: Collection[int] | None = None) -> list[ComplaintKpi]:
    """The KPIs of the cases in sight opened in ``[since, until)``, per group."""
    now = as_utc(now).astimezone(UTC)
    query = select(ComplaintCase, Team.name).outerjoin(
        Team, Team.id == ComplaintCase.team_id).where(*in_sight(team_ids))
    if since is not None:
        query = query.where(ComplaintCase.opened_at >= since)
    if until is not None:
        query = query.where(ComplaintCase.opened_at < until)
    groups: dict[str | None, list[ComplaintCase]] = {}
    for case, team in session.execute(query):
        key = {"category": case.category, "team": team, "none": "all"}[group_by]
        groups.setdefault(key, []).append(case)
    rows = []
    for key, cases in groups.items():
        closed = [c for c in cases if c.status == CaseStatus.CLOSED and c.closed_at]
        hours = [(as_utc(c.closed_at) - as_utc(c.opened_at)).total_seconds() / 3600
                 for c in closed if c.closed_at is not None]
        met = [c.sla_met for c in closed if c.sla_met is not None]
        open_ = [c for c in cases if c.status in CaseStatus.OPEN]
        rows.append(ComplaintKpi(
            group=key, opened=len(cases), closed=len(closed), open=len(open_),
            overdue=sum(1 for c in open_ if c.due_at is not None and as_utc(c.due_at) < now),
            median_closure_hours=round(statistics.median(hours), 1) if hours else None,
            average_closure_hours=round(statistics.fmean(hours), 1) if hours else None,
            within_sla=round(sum(met) / len(met), 4) if met else None))
    rows.sort(key=lambda r: (r.group is None, -r.opened, r.group or ""))
    return rows
