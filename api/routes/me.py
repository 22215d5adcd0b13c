"""An agent's own view: their score trend beside their team's, their scorecards, and
acknowledging a scorecard ("I have read it").

Agents see only themselves: passing another agent's ``agent_id`` answers 403 (their own id
is accepted). Supervisors and admins pass ``agent_id`` to see any agent. An acknowledgement
is one row of ``acknowledgements`` (unique per scorecard), written in the same transaction
as its audit entry (``score.acknowledge`` on the ``score``, with who and when). The unique
constraint, not a read-then-write check, decides a race: of two simultaneous requests
(two tabs, a double click reaching two workers) one is recorded, the other answers 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from api.deps import CurrentUser, PageDep, SessionDep
from api.errors import ApiError, conflict, forbidden, not_found
from api.routes.scores import visible_score
from api.schemas import UtcDatetime
from pipeline.db.models import Agent, Call, ScoreRecord
from pipeline.db.operations import Acknowledgement
from pipeline.db.people import Dispute, DisputeStatus, Role, User, audit
from pipeline.db.trends import agent_trend

router = APIRouter(tags=["me"])

ACK_ACTION = "score.acknowledge"


class TrendBucketPublic(BaseModel):
    start: date
    average: float | None
    calls: int
    auto_fails: int
    team_average: float | None
    team_calls: int


class TrendPublic(BaseModel):
    agent_id: int
    agent: str
    team: str | None
    period: Literal["day", "week", "month"]
    data: list[TrendBucketPublic]


class MyScorecard(BaseModel):
    id: int
    call_id: str
    started_at: datetime | None
    total: float
    auto_failed: bool
    rubric: str
    rubric_version: str
    created_at: UtcDatetime
    acknowledged_at: UtcDatetime | None
    dispute_status: str | None


class MyScorecards(BaseModel):
    data: list[MyScorecard]
    count: int


class AcknowledgementPublic(BaseModel):
    score_id: int
    call_id: str
    acknowledged_at: UtcDatetime
    acknowledged_by: str


AgentIdQuery = Annotated[int | None, Query(
    description="Supervisors and admins: the agent to show. Agents: only their own.")]


def _target_agent(session: Session, user: User, agent_id: int | None) -> Agent:
    """Whose data ``user`` asks for: an agent only themselves (403 for another), a supervisor
    or admin anyone (``agent_id`` required); 404 when that agent does not exist."""
    if user.role == Role.AGENT:
        if agent_id is not None and agent_id != user.agent_id:
            raise forbidden("agents see only their own trend and scorecards")
        agent_id = user.agent_id
        if agent_id is None:
            raise not_found("your agent (this user is tied to none)")
    elif user.role in (Role.ADMIN, Role.SUPERVISOR):
        if agent_id is None:
            raise ApiError(422, "pass agent_id: the agent to show")
    else:
        raise forbidden(f"this needs the role agent, supervisor or admin (you are {user.role})")
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise not_found(f"agent {agent_id}")
    return agent


def acknowledgements(session: Session, score_ids: list[int]) -> dict[int, Acknowledgement]:
    """The acknowledgement of each of ``score_ids`` that has one."""
    if not score_ids:
        return {}
    rows = session.scalars(select(Acknowledgement)
                           .where(Acknowledgement.score_id.in_(score_ids)))
    return {row.score_id: row for row in rows}


@router.get("/api/v1/me/trend",
            summary="Score trend per day, week or month, beside the team's average")
def my_trend(
    user: CurrentUser, session: SessionDep,
    period: Literal["day", "week", "month"] = "week",
    since: Annotated[date | None, Query(description="First day (UTC), included.")] = None,
    until: Annotated[date | None, Query(description="Last day (UTC), included.")] = None,
    agent_id: AgentIdQuery = None,
) -> TrendPublic:
    agent = _target_agent(session, user, agent_id)
    buckets = agent_trend(session, agent.id, period, since, until)
    return TrendPublic(
        agent_id=agent.id, agent=agent.external_id,
        team=agent.team.name if agent.team else None, period=period,
        data=[TrendBucketPublic(start=b.start, average=b.average, calls=b.calls,
                                auto_fails=b.auto_fails, team_average=b.team_average,
                                team_calls=b.team_calls) for b in buckets])


@router.get("/api/v1/me/scorecards",
            summary="Current scorecards of your calls, newest first, with acknowledgements")
def my_scorecards(
    user: CurrentUser, session: SessionDep, page: PageDep, agent_id: AgentIdQuery = None,
) -> MyScorecards:
    agent = _target_agent(session, user, agent_id)
    query = (select(ScoreRecord, Call.started_at)
             .join(Call, Call.id == ScoreRecord.call_id)
             .where(Call.agent_id == agent.id, ScoreRecord.current.is_(True)))
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.options(selectinload(ScoreRecord.rubric))
        .order_by(func.coalesce(Call.started_at, ScoreRecord.created_at).desc(),
                  ScoreRecord.id.desc())
        .offset(page.skip).limit(page.limit)).all()
    acks = acknowledgements(session, [s.id for s, _ in rows])
    disputes: dict[str, str] = {}
    call_ids = [s.call_id for s, _ in rows]
    if call_ids:  # the latest dispute of each call
        for d in session.scalars(select(Dispute).where(Dispute.call_id.in_(call_ids))
                                 .order_by(Dispute.id)):
            disputes[d.call_id] = d.status
    return MyScorecards(data=[
        MyScorecard(id=s.id, call_id=s.call_id, started_at=started, total=s.total,
                    auto_failed=s.auto_failed, rubric=s.rubric.name,
                    rubric_version=s.rubric.version, created_at=s.created_at,
                    acknowledged_at=acks[s.id].at if s.id in acks else None,
                    dispute_status=disputes.get(s.call_id))
        for s, started in rows], count=count)


@router.post("/api/v1/scores/{score_id}/acknowledge",
             summary="Acknowledge your own current scorecard (agents)")
def acknowledge(score_id: int, user: CurrentUser, session: SessionDep) -> AcknowledgementPublic:
    if user.role != Role.AGENT:
        raise forbidden("only the agent whose call it is can acknowledge a scorecard")
    score = visible_score(session, user, score_id)  # 404 when missing or someone else's
    if not score.current:
        raise conflict(f"scorecard {score.id} has been replaced; acknowledge the current one")
    if score.id in acknowledgements(session, [score.id]):
        raise conflict(f"scorecard {score.id} is acknowledged already")
    if session.scalar(select(Dispute.id).where(Dispute.call_id == score.call_id,
                                               Dispute.status == DisputeStatus.OPEN)):
        raise conflict(f"call {score.call_id} has an open dispute; wait for the decision")
    entry = audit(session, user, ACK_ACTION, "score", score.id, call_id=score.call_id,
                  total=score.total)
    session.add(Acknowledgement(score_id=score.id, user_id=user.id, at=entry.at))
    try:
        session.commit()
    except IntegrityError:  # another request acknowledged it since the check above
        session.rollback()
        raise conflict(f"scorecard {score.id} is acknowledged already") from None
    return AcknowledgementPublic(score_id=score.id, call_id=score.call_id,
                                 acknowledged_at=entry.at, acknowledged_by=user.username)
