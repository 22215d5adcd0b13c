"""The review queue: flagged calls not yet reviewed, and disputed ones, highest priority
first; only calls in the supervisor's sight (their teams' under team scoping).
``?disputed=true`` lists only the calls with an open dispute (the "Disputed only" choice
of the queue page); ``#/disputes`` shows those disputes themselves."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import PageDep, ReaderLanguage, SessionDep, SupervisorUser
from api.routes.calls import FiltersDep, call_public
from api.schemas.calls import AgentChoice, FilterChoicesPublic, QueueItemPublic, QueuePublic
from api.scorecards import flag_public
from pipeline.db.filter_choices import filter_choices
from pipeline.db.search import open_disputes, open_reviews, review_queue
from scoring.work.access import scope_of

router = APIRouter(prefix="/api/v1/review-queue", tags=["review queue"])

QueueSort = Literal["priority", "-priority", "started_at", "-started_at", "score", "-score",
                    "duration", "-duration"]


@router.get("", summary="Calls a supervisor must hear, highest priority first")
def get_queue(
    user: SupervisorUser, session: SessionDep, page: PageDep, filters: FiltersDep,
    response: Response, lang: ReaderLanguage,
    include_reviewed: Annotated[bool, Query(
        description="Also list flagged calls whose review is closed.")] = False,
    sort: Annotated[QueueSort, Query(
        description="Order by this column, '-' first for highest first (default: "
                    "priority, then the newest call).")] = "-priority",
) -> QueuePublic:
    scope = scope_of(user)
    rows, count, capped = review_queue(session, filters, agent_ids=scope.agent_ids,
                                       team_ids=scope.team_ids, offset=page.skip,
                                       limit=page.limit, include_reviewed=include_reviewed,
                                       sort=sort)
    if capped:  # filtered past COUNT_CAP candidates (or common words in q): "or more"
        response.headers["X-Count-Capped"] = "true"
    ids = [call.id for call, _ in rows]
    reviews, disputed = open_reviews(session, ids), open_disputes(session, ids)
    items = []
    for call, score in rows:
        review = reviews.get(call.id)
        items.append(QueueItemPublic(
            **call_public(call, score).model_dump(),
            flag_details=[flag_public(f, lang) for f in score.flags] if score else [],
            review_id=review.id if review else None,
            reviewer=review.reviewer.username if review else None,
            disputed=call.id in disputed,
        ))
    return QueuePublic(data=items, count=count)


@router.get("/choices", summary="What the queue's filters can be set to, from the calls in sight")
def get_choices(user: SupervisorUser, session: SessionDep) -> FilterChoicesPublic:
    """Teams, agents (with names), queues, languages and flag codes of the calls this
    person may see (their teams' under team scoping), for the queue page's choices."""
    scope = scope_of(user)
    found = filter_choices(session, agent_ids=scope.agent_ids, team_ids=scope.team_ids)
    return FilterChoicesPublic(
        teams=found.teams, queues=found.queues, languages=found.languages, flags=found.flags,
        agents=[AgentChoice(external_id=ext, name=name) for ext, name in found.agents])
