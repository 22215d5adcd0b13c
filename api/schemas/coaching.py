"""Coaching tasks: what a supervisor or trainer gives an agent to work on."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import DbId, UtcDatetime


class CoachingCreate(BaseModel):
    agent_id: DbId | None = Field(
        default=None, description="The agent (a database id); default: the call's agent.")
    agent: str | None = Field(default=None, max_length=200,
                              description="Or the agent's external id (A-17).")
    call_id: str | None = Field(default=None, max_length=36)
    clip_id: DbId | None = None
    criterion_id: str | None = Field(default=None, max_length=100)
    note: str = Field(min_length=1, max_length=5000, description="What to work on.")
    due_on: date | None = Field(default=None, description="Today or later.")


class CoachingUpdate(BaseModel):
    note: str | None = Field(default=None, min_length=1, max_length=5000)
    due_on: date | None = Field(default=None, description="null removes the due date.")
    status: Literal["open"] | None = Field(default=None,
                                           description="'open' reopens a done task.")


class CoachingDone(BaseModel):
    done_note: str | None = Field(default=None, max_length=5000,
                                  description="What the agent did, if they say.")


class ExampleLine(BaseModel):
    idx: int
    role: str | None
    start: float
    end: float
    text: str = Field(description="Redacted.")


class CoachingPublic(BaseModel):
    id: int
    agent_id: int
    agent: str = Field(description="The agent's external id.")
    agent_name: str | None
    team: str | None
    call_id: str | None
    call_is_agents: bool = Field(
        description="The call is the agent's own (else an example they read here).")
    clip_id: int | None
    clip_tag: str | None
    criterion_id: str | None
    title: str = Field(description="The criterion's title in the reader's language, "
                                   "else the clip's tag, else the note's first line.")
    note: str
    due_on: date | None
    overdue: bool
    status: Literal["open", "done"]
    created_by: int
    created_by_name: str
    created_at: UtcDatetime
    done_at: UtcDatetime | None
    done_note: str | None


class CoachingDetail(CoachingPublic):
    example: list[ExampleLine] = Field(
        default_factory=list, description="The clip's or call's redacted transcript.")


class CoachingsPublic(BaseModel):
    data: list[CoachingPublic]
    count: int


class CriterionChoice(BaseModel):
    id: str
    title: str


class CriterionChoices(BaseModel):
    data: list[CriterionChoice]
