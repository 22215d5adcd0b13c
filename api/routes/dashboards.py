"""Dashboards: scores, flags, sentiment and call metrics over time and by group.

``GET /api/v1/dashboards/summary`` (JSON) and ``GET /api/v1/dashboards/summary.csv`` (the
same rows as CSV, a download) take ``period`` (day, week, month), ``group_by`` (none, agent,
team, queue, direction, language, region, channel, product, category: the recorder's
``category``, else the queue), ``date_from`` / ``date_to`` and the call list's filters
(team, agent, queue, language, direction, region, channel, product). Each row carries the
KPIs too: average handle time (duration plus after-call work), FCR, repeat-contact and
complaint rates. Admins, supervisors and trainers (read-only) may use them, over the
calls in their sight (a team-scoped supervisor or trainer: their teams'); agents get 403
(their own view is ``/me/trend``). See :mod:`pipeline.db.dashboards`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.csv_cells import csv_cell
from api.deps import SessionDep, StaffUser
from api.schemas.dashboards import GroupByName, SummaryPublic, SummaryRowPublic
from pipeline.db.accounts import User
from pipeline.db.buckets import Period
from pipeline.db.dashboards import FIELDS, GroupBy, SummaryRow, group_names, summary
from pipeline.db.search import CallFilters
from scoring.work.access import scope_of
from scoring.work.downloads import record_download

router = APIRouter(prefix="/api/v1/dashboards", tags=["dashboards"])

Text = Annotated[str | None, Query(max_length=200)]


@dataclass(frozen=True)
class SummaryQuery:
    period: Period
    group_by: GroupBy
    filters: CallFilters


def summary_query(
    period: Annotated[Literal["day", "week", "month"], Query(
        description="Bucket size: day, week (Monday first) or month (UTC).")] = "week",
    group_by: Annotated[GroupByName, Query(
        description="Split each bucket by this; category is the recorder's `category` "
                    "(metadata), else the queue.")] = "none",
    date_from: Annotated[datetime | None, Query(description="started_at >= this")] = None,
    date_to: Annotated[datetime | None, Query(description="started_at < this")] = None,
    team: Text = None,
    agent: Annotated[str | None, Query(max_length=200, description="An agent's external id.")]
    = None,
    queue: Text = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    direction: Annotated[Literal["inbound", "outbound"] | None, Query()] = None,
    region: Annotated[str | None, Query(max_length=60)] = None,
    channel: Annotated[str | None, Query(max_length=60,
                                         description="voice, chat ... (metadata)")] = None,
    product: Annotated[str | None, Query(max_length=60)] = None,
) -> SummaryQuery:
    return SummaryQuery(period, group_by, CallFilters(
        team=team, agent=agent, queue=queue, language=language, direction=direction,
        date_from=date_from, date_to=date_to, region=region, channel=channel,
        product=product))


SummaryQueryDep = Annotated[SummaryQuery, Depends(summary_query)]


def _rows(session: SessionDep, user: User, q: SummaryQuery) -> list[SummaryRow]:
    scope = scope_of(user)
    return summary(session, q.filters, q.period, q.group_by, agent_ids=scope.agent_ids,
                   team_ids=scope.team_ids)


@router.get("/summary", summary="Scores, rates, sentiment and metrics per period and group")
def dashboard_summary(user: StaffUser, session: SessionDep, q: SummaryQueryDep) -> SummaryPublic:
    rows = _rows(session, user, q)
    return SummaryPublic(period=q.period, group_by=q.group_by, data=[
        SummaryRowPublic.model_validate(r) for r in rows],
        names=group_names(session, q.group_by, (r.group for r in rows)))


@router.get("/summary.csv", response_class=Response, response_model=None,
            summary="The dashboard summary as a CSV download",
            responses={200: {"content": {"text/csv": {}}, "description": "CSV, a header row"}})
def dashboard_summary_csv(user: StaffUser, session: SessionDep, q: SummaryQueryDep) -> Response:
    """Text cells that a spreadsheet would read as a formula get a leading ``'``; the
    export is audited (``dashboard.export``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    rows = _rows(session, user, q)
    for r in rows:
        writer.writerow([v.isoformat() if f == "start" and (v := getattr(r, f)) is not None
                         else csv_cell(getattr(r, f)) for f in FIELDS])
    record_download(session, user, "dashboard.export", "dashboard", "summary",
                    period=q.period, group_by=q.group_by, rows=len(rows))
    name = f"callqa-summary-{q.period}-{q.group_by}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
