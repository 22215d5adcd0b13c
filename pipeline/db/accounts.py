"""The sign-in records: who may sign in, with what role, and the tokens and throttles of it.

    Role           the four roles (admin, supervisor, trainer, agent), as plain strings
    User           someone who signs in: admin, supervisor, trainer or agent; an agent
                   user is tied to one Agent and sees only that agent's calls
    user_teams     the teams a user works in (one row per user and team): with
                   CALLQA_TEAM_SCOPING on, a supervisor or trainer sees only their calls
    ApiToken       an opaque bearer token, stored only as its SHA-256 digest, with an expiry
    LoginThrottle  failed sign-ins per key, shared by every API process

The rules over them (creating users, checking passwords and tokens, signing in, the
failed sign-in counts) live above, in :mod:`scoring.work.accounts`,
:mod:`scoring.work.credentials`, :mod:`scoring.work.sign_in` and
:mod:`scoring.work.login_limits`; these are only the tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Float, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.db.models import Agent, Base, Team
from pipeline.db.times import utc_now


class Role:
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    AGENT = "agent"
    ALL = (ADMIN, SUPERVISOR, TRAINER, AGENT)


user_teams = Table(
    "user_teams", Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


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
    email: Mapped[str | None] = mapped_column(String(254))  # notifications (pipeline.db.outbox)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    agent: Mapped[Agent | None] = relationship()
    teams: Mapped[list[Team]] = relationship(secondary=user_teams, order_by=Team.name)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failed sign-ins of one key (a username at an address, or an address), shared by
    every API process: the counts behind ``scoring.work.login_limits.SharedLoginLimiter``.
    Times are seconds since the epoch."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # kind:sha256
    failures: Mapped[int] = mapped_column(default=0)
    last: Mapped[float] = mapped_column(Float, index=True)  # the last failure
    blocked_until: Mapped[float] = mapped_column(Float, default=0.0)
