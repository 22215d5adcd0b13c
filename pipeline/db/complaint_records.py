"""Complaint cases (ISO 10002): a complaint followed from the first call to its closure.

    ComplaintCase      one complaint: its reference (``CMP-2026-000123``), state, category,
                       customer, team, owner, due date of the current stage, escalation
                       level, and at closure the outcome, root cause and the customer's
                       satisfaction with the resolution
    ComplaintCaseCall  a call that belongs to a case, and why: it ``opened`` the case, it
                       is a ``repeat`` call of the same customer while the case was open,
                       or a ``person`` attached it
    ComplaintEvent     the case's history: every opening, attachment, transition, owner
                       change and escalation, with who did it and when

A case holds no personal data but ``customer_key`` (the same key ``calls`` holds); an
erased call takes its ``complaint_case_calls`` row with it, and a case left with no call
forgets its customer (:mod:`pipeline.db.complaint_erasure`). The lifecycle is
:mod:`pipeline.db.complaints`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.db.models import Base

__all__ = ["CaseStatus", "ComplaintCase", "ComplaintCaseCall", "ComplaintEvent"]


class CaseStatus:
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    INVESTIGATING = "investigating"
    RESPONDED = "responded"
    CLOSED = "closed"
    ALL = (RECEIVED, ACKNOWLEDGED, ASSESSED, INVESTIGATING, RESPONDED, CLOSED)
    OPEN = (RECEIVED, ACKNOWLEDGED, ASSESSED, INVESTIGATING, RESPONDED)


class ComplaintCase(Base):
    __tablename__ = "complaint_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str | None] = mapped_column(String(60), index=True)
    customer_key: Mapped[str | None] = mapped_column(String(250), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the SLA clock's start: opened_at, or the last reopening
    clock_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_for: Mapped[str | None] = mapped_column(String(40))  # the deadline escalated
    outcome: Mapped[str | None] = mapped_column(String(30))
    root_cause: Mapped[str | None] = mapped_column(String(60), index=True)
    satisfaction: Mapped[int | None] = mapped_column(Integer)  # 1..5, the customer's
    sla_met: Mapped[bool | None] = mapped_column(Boolean)  # closed by its close deadline
    source: Mapped[str] = mapped_column(String(10))  # "rule" or "person"
    calls: Mapped[list[ComplaintCaseCall]] = relationship(
        back_populates="case", order_by="ComplaintCaseCall.attached_at",
        cascade="all, delete-orphan")
    events: Mapped[list[ComplaintEvent]] = relationship(
        order_by="ComplaintEvent.id", cascade="all, delete-orphan")


class ComplaintCaseCall(Base):
    __tablename__ = "complaint_case_calls"
    __table_args__ = (UniqueConstraint("call_id", name="uq_complaint_case_calls_call"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("complaint_cases.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    why: Mapped[str] = mapped_column(String(10))  # opened, repeat, person
    case: Mapped[ComplaintCase] = relationship(back_populates="calls")


class ComplaintEvent(Base):
    __tablename__ = "complaint_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("complaint_cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # open, attach, transition, owner, ...
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
