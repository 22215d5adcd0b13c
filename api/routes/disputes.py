"""Disputes: an agent contests their own scorecard with a reason; a supervisor accepts it
(the score is changed: a new current scorecard) or rejects it. Every dispute is kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from api.deps import DisputeUser, PageDep, SessionDep, SupervisorUser, agent_scope, can_see
from api.errors import conflict, forbidden, not_found
from api.routes.scores import visible_score
from api.schemas.work import DisputeCreate, DisputeDecision, DisputePublic, DisputesPublic
from api.scorecards import human_card, save_human_score
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.people import Dispute, DisputeStatus, Role, User, audit

router = APIRouter(prefix="/api/v1/disputes", tags=["disputes"])


def _visible(session: Session, user: User, dispute_id: int) -> Dispute:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise not_found(f"dispute {dispute_id}")
    if user.role == Role.AGENT:
        call = session.get(Call, dispute.call_id)
        if dispute.agent_user_id != user.id or call is None or not can_see(user, call.agent_id):
            raise not_found(f"dispute {dispute_id}")
    return dispute


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Dispute your own scorecard, with a reason (agents)")
def create_dispute(body: DisputeCreate, user: DisputeUser, session: SessionDep) -> DisputePublic:
    if user.role != Role.AGENT:
        raise forbidden("only the agent whose call it is can dispute a scorecard")
    score = visible_score(session, user, body.score_id)
    if not score.current:
        raise conflict(f"scorecard {score.id} has been replaced; dispute the current one")
    if session.scalar(select(Dispute.id).where(Dispute.call_id == score.call_id,
                                               Dispute.status == DisputeStatus.OPEN)):
        raise conflict(f"call {score.call_id} already has an open dispute")
    dispute = Dispute(score_id=score.id, call_id=score.call_id, agent_user_id=user.id,
                      reason=body.reason, status=DisputeStatus.OPEN, old_score=score.total,
                      created_at=datetime.now(UTC))
    session.add(dispute)
    session.flush()
    audit(session, user, "dispute.open", "dispute", dispute.id, call_id=score.call_id,
          score_id=score.id, reason=body.reason)
    session.commit()
    return DisputePublic.model_validate(dispute)


@router.get("", summary="List disputes (agents: their own), newest first")
def list_disputes(
    user: DisputeUser, session: SessionDep, page: PageDep,
    status_: Annotated[Literal["open", "accepted", "rejected"] | None,
                       Query(alias="status")] = None,
    call_id: Annotated[str | None, Query(max_length=36)] = None,
) -> DisputesPublic:
    query = select(Dispute)
    scope = agent_scope(user)
    if scope is not None:
        query = query.join(Call, Call.id == Dispute.call_id).where(
            Dispute.agent_user_id == user.id, Call.agent_id.in_(list(scope)))
    if status_ is not None:
        query = query.where(Dispute.status == status_)
    if call_id is not None:
        query = query.where(Dispute.call_id == call_id)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Dispute.id.desc()).offset(page.skip).limit(page.limit))
    return DisputesPublic(data=[DisputePublic.model_validate(d) for d in rows], count=count)


@router.get("/{dispute_id}", summary="One dispute and its decision")
def get_dispute(dispute_id: int, user: DisputeUser, session: SessionDep) -> DisputePublic:
    return DisputePublic.model_validate(_visible(session, user, dispute_id))


@router.post("/{dispute_id}/decision",
             summary="Accept (with the changed score) or reject a dispute (supervisors)")
def decide(dispute_id: int, body: DisputeDecision, user: SupervisorUser,
           session: SessionDep) -> DisputePublic:
    dispute = _visible(session, user, dispute_id)
    if dispute.status != DisputeStatus.OPEN:
        raise conflict(f"dispute {dispute_id} was {dispute.status} already")
    if body.decision == DisputeStatus.ACCEPTED:
        assert body.final_score is not None  # the schema insists
        base = session.scalar(select(ScoreRecord).options(
            selectinload(ScoreRecord.results), selectinload(ScoreRecord.flags))
            .where(ScoreRecord.id == dispute.score_id))
        assert base is not None  # the foreign key cascades
        stored = save_human_score(
            session, base, human_card(base, {}), body.final_score,
            f"dispute {dispute.id} accepted by {user.username}: score {base.total:g} -> "
            f"{body.final_score:g} ({body.comment})")
        dispute.new_score, dispute.new_score_id = body.final_score, stored.id
    dispute.status = body.decision
    dispute.decided_by, dispute.decided_at = user.id, datetime.now(UTC)
    dispute.decision_comment = body.comment
    action = "dispute.accept" if body.decision == DisputeStatus.ACCEPTED else "dispute.reject"
    audit(session, user, action, "dispute", dispute.id,
          call_id=dispute.call_id, old_score=dispute.old_score, new_score=dispute.new_score,
          comment=body.comment)
    session.commit()
    return DisputePublic.model_validate(dispute)
