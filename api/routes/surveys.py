"""Post-call surveys: import answers, and see them beside QA scores and sentiment.

    POST /api/v1/surveys                  {"rows": [{"call_id": ..., "csat": 4, ...}]}
    POST /api/v1/surveys/import?filename=x.csv   the CSV file as the body (text/csv)
    GET  /api/v1/dashboards/surveys(.csv) per team and overall: n, mean CSAT, NPS score,
                                          Pearson r of CSAT vs QA score and end sentiment

Importing is for admins and supervisors (over the calls in their sight); the dashboard for
staff. Rows and files are checked whole (:mod:`pipeline.surveys`): any bad row refuses all
of them, 422 with every problem by line in the reader's language (``error.details``);
rows for unknown calls are answered in ``unknown`` with their line and are not stored.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.csv_cells import csv_cell
from api.deps import ReaderLanguage, SessionDep, StaffUser, SupervisorUser
from api.routes.resolution import FiltersDep
from pipeline.db.accounts import User
from pipeline.db.audit import audit
from pipeline.db.surveys import CorrelationRow, ImportReport, correlation, import_surveys
from pipeline.errors import SurveyFileError
from pipeline.surveys import SurveyRow, parse_csv, parse_rows
from scoring.work.access import scope_of
from scoring.work.downloads import record_download

router = APIRouter(prefix="/api/v1", tags=["surveys"])

UNKNOWN = {"en": "{where}: no call {ref!r} in your sight; the row was not stored",
           "tr": "{where}: {ref!r} diye görebildiğiniz bir çağrı yok; satır kaydedilmedi"}
FIELDS = ("team", "overall", "n", "csat_n", "mean_csat", "nps_n", "nps", "r_csat_score",
          "r_csat_sentiment")


class SurveyRowsIn(BaseModel):
    rows: list[dict[str, Any]] = Field(max_length=10_000, description=(
        "Objects with call_id or source_key, csat (1-5) and/or nps (0-10), answered_at "
        "(ISO 8601), optional kind (default post_call) and source."))
    source: str = Field("api", max_length=100, description="For rows that do not say.")


class UnknownCallPublic(BaseModel):
    line: int
    ref: str
    message: str


class SurveyImportPublic(BaseModel):
    imported: int = Field(description="New surveys stored.")
    updated: int = Field(description="Surveys of the same call and kind, updated.")
    unknown: list[UnknownCallPublic] = Field(description="Rows naming no call in your "
                                                         "sight: not stored.")


class CorrelationRowPublic(BaseModel):
    team: str | None
    overall: bool = Field(description="The row of every team together.")
    n: int
    csat_n: int
    mean_csat: float | None
    nps_n: int
    nps: float | None = Field(description="Promoters (9-10) minus detractors (0-6), % of "
                                          "NPS answers.")
    r_csat_score: float | None = Field(description="Pearson r of CSAT and the current QA "
                                                   "score (null: under 3 pairs or no "
                                                   "variance).")
    r_csat_sentiment: float | None = Field(description="Pearson r of CSAT and the "
                                                       "customer's end sentiment.")


class CorrelationPublic(BaseModel):
    data: list[CorrelationRowPublic]


def _refused(exc: SurveyFileError, lang: str) -> JSONResponse:
    details = [p.to_dict(lang) for p in exc.problems]
    head = {"en": "The survey answers were refused; nothing was imported. Fix the rows "
                  "named and send them again:",
            "tr": "Anket yanıtları reddedildi; hiçbiri içe aktarılmadı. Belirtilen "
                  "satırları düzeltip yeniden gönderin:"}
    message = " ".join([head.get(lang, head["en"]), *(d["message"] + "." for d in details)])
    return JSONResponse({"error": {"code": exc.code, "message": message, "details": details}},
                        status_code=422)


def _store(session: SessionDep, user: User, rows: list[SurveyRow], source: str, name: str,
           lang: str) -> SurveyImportPublic:
    scope = scope_of(user)
    report: ImportReport = import_surveys(session, rows, source=source,
                                          agent_ids=scope.agent_ids, team_ids=scope.team_ids)
    audit(session, user, "survey.import", "surveys", name, rows=len(rows),
          imported=report.imported, updated=report.updated, unknown=len(report.unknown))
    session.commit()
    template = UNKNOWN.get(lang, UNKNOWN["en"])
    return SurveyImportPublic(imported=report.imported, updated=report.updated, unknown=[
        UnknownCallPublic(line=u.line, ref=u.ref,
                          message=template.format(where=f"{name}:{u.line}", ref=u.ref))
        for u in report.unknown])


@router.post("/surveys", summary="Import survey answers given as JSON rows",
             responses={422: {"description": "A bad row: nothing imported; every problem "
                                             "in error.details"}})
def post_surveys(body: SurveyRowsIn, user: SupervisorUser, session: SessionDep,
                 lang: ReaderLanguage) -> Any:
    try:
        rows = parse_rows(body.rows)
    except SurveyFileError as exc:
        return _refused(exc, lang)
    return _store(session, user, rows, body.source, "rows", lang)


@router.post("/surveys/import", summary="Import a CSV file of survey answers",
             responses={422: {"description": "A bad row: nothing imported; every problem "
                                             "in error.details"}},
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"text/csv": {}}}})
async def import_survey_file(
    request: Request, user: SupervisorUser, session: SessionDep, lang: ReaderLanguage,
    filename: Annotated[str, Query(max_length=200, description="The file's name, for the "
                                                               "messages.")] = "surveys.csv",
    source: Annotated[str, Query(max_length=100)] = "csv",
) -> Any:
    """The body is the CSV itself (UTF-8; a header row: call_id or source_key, csat, nps,
    answered_at, optional kind and source). Files over CALLQA_MAX_REQUEST_BYTES answer
    413: split them, or use ``callqa surveys import``."""
    name = filename.replace("/", "_").replace("\\", "_") or "surveys.csv"
    try:
        rows = parse_csv(await request.body(), name)
    except SurveyFileError as exc:
        return _refused(exc, lang)
    return _store(session, user, rows, source, name, lang)


def _rows(session: SessionDep, user: User, q: FiltersDep, kind: str | None
          ) -> list[CorrelationRow]:
    scope = scope_of(user)
    return correlation(session, q, kind=kind, agent_ids=scope.agent_ids,
                       team_ids=scope.team_ids)


Kind = Annotated[str | None, Query(max_length=40, description="Only surveys of this kind.")]


@router.get("/dashboards/surveys", tags=["dashboards"],
            summary="Survey results per team beside QA scores and sentiment")
def survey_dashboard(user: StaffUser, session: SessionDep, q: FiltersDep,
                     kind: Kind = None) -> CorrelationPublic:
    """The call filters are the resolution dashboard's (dates, team, agent, queue,
    region, channel, product, reason ...)."""
    return CorrelationPublic(data=[CorrelationRowPublic.model_validate(r, from_attributes=True)
                                   for r in _rows(session, user, q, kind)])


@router.get("/dashboards/surveys.csv", tags=["dashboards"], response_class=Response,
            response_model=None, summary="The survey correlation as a CSV download",
            responses={200: {"content": {"text/csv": {}}, "description": "CSV, a header row"}})
def survey_dashboard_csv(user: StaffUser, session: SessionDep, q: FiltersDep,
                         kind: Kind = None) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    rows = _rows(session, user, q, kind)
    for r in rows:
        writer.writerow([csv_cell(getattr(r, f)) for f in FIELDS])
    record_download(session, user, "dashboard.export", "dashboard", "surveys", rows=len(rows))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="callqa-surveys.csv"'})
