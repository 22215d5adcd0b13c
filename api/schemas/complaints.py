"""Complaint cases (ISO 10002): a case, its calls and history; the list with its counts;
a step of the lifecycle; the owner; a person's decision that a call is a complaint; the
complaint KPIs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas import DbId, UtcDatetime

Status = Literal["received", "acknowledged", "assessed", "investigating", "responded",
                 "closed"]
Outcome = Literal["upheld", "partly_upheld", "not_upheld", "withdrawn"]


class CaseSummary(BaseModel):
    """A case as the list and other pages show it."""

    id: int
    reference: str
    status: Status
    category: str | None
    category_title: str | None = Field(description="The category's title in the reader's "
                                                   "language, from the taxonomy.")
    team: str | None
    owner: str | None = Field(description="The owner's username.")
    owner_id: int | None
    opened_at: UtcDatetime
    due_at: UtcDatetime | None = Field(description="When the current stage is due.")
    deadline: str | None = Field(description="What is due: acknowledge, respond or close.")
    overdue: bool
    escalation_level: int
    closed_at: UtcDatetime | None
    calls: int
    source: Literal["rule", "person"]
    link: str = Field(description="The case's page in the web UI.")


class CaseCallPublic(BaseModel):
    call_id: str
    why: Literal["opened", "repeat", "person"]
    attached_at: UtcDatetime
    started_at: UtcDatetime | None = None
    agent: str | None = None
    contact_reason: str | None = None
    visible: bool = Field(description="False: the call is out of your sight (another "
                                      "team's); only its id is shown.")
    link: str | None


class CaseEventPublic(BaseModel):
    at: UtcDatetime
    user: str | None = Field(description="Who did it; None: callqa itself (a rule, the SLA).")
    action: str
    from_status: str | None
    to_status: str | None
    detail: dict[str, Any]


class RootCausePublic(BaseModel):
    code: str
    title: str


class CasePublic(CaseSummary):
    outcome: Outcome | None
    root_cause: str | None
    root_cause_title: str | None
    satisfaction: int | None
    sla_met: bool | None = Field(description="Closed by its close deadline.")
    acknowledged_at: UtcDatetime | None
    responded_at: UtcDatetime | None
    reopened: int
    next: list[Status] = Field(description="The steps the case may take now.")
    case_calls: list[CaseCallPublic]
    history: list[CaseEventPublic]
    root_causes: list[RootCausePublic] = Field(description="The codes a closure may name.")
    outcomes: list[Outcome]


class CategoryCount(BaseModel):
    category: str | None
    title: str | None
    total: int
    open: int
    overdue: int
    closed: int


class CasesPublic(BaseModel):
    data: list[CaseSummary]
    count: int
    by_status: dict[str, int] = Field(description="Every case in your sight, per state.")
    by_category: list[CategoryCount]
    overdue: int


class CaseTransition(BaseModel):
    to: Status = Field(description="The state to move to (one step; reopen: investigating).")
    note: str | None = Field(default=None, max_length=2000,
                             description="Why (kept in the history; write no personal data).")
    outcome: Outcome | None = Field(default=None, description="Closing: how it ended.")
    root_cause: str | None = Field(default=None, max_length=60,
                                   description="Closing: a root-cause code of the SLA file.")
    satisfaction: int | None = Field(default=None, ge=1, le=5,
                                     description="Closing: the customer's satisfaction 1-5.")


class CaseOwner(BaseModel):
    owner_id: DbId | None = Field(description="An admin or supervisor; null: nobody.")


class CallComplaint(BaseModel):
    case_id: DbId | None = Field(default=None, description="Join this open case; default: "
                                 "the customer's open case, else a new one.")
    note: str | None = Field(default=None, max_length=2000)


class CallComplaintPublic(BaseModel):
    case_id: int
    reference: str
    why: Literal["opened", "repeat", "person"]
    case: CasePublic


class ComplaintKpiPublic(BaseModel):
    group: str | None
    title: str | None
    opened: int
    closed: int
    open: int
    overdue: int
    median_closure_hours: float | None
    average_closure_hours: float | None
    within_sla: float | None = Field(description="Share of the closed cases closed by "
                                                 "their deadline, 0..1.")


class ComplaintKpisPublic(BaseModel):
    group_by: Literal["category", "team", "none"]
    data: list[ComplaintKpiPublic]
