"""Human reviews: a supervisor takes a call, confirms or overrides each criterion with a
comment, closes the review with a final score, and sees what changed. All audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from api.deps import PageDep, ReaderLanguage, SessionDep, SupervisorUser
from api.errors import ApiError, conflict, forbidden, not_found
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
from api.scorecards import (
    Judgement,
    human_card,
    judge,
    rubric_points,
    save_human_score,
    titles_of,
)
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.people import CriterionOverride, Review, ReviewStatus, Role, User, audit
from pipeline.db.scores import current_score

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


def _load(session: Session, review_id: int) -> Review:
    review = session.scalar(
        select(Review).options(
            selectinload(Review.overrides), selectinload(Review.reviewer),
            selectinload(Review.score).selectinload(ScoreRecord.results),
            selectinload(Review.score).selectinload(ScoreRecord.flags),
            selectinload(Review.score).selectinload(ScoreRecord.rubric),
        ).where(Review.id == review_id))
    if review is None:
        raise not_found(f"review {review_id}")
    return review


def _own_open(session: Session, review_id: int, user: User) -> Review:
    review = _load(session, review_id)
    if review.reviewer_id != user.id and user.role != Role.ADMIN:
        raise forbidden(f"review {review_id} is {review.reviewer.username}'s")
    if review.status != ReviewStatus.OPEN:
        raise conflict(f"review {review_id} is closed")
    return review


def _judgements(review: Review) -> dict[int, Judgement]:
    """The review's overrides as judgements (criterion result id -> verdict, points, max)."""
    by_result = {r.id: r for r in review.score.results}
    needs_rubric = any(by_result[o.criterion_result_id].max_points <= 0 and o.verdict != "na"
                       for o in review.overrides)
    full = rubric_points(review.score) if needs_rubric else {}
    judged = {}
    for o in review.overrides:
        r = by_result[o.criterion_result_id]
        maximum = 0.0 if o.verdict == "na" else (r.max_points or full.get(r.criterion_id, 0.0))
        judged[r.id] = Judgement(o.verdict, o.points, maximum)
    return judged


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Assign a review of a call's current scorecard to yourself")
def open_review(body: ReviewCreate, user: SupervisorUser, session: SessionDep,
                response: Response) -> ReviewPublic:
    if session.get(Call, body.call_id) is None:
        raise not_found(f"call {body.call_id}")
    existing = session.scalar(select(Review).where(Review.call_id == body.call_id,
                                                   Review.status == ReviewStatus.OPEN))
    if existing is not None:
        if existing.reviewer_id != user.id:
            raise conflict(f"call {body.call_id} is under review by another supervisor "
                           f"(review {existing.id})")
        response.status_code = status.HTTP_200_OK
        return review_public(_load(session, existing.id))
    score = current_score(session, body.call_id)
    if score is None:
        raise conflict(f"call {body.call_id} has no scorecard to review")
    review = Review(call_id=body.call_id, score_id=score.id, reviewer_id=user.id,
                    status=ReviewStatus.OPEN, opened_at=datetime.now(UTC))
    session.add(review)
    session.flush()
    audit(session, user, "review.open", "review", review.id, call_id=body.call_id,
          score_id=score.id)
    session.commit()
    return review_public(_load(session, review.id))


@router.get("", summary="List reviews (filter by status, reviewer, call)")
def list_reviews(
    user: SupervisorUser, session: SessionDep, page: PageDep,
    status_: Annotated[Literal["open", "closed"] | None, Query(alias="status")] = None,
    mine: Annotated[bool, Query(description="Only reviews assigned to me.")] = False,
    call_id: Annotated[str | None, Query(max_length=36)] = None,
) -> ReviewsPublic:
    query = select(Review)
    if status_ is not None:
        query = query.where(Review.status == status_)
    if mine:
        query = query.where(Review.reviewer_id == user.id)
    if call_id is not None:
        query = query.where(Review.call_id == call_id)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    reviews = session.scalars(query.options(selectinload(Review.overrides),
                                            selectinload(Review.reviewer))
                              .order_by(Review.id.desc()).offset(page.skip).limit(page.limit))
    return ReviewsPublic(data=[review_public(r) for r in reviews], count=count)


