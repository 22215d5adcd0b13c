"""An agent's own view: their score trend beside their team's, their scorecards, and
acknowledging a scorecard ("I have read it"); the rules are :mod:`scoring.work.acknowledgements`.

Agents see only themselves: passing another agent's ``agent_id`` answers 403 (their own id
is accepted). Supervisors and admins pass ``agent_id`` to see any agent. Of two
simultaneous acknowledgements of one scorecard one is recorded, the other answers 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import CurrentUser, IdPath, PageDep, ReaderLanguage, SessionDep, SettingsDep
from api.schemas import MAX_ID, UtcDatetime
from pipeline.db.trends import agent_trend, coaching_done
from scoring.work.acknowledgements import acknowledge, agent_scorecards, target_agent
from scoring.work.coaching import criterion_titles, task_title

router = APIRouter(tags=["me"])

class TrendBucketPublic(BaseModel):
    start: date
    average: float | None
    calls: int
    auto_fails: int
    team_average: float | None
    team_calls: int


class CoachingMarkPublic(BaseModel):
    task_id: int
    day: date = Field(description="The day (UTC) the agent marked the task done.")
    bucket: date = Field(description="The first day of the bucket that day falls in.")
    title: str = Field(description="What the task was about, in the reader's language.")


class TrendPublic(BaseModel):
    agent_id: int
    agent: str
    team: str | None
    period: Literal["day", "week", "month"]
    data: list[TrendBucketPublic]
    coaching: list[CoachingMarkPublic] = Field(
        default_factory=list, description="Coaching tasks done in the period, oldest first.")


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
    scored_by: str | None = Field(default=None, description=(
        "The person who made this scorecard (a review or an accepted dispute); null for "
        "the scorer's own."))


class MyScorecards(BaseModel):
    data: list[MyScorecard]
    count: int


class AcknowledgementPublic(BaseModel):
    score_id: int
    call_id: str
    acknowledged_at: UtcDatetime
    acknowledged_by: str


AgentIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID,
    description="Supervisors and admins: the agent to show. Agents: only their own.")]


@router.get("/api/v1/me/trend",
            summary="Score trend per day, week or month, beside the team's average")
def my_trend(
    user: CurrentUser, session: SessionDep, settings: SettingsDep, lang: ReaderLanguage,
    period: Literal["day", "week", "month"] = "week",
    since: Annotated[date | None, Query(description="First day (UTC), included.")] = None,
    until: Annotated[date | None, Query(description="Last day (UTC), included.")] = None,
    agent_id: AgentIdQuery = None,
) -> TrendPublic:
    agent = target_agent(session, user, agent_id)
    buckets = agent_trend(session, agent.id, period, since, until)
    marks = coaching_done(session, agent.id, period, since, until)
    titles = criterion_titles(settings, lang) if marks else {}
    return TrendPublic(
        agent_id=agent.id, agent=agent.external_id,
        team=agent.team.name if agent.team else None, period=period,
        data=[TrendBucketPublic(start=b.start, average=b.average, calls=b.calls,
                                auto_fails=b.auto_fails, team_average=b.team_average,
                                team_calls=b.team_calls) for b in buckets],
        coaching=[CoachingMarkPublic(task_id=m.task.id, day=m.day, bucket=m.bucket,
                                     title=task_title(m.task, titles)) for m in marks])


@router.get("/api/v1/me/scorecards",
            summary="Current scorecards of your calls, newest first, with acknowledgements")
def my_scorecards(
    user: CurrentUser, session: SessionDep, page: PageDep, agent_id: AgentIdQuery = None,
) -> MyScorecards:
    agent = target_agent(session, user, agent_id)
    rows, count = agent_scorecards(session, agent, skip=page.skip, limit=page.limit)
    return MyScorecards(data=[
        MyScorecard(id=r.score.id, call_id=r.score.call_id, started_at=r.started_at,
                    total=r.score.total, auto_failed=r.score.auto_failed,
                    rubric=r.score.rubric.name, rubric_version=r.score.rubric.version,
                    created_at=r.score.created_at, acknowledged_at=r.acknowledged_at,
                    dispute_status=r.dispute_status, scored_by=r.scored_by)
        for r in rows], count=count)


@router.post("/api/v1/scores/{score_id}/acknowledge",
             summary="Acknowledge your own current scorecard (agents)")
def acknowledge_score(score_id: IdPath, user: CurrentUser,
                      session: SessionDep) -> AcknowledgementPublic:
    score, entry = acknowledge(session, user, score_id)
    return AcknowledgementPublic(score_id=score.id, call_id=score.call_id,
                                 acknowledged_at=entry.at, acknowledged_by=user.username)
