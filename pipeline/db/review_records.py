"""The records of people's work on calls: reviews, disputes, acknowledgements, clips.

    Review             a supervisor's human review of one scorecard; overrides per criterion;
                       closing it stores the human scorecard as the call's current score
    CriterionOverride  the human verdict on one criterion result, with a comment
    Dispute            an agent contests a scorecard; a supervisor accepts (score changed)
                       or rejects it; the record stays as history
    DisputedCriterion  a criterion the agent contests, and the verdict it was given
    Acknowledgement    an agent's "I have read it" on one scorecard: one row per scorecard,
                       so two simultaneous acknowledgements cannot both be recorded
    Clip               a time span of a call saved in the trainers' example library

``ReviewStatus`` and ``DisputeStatus`` hold their states. The rules over these records
(who may open, override, decide, acknowledge or clip) live in :mod:`scoring.work`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.db.accounts import User
from pipeline.db.models import Base, Call, CriterionResultRecord, ScoreRecord
from pipeline.db.times import utc_now


class ReviewStatus:
    OPEN = "open"
    CLOSED = "closed"


class Review(Base):
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=ReviewStatus.OPEN, index=True)
    final_score: Mapped[float | None] = mapped_column(Float)
    final_score_id: Mapped[int | None] = mapped_column(ForeignKey("scores.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    call: Mapped[Call] = relationship()
    score: Mapped[ScoreRecord] = relationship(foreign_keys=[score_id])
    reviewer: Mapped[User] = relationship()
    overrides: Mapped[list[CriterionOverride]] = relationship(
        back_populates="review", order_by="CriterionOverride.id", cascade="all, delete-orphan"
    )


class CriterionOverride(Base):
    __tablename__ = "criterion_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_result_id: Mapped[int] = mapped_column(
        ForeignKey("criterion_results.id", ondelete="CASCADE"), index=True
    )
    verdict: Mapped[str] = mapped_column(String(4))  # pass, fail, na
    points: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    review: Mapped[Review] = relationship(back_populates="overrides")
    result: Mapped[CriterionResultRecord] = relationship()


class DisputeStatus:
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class DisputedCriterion(Base):
    """One criterion an agent contests in a dispute; an accepted dispute gives it the
    supervisor's verdict (``verdict``/``points``, which the new scorecard uses)."""

    __tablename__ = "dispute_criteria"
    __table_args__ = (UniqueConstraint("dispute_id", "criterion_result_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"),
                                            index=True)
    criterion_result_id: Mapped[int] = mapped_column(
        ForeignKey("criterion_results.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str | None] = mapped_column(String(4))  # decided: pass, fail, na
    points: Mapped[float | None] = mapped_column(Float)

    dispute: Mapped[Dispute] = relationship(back_populates="criteria")
    result: Mapped[CriterionResultRecord] = relationship()


class Dispute(Base):
    __tablename__ = "disputes"
    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    agent_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DisputeStatus.OPEN, index=True)
    old_score: Mapped[float] = mapped_column(Float)
    new_score: Mapped[float | None] = mapped_column(Float)
    new_score_id: Mapped[int | None] = mapped_column(ForeignKey("scores.id", ondelete="SET NULL"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    agent_user: Mapped[User] = relationship(foreign_keys=[agent_user_id])
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by])
    criteria: Mapped[list[DisputedCriterion]] = relationship(
        back_populates="dispute", order_by="DisputedCriterion.id", cascade="all, delete-orphan")


class Acknowledgement(Base):
    __tablename__ = "acknowledgements"
    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(
        ForeignKey("scores.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class Clip(Base):
    __tablename__ = "clips"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    tag: Mapped[str] = mapped_column(String(100), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    criterion_id: Mapped[str | None] = mapped_column(String(100), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    call: Mapped[Call] = relationship()
    creator: Mapped[User] = relationship()
