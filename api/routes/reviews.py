"""Human reviews: a supervisor takes a call, confirms or overrides each criterion with a
comment, closes the review with a final score, and sees what changed. All audited; the
rules are :mod:`scoring.work.reviews`."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from api.deps import IdPath, PageDep, ReaderLanguage, SessionDep, SupervisorUser
from api.schemas.work import (
    DiffRow,
    OverrideIn,
    OverridePublic,
    ReviewClose,
    ReviewCreate,
    ReviewDiff,
    ReviewPublic,
    ReviewsPublic,
)
from pipeline.db.review_records import Review
from scoring.work import reviews

router = APIRouter(prefix="/api/v1/reviews", tags=["reviews"])


def review_public(review: Review) -> ReviewPublic:
    return ReviewPublic(
        id=review.id, call_id=review.call_id, score_id=review.score_id,
        reviewer_id=review.reviewer_id, reviewer=review.reviewer.username,
        status=review.status,  # type: ignore[arg-type]
        final_score=review.final_score, final_score_id=review.final_score_id,
        comment=review.comment, opened_at=review.opened_at, closed_at=review.closed_at,
        overrides=[OverridePublic.model_validate(o) for o in review.overrides],
    )


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Assign a review of a call's current scorecard to yourself")
def open_review(body: ReviewCreate, user: SupervisorUser, session: SessionDep,
                response: Response) -> ReviewPublic:
    review, new = reviews.open_review(session, user, body.call_id)
    if not new:
        response.status_code = status.HTTP_200_OK
    return review_public(review)


@router.get("", summary="List reviews (filter by status, reviewer, call)")
def list_reviews(
    user: SupervisorUser, session: SessionDep, page: PageDep,
    status_: Annotated[Literal["open", "closed"] | None, Query(alias="status")] = None,
    mine: Annotated[bool, Query(description="Only reviews assigned to me.")] = False,
    call_id: Annotated[str | None, Query(max_length=36)] = None,
) -> ReviewsPublic:
    rows, count = reviews.list_reviews(session, user, status=status_, mine=mine,
                                       call_id=call_id, skip=page.skip, limit=page.limit)
    return ReviewsPublic(data=[review_public(r) for r in rows], count=count)


@router.get("/{review_id}", summary="One review with its overrides")
def get_review(review_id: IdPath, user: SupervisorUser, session: SessionDep) -> ReviewPublic:
    return review_public(reviews.visible_review(session, user, review_id))


@router.put("/{review_id}/criteria/{criterion_result_id}",
            summary="Confirm or override one criterion's verdict, with a comment")
def override(review_id: IdPath, criterion_result_id: IdPath, body: OverrideIn,
             user: SupervisorUser, session: SessionDep) -> OverridePublic:
    row = reviews.set_verdict(session, user, review_id, criterion_result_id, body.verdict,
                              body.points, body.comment)
    return OverridePublic.model_validate(row)


@router.get("/{review_id}/diff",
            summary="What changed between the automatic and the human verdicts")
def get_diff(review_id: IdPath, user: SupervisorUser, session: SessionDep,
             lang: ReaderLanguage) -> ReviewDiff:
    diff = reviews.review_diff(reviews.visible_review(session, user, review_id), lang)
    return ReviewDiff(**{**dataclasses.asdict(diff), "criteria": [
        DiffRow(**dataclasses.asdict(r)) for r in diff.criteria]})


@router.post("/{review_id}/close",
             summary="Close a review with a final score; it becomes the call's current score")
def close_review(review_id: IdPath, body: ReviewClose, user: SupervisorUser,
                 session: SessionDep) -> ReviewPublic:
    return review_public(reviews.close_review(session, user, review_id, body.final_score,
                                              body.comment))
