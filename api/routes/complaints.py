"""Complaint cases (ISO 10002) for the complaint handler and the supervisor.

    GET   /api/v1/complaints?mine=&overdue=&status=&category=&team_id=   the list + counts
    GET   /api/v1/complaints/{case_id}                   one case: calls, history, due date
    POST  /api/v1/complaints/{case_id}/transitions       one step (closing: outcome, root
                                                         cause, satisfaction; reopen)
    PATCH /api/v1/complaints/{case_id}                   its owner
    GET   /api/v1/calls/{call_id}/complaint              the case a call belongs to
    POST  /api/v1/calls/{call_id}/complaint              a person decides: a complaint
    GET   /api/v1/dashboards/complaints(.csv)            closure time against the SLA

Admins and supervisors (their teams' cases) handle cases; trainers read them; agents get
403. The rules are :mod:`scoring.work.complaints`.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from api.complaint_views import case_public, category_title, summaries
from api.csv_cells import csv_cell
from api.deps import (
    IdPath,
    PageDep,
    ReaderLanguage,
    SessionDep,
    SettingsDep,
    StaffUser,
    SupervisorUser,
)
from api.errors import ApiError
from api.reason_views import titles_taxonomy
from api.schemas.complaints import (
    CallComplaint,
    CallComplaintPublic,
    CaseOwner,
    CasePublic,
    CasesPublic,
    CaseSummary,
    CaseTransition,
    CategoryCount,
    ComplaintKpiPublic,
    ComplaintKpisPublic,
    Status,
)
from pipeline.db.complaint_kpis import ComplaintKpi, KpiGroup
from pipeline.db.complaint_listing import CaseFilters
from pipeline.db.complaints import Closure
from pipeline.db.times import utc_now
from pipeline.settings import Settings
from scoring.complaint_sla import load_sla
from scoring.work import complaints
from scoring.work.access import visible_call
from scoring.work.downloads import record_download

router = APIRouter(tags=["complaints"])
Category = Annotated[str | None, Query(max_length=60, description=(
    "A taxonomy category; 'none': cases without one."))]


def _case(session: SessionDep, user: StaffUser, case_id: int, settings: Settings,
          lang: str) -> CasePublic:
    found = complaints.detail(session, user, case_id)
    return case_public(session, found, utc_now(), settings, load_sla(settings), lang)


@router.get("/api/v1/complaints", summary="Complaint cases in your sight, open and soonest "
                                          "due first, with counts by state and category")
def list_complaints(
    user: StaffUser, session: SessionDep, settings: SettingsDep, page: PageDep,
    lang: ReaderLanguage,
    mine: Annotated[bool, Query(description="Only the cases you own.")] = False,
    overdue: Annotated[bool, Query(description="Only open cases past due.")] = False,
    status_: Annotated[Status | Literal["open"] | None, Query(alias="status")] = None,
    category: Category = None,
    team_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> CasesPublic:
    now = utc_now()
    filters = CaseFilters(status=status_, category=category, team_id=team_id,
                          overdue=overdue)
    found = complaints.list_for(session, user, filters, now, mine=mine, skip=page.skip,
                                limit=page.limit)
    counts = complaints.counts_for(session, user, now)
    taxonomy = titles_taxonomy(settings)
    return CasesPublic(
        data=summaries(session, [c for c, _ in found.rows], now, settings, lang),
        count=found.count, by_status=counts.by_status, overdue=counts.overdue,
        by_category=[CategoryCount(title=category_title(taxonomy, r["category"], lang), **r)
                     for r in counts.by_category])


@router.get("/api/v1/complaints/{case_id}",
            summary="One complaint case: its calls, history, due date and escalation")
def get_complaint(case_id: IdPath, user: StaffUser, session: SessionDep,
                  settings: SettingsDep, lang: ReaderLanguage) -> CasePublic:
    return _case(session, user, case_id, settings, lang)


@router.post("/api/v1/complaints/{case_id}/transitions",
             summary="Move a case one step (close: outcome and root cause; reopen)")
def transition_complaint(case_id: IdPath, body: CaseTransition, user: SupervisorUser,
                         session: SessionDep, settings: SettingsDep,
                         lang: ReaderLanguage) -> CasePublic:
    closure = None
    if body.to == "closed":
        if body.outcome is None or body.root_cause is None:
            raise ApiError(422, "closing a complaint needs its outcome and root cause (and "
                                "the customer's satisfaction 1-5, if given)")
        closure = Closure(body.outcome, body.root_cause, body.satisfaction)
    elif body.outcome or body.root_cause or body.satisfaction is not None:
        raise ApiError(422, "an outcome, root cause and satisfaction are given only when "
                            "closing a complaint")
    complaints.change(session, user, case_id, body.to, load_sla(settings), utc_now(),
                      note=body.note, closure=closure)
    return _case(session, user, case_id, settings, lang)


@router.patch("/api/v1/complaints/{case_id}", summary="Give a case to an owner (or nobody)")
def set_complaint_owner(case_id: IdPath, body: CaseOwner, user: SupervisorUser,
                        session: SessionDep, settings: SettingsDep,
                        lang: ReaderLanguage) -> CasePublic:
    complaints.assign(session, user, case_id, body.owner_id, utc_now())
    return _case(session, user, case_id, settings, lang)


@router.get("/api/v1/calls/{call_id}/complaint",
            summary="The complaint case this call belongs to (404: none)")
def complaint_of_call(call_id: str, user: StaffUser, session: SessionDep,
                      settings: SettingsDep, lang: ReaderLanguage) -> CaseSummary:
    call = visible_call(session, user, call_id)
    case = complaints.case_of_call_for(session, user, call)
    if case is None:
        raise ApiError(404, f"call {call_id} belongs to no complaint case")
    return summaries(session, [case], utc_now(), settings, lang)[0]


@router.post("/api/v1/calls/{call_id}/complaint", status_code=status.HTTP_201_CREATED,
             summary="Decide a call is a complaint: open a case or join the customer's")
def open_complaint(call_id: str, body: CallComplaint, user: SupervisorUser,
                   session: SessionDep, settings: SettingsDep,
                   lang: ReaderLanguage) -> CallComplaintPublic:
    opened = complaints.open_from_call(session, user, call_id, load_sla(settings),
                                       utc_now(), case_id=body.case_id, note=body.note)
    return CallComplaintPublic(case_id=opened.case_id, reference=opened.reference,
                               why=opened.why,  # type: ignore[arg-type]
                               case=_case(session, user, opened.case_id, settings, lang))


KPI_FIELDS = ("group", "title", "opened", "closed", "open", "overdue",
              "median_closure_hours", "average_closure_hours", "within_sla")
GroupQuery = Annotated[Literal["category", "team", "none"], Query(
    description="Per taxonomy category, per team, or one row.")]
Since = Annotated[datetime | None, Query(description="Cases opened at or after this.")]
Until = Annotated[datetime | None, Query(description="Cases opened before this.")]


def _kpis(session: SessionDep, user: StaffUser, settings: Settings, lang: str,
          group_by: KpiGroup, since: datetime | None,
          until: datetime | None) -> list[ComplaintKpiPublic]:
    rows: list[ComplaintKpi] = complaints.complaint_kpis_for(
        session, user, utc_now(), group_by=group_by, since=since, until=until)
    taxonomy = titles_taxonomy(settings)
    return [ComplaintKpiPublic(
        title=category_title(taxonomy, r.group, lang) if group_by == "category" else r.group,
        **r.to_dict()) for r in rows]


@router.get("/api/v1/dashboards/complaints", tags=["dashboards"],
            summary="Complaints per category or team: opened, closed, open, overdue, "
                    "closure hours and the share closed within the SLA")
def dashboard_complaints(user: StaffUser, session: SessionDep, settings: SettingsDep,
                         lang: ReaderLanguage, group_by: GroupQuery = "category",
                         since: Since = None, until: Until = None) -> ComplaintKpisPublic:
    return ComplaintKpisPublic(group_by=group_by, data=_kpis(
        session, user, settings, lang, group_by, since, until))


@router.get("/api/v1/dashboards/complaints.csv", tags=["dashboards"],
            response_class=Response, response_model=None,
            summary="The complaint KPIs as a CSV download",
            responses={200: {"content": {"text/csv": {}}, "description": "CSV, a header row"}})
def dashboard_complaints_csv(user: StaffUser, session: SessionDep, settings: SettingsDep,
                             lang: ReaderLanguage, group_by: GroupQuery = "category",
                             since: Since = None, until: Until = None) -> Response:
    rows = _kpis(session, user, settings, lang, group_by, since, until)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(KPI_FIELDS)
    for r in rows:
        writer.writerow([csv_cell(getattr(r, f)) for f in KPI_FIELDS])
    record_download(session, user, "dashboard.export", "dashboard", "complaints",
                    group_by=group_by, rows=len(rows))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="callqa-complaints-{group_by}.csv"'})
