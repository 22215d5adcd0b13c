"""Who made a scorecard: the person whose closed review or accepted dispute stored it
(the same two records :func:`pipeline.db.scores.is_human_score` knows), else nobody (the
scorer's own). What the call page and the agent's page show as "scored by <name>"."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.review_records import Dispute, DisputeStatus, Review, ReviewStatus

__all__ = ["display_name", "scored_by"]


def display_name(user: User | None) -> str | None:
    """A person's name as pages show it: the full name, else the username."""
    if user is None:
        return None
    return user.full_name or user.username


def scored_by(session: Session, score_ids: Collection[int]) -> dict[int, str]:
    """The name of the person who made each of ``score_ids`` that a person made."""
    if not score_ids:
        return {}
    ids = sorted(set(score_ids))
    found: dict[int, str] = {}
    reviews = session.execute(
        select(Review.final_score_id, User).join(User, User.id == Review.reviewer_id)
        .where(Review.final_score_id.in_(ids), Review.status == ReviewStatus.CLOSED))
    disputes = session.execute(
        select(Dispute.new_score_id, User).join(User, User.id == Dispute.decided_by)
        .where(Dispute.new_score_id.in_(ids), Dispute.status == DisputeStatus.ACCEPTED))
    for score_id, user in [*reviews.tuples(), *disputes.tuples()]:
        if score_id is not None:
            found[score_id] = display_name(user) or ""
    return found
