"""Calls, transcripts, scorecards and the review queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import UtcDatetime


class FlagPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    severity: str
    priority: float
    reason: str = Field(description="Why the call must be heard, in the reader's language.")
    evidence: list[dict[str, Any]]


class CriterionResultPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    criterion_id: str
    title: str = Field(description="The rubric's title of the criterion in the reader's "
                                   "language (else the rubric's own language, else the id).")
    section_id: str
    type: str
    verdict: str
    points: float
    max_points: float
    confidence: float | None
    auto_fail: bool
    explanation: str = Field(description="One line on why, in the reader's language.")
    evidence: list[dict[str, Any]] = Field(
        description="Each: start, end (seconds: jump to the moment), utterance_indexes, "
                    "quote (redacted), role, note (in the reader's language).")


class ScorePublic(BaseModel):
    id: int
    call_id: str
    current: bool
    rubric: str
    rubric_version: str
    rubric_language: str | None = None
    total: float
    auto_failed: bool
    priority: float
    sections: list[dict[str, Any]] = Field(
        description="Each: section_id, title (in the reader's language), weight, points, "
                    "max_points, percent.")
    sentiment: list[dict[str, Any]]
    notes: list[Any]
    created_at: UtcDatetime
    results: list[CriterionResultPublic]
    flags: list[FlagPublic]
    scored_by: str | None = Field(default=None, description=(
        "The person who made this scorecard (a closed review or an accepted dispute), by "
        "name; null for the scorer's own."))
    pass_mark: float | None = Field(default=None, description=(
        "The total below which the rubric flags the call as a low score (its low_score "
        "rule; 60 by default); null when the rubric has no such rule."))


class ScoreSummary(BaseModel):
    id: int
    current: bool
    rubric: str
    rubric_version: str
    total: float
    auto_failed: bool
    notes: list[Any]
    created_at: UtcDatetime


class ScoresPublic(BaseModel):
    data: list[ScoreSummary]
    count: int


class CallPublic(BaseModel):
    id: str
    status: str
    agent: str | None = Field(description="The agent's external id.")
    agent_name: str | None
    team: str | None
    queue: str | None
    direction: str | None
    started_at: datetime | None
    language: str | None
    duration: float | None
    score: float | None = Field(description="Total of the current scorecard.")
    auto_failed: bool | None
    priority: float | None
    flags: list[str] = Field(description="Flag codes of the current scorecard.")
    contact_reason: str | None = Field(
        default=None, description="The primary contact reason (category.subcategory).")
    product: str | None = Field(default=None, description="From metadata, else the taxonomy.")


class CallsPublic(BaseModel):
    data: list[CallPublic]
    count: int


class UtterancePublic(BaseModel):
    idx: int
    speaker: str
    role: str
    start: float
    end: float
    text: str = Field(description="Redacted text.")
    original_text: str | None = Field(
        default=None, description="Only with ?original=true, for admins and supervisors, "
                                  "when CALLQA_KEEP_ORIGINAL_TEXT kept it; audited.")
    sentiment: float | None
    sentiment_label: str | None


class PIISpanPublic(BaseModel):
    kind: str
    utterance: int
    start: float
    end: float


class ReasonEvidencePublic(BaseModel):
    rule: str = Field(description="Which rule held, e.g. 'phrase rule (line 40)'.")
    explanation: str
    quote: str | None = Field(default=None, description="What was said (redacted).")
    start: float | None = None
    end: float | None = None


class ReasonPublic(BaseModel):
    code: str
    category: str
    subcategory: str
    title: str = Field(description="In the reader's language, from the taxonomy in force.")
    category_title: str
    confidence: float
    primary: bool
    complaint: bool
    taxonomy: str = Field(description="The taxonomy and version that found it.")
    evidence: list[ReasonEvidencePublic]


class CallDetail(CallPublic):
    source_key: str
    error: str | None
    language_source: str | None = Field(
        default=None, description="What decided the language: metadata, queue, setting, "
                                  "only (the one expected language), detected, assumed.")
    language_reason: str | None = Field(
        default=None, description="Why, e.g. 'detected among tr, en, az: tr 0.91, ...'.")
    asr_model: str | None = Field(default=None, description="The ASR model that transcribed it.")
    channels: int | None
    diarization: str | None
    notes: list[Any]
    metrics: dict[str, Any] | None
    utterances: list[UtterancePublic]
    pii: list[PIISpanPublic] = Field(description="Where personal data was redacted (no values).")
    scorecard: ScorePublic | None
    product_title: str | None = Field(default=None, description="The product's title.")
    repeat_of: str | None = Field(default=None, description=(
        "The earlier call of the same customer on the same reason that this one repeats."))
    customer_calls: int | None = Field(default=None, description=(
        "Calls of this call's customer you can see (null: unknown customer, or not for "
        "your role); GET /customers/of-call/{id} lists them."))
    reasons: list[ReasonPublic] = Field(
        default_factory=list, description="Contact reasons, the primary first.")
    blind_calibration: int | None = Field(
        default=None, description="The open calibration session in which you score this call "
                                  "blind: until it is revealed, no scorecard, score or flags.")


class QueueItemPublic(CallPublic):
    flag_details: list[FlagPublic]
    review_id: int | None = Field(description="The open review of the call, if any.")
    reviewer: str | None
    disputed: bool = Field(description="An agent's dispute is open.")


class QueuePublic(BaseModel):
    data: list[QueueItemPublic]
    count: int


class AgentChoice(BaseModel):
    external_id: str
    name: str | None


class FilterChoicesPublic(BaseModel):
    """What the call filters can be set to, among the calls the reader may see."""

    teams: list[str]
    agents: list[AgentChoice]
    queues: list[str]
    languages: list[str]
    flags: list[str] = Field(description="Flag codes on current scorecards.")
