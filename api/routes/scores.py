"""Scorecards by id, and a call's scorecard history (automatic, then human versions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, IdPath, PageDep, ReaderLanguage, SessionDep
from api.schemas.calls import ScorePublic, ScoresPublic
from api.scorecards import score_public, score_summary
from scoring.work.access import call_scores, visible_score
from scoring.work.authorship import scored_by
from scoring.work.calibration import refuse_if_blind

router = APIRouter(prefix="/api/v1/scores", tags=["scores"])


@router.get("", summary="A call's scorecards, newest first (history of versions)")
def list_scores(
    user: CurrentUser, session: SessionDep, page: PageDep,
    call_id: Annotated[str, Query(max_length=36)],
) -> ScoresPublic:
    scores, count = call_scores(session, user, call_id, skip=page.skip, limit=page.limit)
    refuse_if_blind(session, user, call_id)
    return ScoresPublic(data=[score_summary(s) for s in scores], count=count)


@router.get("/{score_id}", summary="One scorecard with its criteria, evidence and flags")
def get_score(score_id: IdPath, user: CurrentUser, session: SessionDep,
              lang: ReaderLanguage) -> ScorePublic:
    """Titles, explanations and flag reasons come in the reader's language: the user's
    stored language, else the request's ``Accept-Language`` (tr or en), else English."""
    score = visible_score(session, user, score_id)
    refuse_if_blind(session, user, score.call_id)
    return score_public(score, lang, scored_by(session, [score.id]).get(score.id))
