"""Disputes: an agent contests their own current scorecard with a reason; a supervisor
accepts it (a new current scorecard, made by the scorer's rule with the person's total) or
rejects it. Every dispute is kept, and every step audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.review_records import Dispute, DisputeStatus
from pipeline.errors import Conflict, Forbidden, Invalid, NotFound
from scoring.work.access import can_see, scope_of, visible_score
from scoring.work.human_scores import human_scorecard, save_human_score

__all__ = ["decide_dispute", "list_disputes", "open_dispute", "visible_dispute"]


def visible_dispute(session: Session, user: User, dispute_id: int) -> Dispute:
    """The dispute if ``user`` may see it (an agent: their own; anyone: one of a call in
    their sight); :class:`NotFound` if not."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NotFound(f"no dispute {dispute_id}")
    mine = user.role != Role.AGENT or dispute.agent_user_id == user.id
    call = session.get(Call, dispute.call_id)
    if not mine or call is None or not can_see(user, call):
        raise NotFound(f"no dispute {dispute_id}")
    return dispute


def open_dispute(session: Session, user: User, score_id: int, reason: str) -> Dispute:
    """The agent ``user`` disputes their own current scorecard ``score_id``."""
    if user.role != Role.AGENT:
        raise Forbidden("only the agent whose call it is can dispute a scorecard")
    score = visible_score(session, user, score_id)
    if not score.current:
        raise Conflict(f"scorecard {score.id} has been replaced; dispute the current one")
    if session.scalar(select(Dispute.id).where(Dispute.call_id == score.call_id,
                                               Dispute.status == DisputeStatus.OPEN)):
        raise Conflict(f"call {score.call_id} already has an open dispute")
    dispute = Dispute(score_id=score.id, call_id=score.call_id, agent_user_id=user.id,
                      reason=reason, status=DisputeStatus.OPEN, old_score=score.total,
                      created_at=datetime.now(UTC))
    session.add(dispute)
    session.flush()
    audit(session, user, "dispute.open", "dispute", dispute.id, call_id=score.call_id,
          score_id=score.id, reason=reason)
    session.commit()
    return dispute


def list_disputes(session: Session, user: User, *, status: str | None = None,
                  call_id: str | None = None, skip: int = 0,
                  limit: int = 50) -> tuple[Sequence[Dispute], int]:
    """A page of the disputes ``user`` may see (an agent: their own; anyone: those of
    calls in their sight), newest first."""
    query = select(Dispute)
    scope = scope_of(user)
    if user.role == Role.AGENT:
        query = query.where(Dispute.agent_user_id == user.id)
    if not scope.everything:
        query = query.join(Call, Call.id == Dispute.call_id).where(*scope.where())
    if status is not None:
        query = query.where(Dispute.status == status)
    if call_id is not None:
        query = query.where(Dispute.call_id == call_id)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Dispute.id.desc()).offset(skip).limit(limit)).all()
    return rows, count


def decide_dispute(session: Session, user: User, dispute_id: int, decision: str,
                   final_score: float | None, comment: str) -> Dispute:
    """A supervisor accepts (with the changed total) or rejects an open dispute."""
    dispute = visible_dispute(session, user, dispute_id)
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(f"dispute {dispute_id} was {dispute.status} already")
    if decision == DisputeStatus.ACCEPTED:
        if final_score is None:
            raise Invalid("an accepted dispute needs the changed score (final_score)")
        base = session.scalar(select(ScoreRecord).options(
            selectinload(ScoreRecord.results), selectinload(ScoreRecord.flags),
            selectinload(ScoreRecord.rubric)).where(ScoreRecord.id == dispute.score_id))
        assert base is not None  # the foreign key cascades
        card = human_scorecard(session, base, {}, total=final_score)
        stored = save_human_score(
            session, base, card,
            f"dispute {dispute.id} accepted by {user.username}: score {base.total:g} -> "
            f"{card.total:g} ({comment})")
        dispute.new_score, dispute.new_score_id = final_score, stored.id
    dispute.status = decision
    dispute.decided_by, dispute.decided_at = user.id, datetime.now(UTC)
    dispute.decision_comment = comment
    action = "dispute.accept" if decision == DisputeStatus.ACCEPTED else "dispute.reject"
    audit(session, user, action, "dispute", dispute.id,
          call_id=dispute.call_id, old_score=dispute.old_score, new_score=dispute.new_score,
          comment=comment)
    session.commit()
    return dispute
