"""Disputes: an agent contests their own scorecard with a reason; a supervisor accepts it
(the score is changed: a new current scorecard) or rejects it. Every dispute is kept; the
rules are :mod:`scoring.work.disputes`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.deps import DisputeUser, IdPath, PageDep, SessionDep, SupervisorUser
from api.schemas.work import DisputeCreate, DisputeDecision, DisputePublic, DisputesPublic
from scoring.work import disputes

router = APIRouter(prefix="/api/v1/disputes", tags=["disputes"])


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Dispute your own scorecard, with a reason (agents)")
def create_dispute(body: DisputeCreate, user: DisputeUser, session: SessionDep) -> DisputePublic:
    return DisputePublic.model_validate(
        disputes.open_dispute(session, user, body.score_id, body.reason))


@router.get("", summary="List disputes (agents: their own), newest first")
def list_disputes(
    user: DisputeUser, session: SessionDep, page: PageDep,
    status_: Annotated[Literal["open", "accepted", "rejected"] | None,
                       Query(alias="status")] = None,
    call_id: Annotated[str | None, Query(max_length=36)] = None,
) -> DisputesPublic:
    rows, count = disputes.list_disputes(session, user, status=status_, call_id=call_id,
                                         skip=page.skip, limit=page.limit)
    return DisputesPublic(data=[DisputePublic.model_validate(d) for d in rows], count=count)


@router.get("/{dispute_id}", summary="One dispute and its decision")
def get_dispute(dispute_id: IdPath, user: DisputeUser, session: SessionDep) -> DisputePublic:
    return DisputePublic.model_validate(disputes.visible_dispute(session, user, dispute_id))


@router.post("/{dispute_id}/decision",
             summary="Accept (with the changed score) or reject a dispute (supervisors)")
def decide(dispute_id: IdPath, body: DisputeDecision, user: SupervisorUser,
           session: SessionDep) -> DisputePublic:
    return DisputePublic.model_validate(disputes.decide_dispute(
        session, user, dispute_id, body.decision, body.final_score, body.comment))
