"""First-contact resolution and repeat contacts per agent, team, queue or reason
(:mod:`pipeline.db.repeats`), for the calls in the reader's sight; JSON and CSV.

    GET /api/v1/dashboards/resolution?group_by=agent&date_from=...
    GET /api/v1/dashboards/resolution.csv?...
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.csv_cells import csv_cell
from api.deps import SessionDep, SettingsDep, StaffUser
from api.routes.dashboards import summary_query
from api.schemas.dashboards import ResolutionPublic, ResolutionRowPublic
from pipeline.db.dashboards import group_names
from pipeline.db.repeats import FcrGroup, ResolutionRow, resolution
from pipeline.db.search import CallFilters
from scoring.work.access import scope_of
from scoring.work.downloads import record_download

router = APIRouter(prefix="/api/v1/dashboards", tags=["dashboards"])
Text = Annotated[str | None, Query(max_length=200)]

GroupQuery = Annotated[FcrGroup, Query(
    description="Split by this; reason is the primary contact reason.")]
def resolution_filters(
    date_from: Annotated[datetime | None, Query(description="started_at >= this")] = None,
    date_to: Annotated[datetime | None, Query(description="started_at < this")] = None,
    team: Text = None, agent: Text = None, queue: Text = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    direction: Annotated[Literal["inbound", "outbound"] | None, Query()] = None,
    reason: Annotated[str | None, Query(max_length=120)] = None,
    product: Annotated[str | None, Query(max_length=60)] = None,
    region: Annotated[str | None, Query(max_length=60)] = None,
    channel: Annotated[str | None, Query(max_length=60)] = None,
) -> CallFilters:
    return dataclasses.replace(summary_query(
        date_from=date_from, date_to=date_to, team=team, agent=agent, queue=queue,
        language=language, direction=direction, region=region, channel=channel,
        product=product).filters, reason=reason)


FiltersDep = Annotated[CallFilters, Depends(resolution_filters)]
FIELDS = ("group", "calls", "repeats", "first_contacts", "resolved", "fcr", "repeat_rate")


def _rows(session: SessionDep, user: StaffUser, q: FiltersDep,
          group_by: FcrGroup) -> list[ResolutionRow]:
    scope = scope_of(user)
    return resolution(session, q, group_by, agent_ids=scope.agent_ids,
                      team_ids=scope.team_ids)


@router.get("/resolution", summary="First-contact resolution and repeat-contact rate")
def dashboard_resolution(user: StaffUser, session: SessionDep, settings: SettingsDep,
                         q: FiltersDep, group_by: GroupQuery = "none") -> ResolutionPublic:
    """The period and date filters are the summary's (``period`` is not used: one row per
    group over the whole range). A call counts where its reason and customer are known."""
    rows = _rows(session, user, q, group_by)
    names = group_names(session, "agent", (r.group for r in rows)) if group_by == "agent" \
        else {}
    return ResolutionPublic(group_by=group_by, window_days=settings.repeat_window_days,
                            data=[ResolutionRowPublic.model_validate(r) for r in rows],
                            names=names)


@router.get("/resolution.csv", response_class=Response, response_model=None,
            summary="First-contact resolution as a CSV download",
            responses={200: {"content": {"text/csv": {}}, "description": "CSV, a header row"}})
def dashboard_resolution_csv(user: StaffUser, session: SessionDep, q: FiltersDep,
                             group_by: GroupQuery = "none") -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    rows = _rows(session, user, q, group_by)
    for r in rows:
        writer.writerow([csv_cell(getattr(r, f)) for f in FIELDS])
    record_download(session, user, "dashboard.export", "dashboard", "resolution",
                    group_by=group_by, rows=len(rows))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="callqa-resolution-{group_by}.csv"'})
