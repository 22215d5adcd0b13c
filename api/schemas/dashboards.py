"""Dashboard summaries: one row per bucket (day, week, month) x group."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SummaryRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    start: date
    group: str | None
    calls: int
    average_score: float | None
    auto_fail_rate: float
    flag_rate: float
    customer_sentiment_end: float | None
    avg_duration: float | None
    avg_silence_pct: float | None
    avg_talk_ratio_agent: float | None
    avg_overtalk: float | None
    avg_handle_time: float | None = Field(description=(
        "Seconds: the call's duration (talk and hold) plus the after-call work metadata "
        "gave (after_call_work_seconds), over the calls with a duration."))
    avg_acw: float | None = Field(description="Seconds of after-call work, over the calls "
                                              "whose metadata gave it.")
    fcr: float | None = Field(description=(
        "First-contact resolution over the calls whose customer and reason are known: "
        "first contacts no later call repeats / first contacts."))
    repeat_rate: float | None = Field(description="Repeat contacts / calls whose customer "
                                                  "and reason are known.")
    complaint_rate: float = Field(description="Calls attached to a complaint case / calls.")


GroupByName = Literal["none", "agent", "team", "queue", "direction", "language", "category",
                      "region", "channel", "product"]


class SummaryPublic(BaseModel):
    period: Literal["day", "week", "month"]
    group_by: GroupByName
    data: list[SummaryRowPublic]
    names: dict[str, str] = Field(
        default_factory=dict,
        description="What a person calls a group, where that is not the group itself: "
                    "agents' names by external id.")


class ResolutionRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group: str | None = Field(description="Agent id, team, queue or reason code; null for all.")
    calls: int = Field(description="Categorised calls whose customer is known.")
    repeats: int = Field(description="Repeats of an earlier call (linked, or the customer "
                                     "said they called before).")
    first_contacts: int
    resolved: int = Field(description="First contacts that no later call repeats.")
    fcr: float | None = Field(description="First-contact resolution: resolved / first "
                                          "contacts (null: no first contact).")
    repeat_rate: float | None


class ResolutionPublic(BaseModel):
    group_by: str
    window_days: float
    data: list[ResolutionRowPublic]
    names: dict[str, str] = Field(default_factory=dict,
                                  description="What a person calls each group (agent names).")
