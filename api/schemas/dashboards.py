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


class SummaryPublic(BaseModel):
    period: Literal["day", "week", "month"]
    group_by: Literal["none", "agent", "team", "queue", "direction", "language", "category"]
    data: list[SummaryRowPublic]
    names: dict[str, str] = Field(
        default_factory=dict,
        description="What a person calls a group, where that is not the group itself: "
                    "agents' names by external id.")
