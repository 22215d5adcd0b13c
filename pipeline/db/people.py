"""Records of the people's side: users and their tokens, reviews, disputes, clips, the audit log.

    User               someone who signs in: admin, supervisor, trainer or agent; an agent
                       user is tied to one Agent and sees only that agent's calls
    ApiToken           an opaque bearer token, stored only as its SHA-256 digest, with an expiry
    AuditLog           who did what to which object, and when (reviews, overrides, dispute
                       decisions, original-text views, user changes)
    Review             a supervisor's human review of one scorecard; overrides per criterion;
                       closing it stores the human scorecard as the call's current score
    CriterionOverride  the human verdict on one criterion result, with a comment
    Dispute            an agent contests a scorecard; a supervisor accepts (score changed)
                       or rejects it; the record stays as history
    Clip               a time span of a call saved in the trainers' example library

Each helper works inside the caller's session (transaction), like :mod:`pipeline.db.scores`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from pipeline.db.models import Agent, Base, Call, CriterionResultRecord, ScoreRecord


def _now() -> datetime:
    return datetime.now(UTC)


class Role:
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    AGENT = "agent"
    ALL = (ADMIN, SUPERVISOR, TRAINER, AGENT)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), index=True)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(String(8))  # UI language; None: the browser's
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    agent: Mapped[Agent | None] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    user: Mapped[User] = relationship()


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "review.override"
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    review: Mapped[Review] = relationship(back_populates="overrides")
    result: Mapped[CriterionResultRecord] = relationship()


class DisputeStatus:
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    agent_user: Mapped[User] = relationship(foreign_keys=[agent_user_id])
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by])


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    call: Mapped[Call] = relationship()
    creator: Mapped[User] = relationship()


def audit(
    session: Session, user: User | None, action: str, object_type: str, object_id: object,
    **detail: Any,
) -> AuditLog:
    """Write one audit entry (who, what, which object, when) in the caller's transaction."""
    entry = AuditLog(user_id=user.id if user else None, action=action, object_type=object_type,
                     object_id=str(object_id), detail=detail, at=_now())
    session.add(entry)
    return entry


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; callqa stores UTC, so make them aware again."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)



class LoginThrottle(Base):
    """Failed sign-ins of one key (a username at an address, or an address), shared by
    every API process: the counts behind ``api.ratelimit.SharedLoginLimiter``. Times are
    seconds since the epoch."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # kind:sha256
    failures: Mapped[int] = mapped_column(default=0)
    last: Mapped[float] = mapped_column(Float, index=True)  # the last failure
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)
