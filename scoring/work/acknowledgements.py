"""An agent's own scorecards and acknowledging one ("I have read it").

A scorecard with an open dispute waits for the decision; once decided, the agent
acknowledges the call's current scorecard: the new one after an accepted dispute, the
same one after a rejected dispute.

An acknowledgement is one row of ``acknowledgements`` (unique per scorecard), written in
the same transaction as its audit entry (``score.acknowledge`` on the ``score``, with who
and when). The unique constraint, not a read-then-write check, decides a race: of two
simultaneous requests (two tabs, a double click reaching two workers) one is recorded,
the other is refused with :class:`~pipeline.errors.Conflict`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import AuditLog, audit
from pipeline.db.models import Agent, Call, ScoreRecord
from pipeline.db.review_records import Acknowledgement, Dispute, DisputeStatus
from pipeline.errors import Conflict, Forbidden, Invalid, NotFound
from scoring.work.access import count_rows, visible_score
from scoring.work.authorship import scored_by

__all__ = ["ACK_ACTION", "AgentScorecard", "acknowledge", "acknowledgements",
           "agent_scorecards", "target_agent"]

ACK_ACTION = "score.acknowledge"


@dataclass(frozen=True)
class AgentScorecard:
    score: ScoreRecord
    started_at: datetime | None
    acknowledged_at: datetime | None
    dispute_status: str | None  # the call's latest dispute's
    scored_by: str | None = None  # the person who made it (a review, a dispute), if one


def target_agent(session: Session, user: User, agent_id: int | None) -> Agent:
    """Whose data ``user`` asks for: an agent only themselves (refused for another), a
    supervisor or admin anyone (``agent_id`` required); :class:`NotFound` for no agent."""
    if user.role == Role.AGENT:
        if agent_id is not None and agent_id != user.agent_id:
            raise Forbidden("agents see only their own trend and scorecards")
        agent_id = user.agent_id
        if agent_id is None:
            raise NotFound("this user is tied to no agent; ask an admin to link it to one")
    elif user.role in (Role.ADMIN, Role.SUPERVISOR):
        if agent_id is None:
            raise Invalid("pass agent_id: the agent to show")
    else:
        raise Forbidden(f"this needs the role agent, supervisor or admin (you are {user.role})")
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"no agent {agent_id}")
    return agent


def acknowledgements(session: Session, score_ids: Sequence[int]) -> dict[int, Acknowledgement]:
    """The acknowledgement of each of ``score_ids`` that has one."""
    if not score_ids:
        return {}
    rows = session.scalars(select(Acknowledgement)
                           .where(Acknowledgement.score_id.in_(list(score_ids))))
    return {row.score_id: row for row in rows}


def agent_scorecards(session: Session, agent: Agent, *, skip: int = 0,
                     limit: int = 50) -> tuple[list[AgentScorecard], int]:
    """The agent's current scorecards, newest call first, and how many there are."""
    query = (select(ScoreRecord, Call.started_at)
             .join(Call, Call.id == ScoreRecord.call_id)
             .where(Call.agent_id == agent.id, ScoreRecord.current.is_(True)))
    count = count_rows(session, query)
    rows = session.execute(
        query.options(selectinload(ScoreRecord.rubric))
        .order_by(func.coalesce(Call.started_at, ScoreRecord.created_at).desc(),
                  ScoreRecord.id.desc())
        .offset(skip).limit(limit)).all()
    acks = acknowledgements(session, [s.id for s, _ in rows])
    disputes: dict[str, str] = {}
    call_ids = [s.call_id for s, _ in rows]
    if call_ids:  # the latest dispute of each call
        for d in session.scalars(select(Dispute).where(Dispute.call_id.in_(call_ids))
                                 .order_by(Dispute.id)):
            disputes[d.call_id] = d.status
    people = scored_by(session, [s.id for s, _ in rows])
    return [AgentScorecard(s, started, acks[s.id].at if s.id in acks else None,
                           disputes.get(s.call_id), people.get(s.id))
            for s, started in rows], count


def acknowledge(session: Session, user: User, score_id: int) -> tuple[ScoreRecord, AuditLog]:
    """The agent ``user`` acknowledges their own current scorecard: (score, audit entry)."""
    if user.role != Role.AGENT:
        raise Forbidden("only the agent whose call it is can acknowledge a scorecard")
    score = visible_score(session, user, score_id)
    if not score.current:
        raise Conflict(f"scorecard {score.id} has been replaced; acknowledge the current one")
    if score.id in acknowledgements(session, [score.id]):
        raise Conflict(f"scorecard {score.id} is acknowledged already")
    if session.scalar(select(Dispute.id).where(Dispute.call_id == score.call_id,
                                               Dispute.status == DisputeStatus.OPEN)):
        raise Conflict(f"call {score.call_id} has an open dispute; wait for the decision")
    entry = audit(session, user, ACK_ACTION, "score", score.id, call_id=score.call_id,
                  total=score.total)
    session.add(Acknowledgement(score_id=score.id, user_id=user.id, at=entry.at))
    try:
        session.commit()
    except IntegrityError:  # another request acknowledged it since the check above
        session.rollback()
        raise Conflict(f"scorecard {score.id} is acknowledged already") from None
    return score, entry
