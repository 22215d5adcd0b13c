"""Human reviews: a supervisor takes a call, confirms or overrides each criterion with a
comment, sees what changed, and closes the review; its scorecard becomes the call's
current one. Every step is audited, in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.models import ScoreRecord
from pipeline.db.review_records import CriterionOverride, Review, ReviewStatus
from pipeline.db.scores import current_score
from pipeline.errors import Conflict, Forbidden, NotFound
from scoring.titles import rubric_titles
from scoring.work.access import count_rows, scope_of, seen_through_call, visible_call
from scoring.work.human_scores import (
    Judgement,
    full_points,
    human_scorecard,
    human_total,
    judge,
    save_human_score,
)

__all__ = ["DiffRow", "ReviewDiff", "close_review", "list_reviews", "load_review",
           "open_review", "review_diff", "set_verdict", "visible_review"]


@dataclass(frozen=True)
class DiffRow:
    criterion_result_id: int
    criterion_id: str
    title: str
    section_id: str
    max_points: float
    automatic_verdict: str
    automatic_points: float
    human_verdict: str
    human_points: float
    changed: bool
    comment: str | None


@dataclass(frozen=True)
class ReviewDiff:
    review_id: int
    automatic_total: float
    human_total: float
    final_score: float | None
    changed: int
    criteria: tuple[DiffRow, ...]


def load_review(session: Session, review_id: int) -> Review:
    """The review with its overrides, reviewer and scorecard; :class:`NotFound` if none."""
    review = session.scalar(
        select(Review).options(
            selectinload(Review.overrides), selectinload(Review.reviewer),
            selectinload(Review.score).selectinload(ScoreRecord.results),
            selectinload(Review.score).selectinload(ScoreRecord.flags),
            selectinload(Review.score).selectinload(ScoreRecord.rubric),
        ).where(Review.id == review_id))
    if review is None:
        raise NotFound(f"no review {review_id}")
    return review


def visible_review(session: Session, user: User, review_id: int) -> Review:
    """The review (as :func:`load_review`) if ``user`` may see its call; :class:`NotFound`
    otherwise, as for a missing one."""
    return seen_through_call(session, user, load_review(session, review_id),
                             f"review {review_id}")


def _own_open(session: Session, review_id: int, user: User) -> Review:
    review = visible_review(session, user, review_id)
    if review.reviewer_id != user.id and user.role != Role.ADMIN:
        raise Forbidden(f"review {review_id} is {review.reviewer.username}'s")
    if review.status != ReviewStatus.OPEN:
        raise Conflict(f"review {review_id} is closed")
    if not review.score.current:  # closing it would overwrite the newer scorecard
        raise Conflict(f"the call's scorecard changed after review {review_id} was opened "
                       "(an accepted dispute, another review or a rescore); open the review "
                       "again to carry your verdicts over to the current scorecard")
    return review


def _rebase(session: Session, user: User, review: Review, current: ScoreRecord) -> Review:
    """Move an open review whose scorecard was replaced onto the current one, each
    verdict carried to the same criterion (dropped where the new scorecard lacks it)."""
    old = {r.id: r.criterion_id for r in review.score.results}
    new = {r.criterion_id: r.id for r in current.results}
    dropped = []
    for o in list(review.overrides):
        target = new.get(old.get(o.criterion_result_id, ""))
        if target is None:
            dropped.append(old.get(o.criterion_result_id))
            review.overrides.remove(o)
        else:
            o.criterion_result_id = target
    audit(session, user, "review.rebase", "review", review.id, call_id=review.call_id,
          from_score_id=review.score_id, to_score_id=current.id,
          carried=len(review.overrides), dropped=sorted(c for c in dropped if c))
    review.score_id = current.id
    session.commit()
    session.expire_all()
    return load_review(session, review.id)


def judgements(review: Review) -> dict[int, Judgement]:
    """The review's overrides as judgements (criterion result id -> verdict, points, max)."""
    by_result = {r.id: r for r in review.score.results}
    needs_rubric = any(by_result[o.criterion_result_id].max_points <= 0 and o.verdict != "na"
                       for o in review.overrides)
    full = full_points(review.score) if needs_rubric else {}
    judged = {}
    for o in review.overrides:
        r = by_result[o.criterion_result_id]
        maximum = 0.0 if o.verdict == "na" else (r.max_points or full.get(r.criterion_id, 0.0))
        judged[r.id] = Judgement(o.verdict, o.points, maximum)
    return judged


def open_review(session: Session, user: User, call_id: str) -> tuple[Review, bool]:
    """Assign a review of the call's current scorecard to ``user``: (review, new).

    The user's own open review of the call is handed back (``new`` False), moved onto the
    current scorecard first where that was replaced since it was opened.
    """
    visible_call(session, user, call_id)
    existing = session.scalar(select(Review).where(Review.call_id == call_id,
                                                   Review.status == ReviewStatus.OPEN))
    if existing is not None:
        if existing.reviewer_id != user.id:
            raise Conflict(f"call {call_id} is under review by another supervisor "
                           f"(review {existing.id})")
        review = load_review(session, existing.id)
        current = current_score(session, call_id)
        if current is not None and current.id != review.score_id:
            return _rebase(session, user, review, current), False
        return review, False
    score = current_score(session, call_id)
    if score is None:
        raise Conflict(f"call {call_id} has no scorecard to review")
    review = Review(call_id=call_id, score_id=score.id, reviewer_id=user.id,
                    status=ReviewStatus.OPEN, opened_at=datetime.now(UTC))
    session.add(review)
    session.flush()
    audit(session, user, "review.open", "review", review.id, call_id=call_id,
          score_id=score.id)
    session.commit()
    return load_review(session, review.id), True


