"""The records of the QA team learning together: calibration sessions and coaching.

    CalibrationSession   several reviewers score the same scorecard blind; once every
                         invited reviewer has submitted (or the organiser reveals it), each
                         sees the others' verdicts side by side
    CalibrationReviewer  one invited reviewer of a session; ``submitted_at`` once they sent
                         their verdicts
    CalibrationVerdict   one reviewer's verdict on one criterion of the session's scorecard
    CoachingTask         a supervisor or trainer gives an agent a call, a clip or a criterion
                         to work on, with a note and a due date; the agent marks it done

The rules over these records (who may see a verdict before the reveal, agreement and
Cohen's kappa, who may assign and complete coaching) live in :mod:`scoring.work`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.db.accounts import User
from pipeline.db.models import Agent, Base, Call, CriterionResultRecord, ScoreRecord
from pipeline.db.review_records import Clip
from pipeline.db.times import utc_now

__all__ = ["CalibrationReviewer", "CalibrationSession", "CalibrationStatus",
           "CalibrationVerdict", "CoachingStatus", "CoachingTask"]


class CalibrationStatus:
    OPEN = "open"  # reviewers score blind
    REVEALED = "revealed"  # everyone sees everyone's verdicts


class CalibrationSession(Base):
    __tablename__ = "calibration_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("scores.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=CalibrationStatus.OPEN, index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now,
                                                 index=True)
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    call: Mapped[Call] = relationship()
    score: Mapped[ScoreRecord] = relationship()
    creator: Mapped[User] = relationship()
    reviewers: Mapped[list[CalibrationReviewer]] = relationship(
        back_populates="session", order_by="CalibrationReviewer.id",
        cascade="all, delete-orphan")


class CalibrationReviewer(Base):
    __tablename__ = "calibration_reviewers"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    session: Mapped[CalibrationSession] = relationship(back_populates="reviewers")
    user: Mapped[User] = relationship()
    verdicts: Mapped[list[CalibrationVerdict]] = relationship(
        back_populates="reviewer", order_by="CalibrationVerdict.id",
        cascade="all, delete-orphan")


class CalibrationVerdict(Base):
    __tablename__ = "calibration_verdicts"
    __table_args__ = (UniqueConstraint("reviewer_id", "criterion_result_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_reviewers.id", ondelete="CASCADE"), index=True)
    criterion_result_id: Mapped[int] = mapped_column(
        ForeignKey("criterion_results.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(4))  # pass, fail, na
    comment: Mapped[str | None] = mapped_column(Text)

    reviewer: Mapped[CalibrationReviewer] = relationship(back_populates="verdicts")
    result: Mapped[CriterionResultRecord] = relationship()


class CoachingStatus:
    OPEN = "open"
    DONE = "done"


class CoachingTask(Base):
    __tablename__ = "coaching_tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"),
                                          index=True)
    # what to work on: a call, a clip of one, a criterion of the rubric, or some of these
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                                index=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                                index=True)
    criterion_id: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default=CoachingStatus.OPEN, index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_note: Mapped[str | None] = mapped_column(Text)

    agent: Mapped[Agent] = relationship()
    call: Mapped[Call | None] = relationship()
    clip: Mapped[Clip | None] = relationship()
    creator: Mapped[User] = relationship()
