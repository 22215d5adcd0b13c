"""Disputes: an agent contests criteria of their own scorecard with a reason; a supervisor
accepts it (a verdict for each disputed criterion: a new current scorecard by the
scorer's rule) or rejects it with a comment. Every dispute is kept; the rules are
:mod:`scoring.work.disputes`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.deps import DisputeUser, IdPath, PageDep, ReaderLanguage, SessionDep, SupervisorUser
from api.dispute_views import disputes_public
from api.schemas.work import DisputeCreate, DisputeDecision, DisputePublic, DisputesPublic
from scoring.work import disputes

router = APIRouter(prefix="/api/v1/disputes", tags=["disputes"])


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Dispute criteria of your own scorecard, with a reason (agents)")
def create_dispute(body: DisputeCreate, user: DisputeUser, session: SessionDep,
                   lang: ReaderLanguage) -> DisputePublic:
    made = disputes.open_dispute(session, user, body.score_id, body.reason, body.criteria)
    return disputes_public(session, [made], lang)[0]


@router.get("", summary="List disputes (agents: their own), open first, newest first")
def list_disputes(
    user: DisputeUser, session: SessionDep, page: PageDep, lang: ReaderLanguage,
    status_: Annotated[Literal["open", "accepted", "rejected"] | None,
                       Query(alias="status")] = None,
    call_id: Annotated[str | None, Query(max_length=36)] = None,
) -> DisputesPublic:
    rows, count = disputes.list_disputes(session, user, status=status_, call_id=call_id,
                                         skip=page.skip, limit=page.limit)
    return DisputesPublic(data=disputes_public(session, rows, lang), count=count)


@router.get("/{dispute_id}", summary="One dispute, its criteria and its decision")
def get_dispute(dispute_id: IdPath, user: DisputeUser, session: SessionDep,
                lang: ReaderLanguage) -> DisputePublic:
    return disputes_public(session, [disputes.visible_dispute(session, user, dispute_id)],
                           lang)[0]


@router.post("/{dispute_id}/decision",
             summary="Accept (a verdict per disputed criterion) or reject a dispute "
                     "(supervisors)")
def decide(dispute_id: IdPath, body: DisputeDecision, user: SupervisorUser,
           session: SessionDep, lang: ReaderLanguage) -> DisputePublic:
    verdicts = [disputes.DecidedVerdict(v.criterion_result_id, v.verdict, v.points, v.comment)
                for v in body.verdicts]
    made = disputes.decide_dispute(session, user, dispute_id, body.decision, body.comment,
                                   verdicts)
    return disputes_public(session, [made], lang)[0]