def list_reviews(session: Session, user: User, *, status: str | None = None,
                 mine: bool = False, call_id: str | None = None, skip: int = 0,
                 limit: int = 50) -> tuple[Sequence[Review], int]:
    """A page of the reviews of calls in ``user``'s sight, newest first, and how many
    there are in all."""
    query = select(Review)
    scope = scope_of(user)
    query = scope.narrow(query, Review.call_id)
    if status is not None:
        query = query.where(Review.status == status)
    if mine:
        query = query.where(Review.reviewer_id == user.id)
    if call_id is not None:
        query = query.where(Review.call_id == call_id)
    count = count_rows(session, query)
    reviews = session.scalars(query.options(selectinload(Review.overrides),
                                            selectinload(Review.reviewer))
                              .order_by(Review.id.desc()).offset(skip).limit(limit)).all()
    return reviews, count


def set_verdict(session: Session, user: User, review_id: int, criterion_result_id: int,
                verdict: str, points: float | None, comment: str) -> CriterionOverride:
    """Confirm or override one criterion's verdict in ``user``'s open review."""
    review = _own_open(session, review_id, user)
    result = next((r for r in review.score.results if r.id == criterion_result_id), None)
    if result is None:
        raise NotFound(f"no criterion result {criterion_result_id} in review {review_id}")
    full = full_points(review.score) if result.max_points <= 0 else {}
    j = judge(result, verdict, points, full)
    row = next((o for o in review.overrides if o.criterion_result_id == result.id), None)
    if row is None:
        row = CriterionOverride(criterion_result_id=result.id, verdict=j.verdict,
                                points=j.points, comment=comment)
        review.overrides.append(row)
    row.verdict, row.points, row.comment = j.verdict, j.points, comment
    row.created_at = datetime.now(UTC)
    audit(session, user, "review.override", "review", review.id,
          criterion_result_id=result.id, criterion_id=result.criterion_id,
          automatic=result.verdict, human=j.verdict, points=j.points, comment=comment)
    session.commit()
    return row


def _rows(review: Review, judged: Mapping[int, Judgement], lang: str) -> tuple[DiffRow, ...]:
    by_result = {o.criterion_result_id: o for o in review.overrides}
    names = rubric_titles(review.score.rubric.hash, review.score.rubric.source)
    rows = []
    for r in review.score.results:
        j, o = judged.get(r.id), by_result.get(r.id)
        rows.append(DiffRow(
            criterion_result_id=r.id, criterion_id=r.criterion_id,
            title=names.criterion(r.criterion_id, lang), section_id=r.section_id,
            max_points=j.max_points if j else r.max_points,
            automatic_verdict=r.verdict, automatic_points=r.points,
            human_verdict=j.verdict if j else r.verdict,
            human_points=j.points if j else r.points,
            changed=j is not None and (j.verdict != r.verdict or j.points != r.points),
            comment=o.comment if o else None))
    return tuple(rows)


def review_diff(review: Review, lang: str = "en") -> ReviewDiff:
    """What the person changed, criterion by criterion, and the total it makes."""
    judged = judgements(review)
    rows = _rows(review, judged, lang)
    human = human_total(review.score, judged) if judged else review.score.total
    return ReviewDiff(review_id=review.id, automatic_total=review.score.total,
                      human_total=human, final_score=review.final_score,
                      changed=sum(r.changed for r in rows), criteria=rows)


def close_review(session: Session, user: User, review_id: int, final_score: float | None,
                 comment: str | None) -> Review:
    """Close ``user``'s open review; its scorecard becomes the call's current one.

    The total is the one the verdicts make, unless the person gives ``final_score``.
    """
    review = _own_open(session, review_id, user)
    judged = judgements(review)
    changed = sum(r.changed for r in _rows(review, judged, "en"))
    card = human_scorecard(session, review.score, judged, total=final_score)
    final = card.total
    stored = save_human_score(
        session, review.score, card,
        f"human review {review.id} by {user.username}: {changed} criteria changed, "
        f"score {review.score.total:g} -> {final:g}")
    review.status, review.final_score, review.final_score_id = (
        ReviewStatus.CLOSED, final, stored.id)
    review.comment, review.closed_at = comment, datetime.now(UTC)
    audit(session, user, "review.close", "review", review.id, call_id=review.call_id,
          automatic_total=review.score.total, final_score=final, changed=changed,
          new_score_id=stored.id, comment=comment)
    session.commit()
    return load_review(session, review.id)