@router.get("/{review_id}", summary="One review with its overrides")
def get_review(review_id: int, user: SupervisorUser, session: SessionDep) -> ReviewPublic:
    return review_public(_load(session, review_id))


@router.put("/{review_id}/criteria/{criterion_result_id}",
            summary="Confirm or override one criterion's verdict, with a comment")
def override(review_id: int, criterion_result_id: int, body: OverrideIn,
             user: SupervisorUser, session: SessionDep) -> OverridePublic:
    review = _own_open(session, review_id, user)
    result = next((r for r in review.score.results if r.id == criterion_result_id), None)
    if result is None:
        raise not_found(f"criterion result {criterion_result_id} in review {review_id}")
    try:
        full = rubric_points(review.score) if result.max_points <= 0 else {}
        j = judge(result, body.verdict, body.points, full)
    except ValueError as exc:
        raise ApiError(422, str(exc), code="validation_error") from None
    row = next((o for o in review.overrides if o.criterion_result_id == result.id), None)
    if row is None:
        row = CriterionOverride(criterion_result_id=result.id, verdict=j.verdict,
                                points=j.points, comment=body.comment)
        review.overrides.append(row)
    row.verdict, row.points, row.comment = j.verdict, j.points, body.comment
    row.created_at = datetime.now(UTC)
    audit(session, user, "review.override", "review", review.id,
          criterion_result_id=result.id, criterion_id=result.criterion_id,
          automatic=result.verdict, human=j.verdict, points=j.points, comment=body.comment)
    session.commit()
    return OverridePublic.model_validate(row)


def _diff(review: Review, lang: str = "en") -> ReviewDiff:
    judged = _judgements(review)
    by_result = {o.criterion_result_id: o for o in review.overrides}
    names = titles_of(review.score.rubric)
    rows = []
    for r in review.score.results:
        j, o = judged.get(r.id), by_result.get(r.id)
        rows.append(DiffRow(
            criterion_result_id=r.id, criterion_id=r.criterion_id,
            title=names.criterion(r.criterion_id, lang), section_id=r.section_id,
            max_points=j.max_points if j else r.max_points,
            automatic_verdict=r.verdict,  # type: ignore[arg-type]
            automatic_points=r.points,
            human_verdict=(j.verdict if j else r.verdict),  # type: ignore[arg-type]
            human_points=j.points if j else r.points,
            changed=j is not None and (j.verdict != r.verdict or j.points != r.points),
            comment=o.comment if o else None))
    return ReviewDiff(review_id=review.id, automatic_total=review.score.total,
                      human_total=human_card(review.score, judged)["total"],
                      final_score=review.final_score, changed=sum(r.changed for r in rows),
                      criteria=rows)


@router.get("/{review_id}/diff",
            summary="What changed between the automatic and the human verdicts")
def get_diff(review_id: int, user: SupervisorUser, session: SessionDep,
             lang: ReaderLanguage) -> ReviewDiff:
    return _diff(_load(session, review_id), lang)


@router.post("/{review_id}/close",
             summary="Close a review with a final score; it becomes the call's current score")
def close_review(review_id: int, body: ReviewClose, user: SupervisorUser,
                 session: SessionDep) -> ReviewPublic:
    review = _own_open(session, review_id, user)
    card = human_card(review.score, _judgements(review))
    final = card["total"] if body.final_score is None else body.final_score
    changed = _diff(review).changed
    stored = save_human_score(
        session, review.score, card, final,
        f"human review {review.id} by {user.username}: {changed} criteria changed, "
        f"score {review.score.total:g} -> {final:g}")
    review.status, review.final_score, review.final_score_id = (
        ReviewStatus.CLOSED, final, stored.id)
    review.comment, review.closed_at = body.comment, datetime.now(UTC)
    audit(session, user, "review.close", "review", review.id, call_id=review.call_id,
          automatic_total=review.score.total, final_score=final, changed=changed,
          new_score_id=stored.id, comment=body.comment)
    session.commit()
    return review_public(_load(session, review.id))
