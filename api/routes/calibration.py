"""Calibration: reviewers score one call's scorecard blind, then see each other's
verdicts side by side with the automatic one; and the agreement report (percent
agreement and Cohen's kappa per criterion and per reviewer). The rules are
:mod:`scoring.work.calibration` and :mod:`scoring.work.agreement`."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.deps import IdPath, PageDep, ReaderLanguage, SessionDep, StaffUser, SupervisorUser
from api.schemas.calibration import (
    AgreementPublic,
    CalibrationCreate,
    CalibrationPublic,
    CalibrationsPublic,
    CalibrationSummary,
    ChoicePublic,
    ChoicesPublic,
    VerdictsIn,
)
from pipeline.db.accounts import User
from pipeline.db.coaching_records import CalibrationSession
from pipeline.errors import Invalid
from scoring.work import agreement, calibration

router = APIRouter(prefix="/api/v1/calibrations", tags=["calibration"])

DEFAULT_DAYS = 90


def _public(cs: CalibrationSession, user: User, lang: str) -> CalibrationPublic:
    return CalibrationPublic.model_validate(
        dataclasses.asdict(calibration.calibration_view(cs, user, lang)))


def _summary(cs: CalibrationSession, user: User) -> CalibrationSummary:
    view = dataclasses.asdict(calibration.calibration_view(cs, user, criteria=False))
    view.pop("criteria")
    return CalibrationSummary.model_validate(view)


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Open a calibration session on a call's current scorecard")
def open_session(body: CalibrationCreate, user: SupervisorUser, session: SessionDep,
                 lang: ReaderLanguage) -> CalibrationPublic:
    cs = calibration.open_session(session, user, body.call_id, body.reviewer_ids, body.title)
    return _public(cs, user, lang)


@router.get("", summary="My calibration sessions: organised by me or where I review")
def list_sessions(
    user: StaffUser, session: SessionDep, page: PageDep,
    status_: Annotated[Literal["open", "revealed"] | None, Query(alias="status")] = None,
) -> CalibrationsPublic:
    rows, count = calibration.list_sessions(session, user, status=status_, skip=page.skip,
                                            limit=page.limit)
    return CalibrationsPublic(data=[_summary(cs, user) for cs in rows], count=count)


@router.get("/reviewers", summary="Who may be invited to review (supervisors, admins, "
                                  "trainers); with call_id, those who see that call")
def reviewers(user: SupervisorUser, session: SessionDep,
              call_id: Annotated[str | None, Query(max_length=36)] = None) -> ChoicesPublic:
    people = calibration.reviewer_choices(session, user, call_id)
    return ChoicesPublic(data=[ChoicePublic(id=p.id, username=p.username,
                                            full_name=p.full_name, role=p.role)
                               for p in people], count=len(people))


@router.get("/agreement", summary="Agreement between the automatic verdicts and people, "
                                  "and between people, over a period; worst first")
def agreement_report(
    user: StaffUser, session: SessionDep, lang: ReaderLanguage,
    since: Annotated[datetime | None, Query(
        description=f"From this moment (default: {DEFAULT_DAYS} days before until); "
                    "without a time zone: UTC.")] = None,
    until: Annotated[datetime | None, Query(
        description="Up to this moment, not included (default: now).")] = None,
) -> AgreementPublic:
    end = until or datetime.now(UTC)
    start = since or end - timedelta(days=DEFAULT_DAYS)
    report = agreement.agreement_report(session, user, start, end, lang)
    return AgreementPublic.model_validate(dataclasses.asdict(report))


@router.get("/{session_id}", summary="One calibration session (blind until revealed)")
def get_session(session_id: IdPath, user: StaffUser, session: SessionDep,
                lang: ReaderLanguage) -> CalibrationPublic:
    return _public(calibration.visible_session(session, user, session_id), user, lang)


@router.put("/{session_id}/verdicts",
            summary="Submit my verdict on every criterion (until the session is revealed)")
def submit(session_id: IdPath, body: VerdictsIn, user: StaffUser, session: SessionDep,
           lang: ReaderLanguage) -> CalibrationPublic:
    given = {v.criterion_result_id: (v.verdict, v.comment) for v in body.verdicts}
    if len(given) != len(body.verdicts):
        raise Invalid("each criterion takes one verdict; a criterion result id is repeated")
    return _public(calibration.submit_verdicts(session, user, session_id, given), user, lang)


@router.post("/{session_id}/reveal",
             summary="Reveal a session before every reviewer has submitted (organiser)")
def reveal(session_id: IdPath, user: StaffUser, session: SessionDep,
           lang: ReaderLanguage) -> CalibrationPublic:
    return _public(calibration.reveal(session, user, session_id), user, lang)
