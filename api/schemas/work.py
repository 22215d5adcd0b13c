"""Reviews with their overrides, disputes and clips."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas import DbId, UtcDatetime

Verdict = Literal["pass", "fail", "na"]


class ReviewCreate(BaseModel):
    call_id: str = Field(max_length=36)


class OverrideIn(BaseModel):
    verdict: Verdict
    points: float | None = Field(
        default=None, ge=0,
        description="Default: the criterion's full points for pass, 0 for fail and na.")
    comment: str = Field(min_length=1, max_length=5000)


class OverridePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    criterion_result_id: int
    verdict: Verdict
    points: float
    comment: str
    created_at: UtcDatetime


class ReviewClose(BaseModel):
    final_score: float | None = Field(
        default=None, ge=0, le=100,
        description="Default: the total recomputed from the human verdicts.")
    comment: str | None = Field(default=None, max_length=5000)


class ReviewPublic(BaseModel):
    id: int
    call_id: str
    score_id: int
    reviewer_id: int
    reviewer: str
    status: Literal["open", "closed"]
    final_score: float | None
    final_score_id: int | None
    comment: str | None
    opened_at: UtcDatetime
    closed_at: UtcDatetime | None
    overrides: list[OverridePublic]


class ReviewsPublic(BaseModel):
    data: list[ReviewPublic]
    count: int


class DiffRow(BaseModel):
    criterion_result_id: int
    criterion_id: str
    title: str = Field(default="", description="The criterion's title in the reader's language.")
    section_id: str
    max_points: float
    automatic_verdict: Verdict
    automatic_points: float
    human_verdict: Verdict
    human_points: float
    changed: bool
    comment: str | None


class ReviewDiff(BaseModel):
    review_id: int
    automatic_total: float
    human_total: float = Field(description="Recomputed from the human verdicts.")
    final_score: float | None
    changed: int = Field(description="How many criteria the human changed.")
    criteria: list[DiffRow]


class DisputeCreate(BaseModel):
    score_id: DbId
    reason: str = Field(min_length=3, max_length=5000)
    criteria: list[DbId] = Field(
        min_length=1, max_length=200,
        description="The criterion result ids of the scorecard you contest (at least one).")


class DisputeVerdictIn(BaseModel):
    criterion_result_id: DbId
    verdict: Verdict
    points: float | None = Field(
        default=None, ge=0,
        description="Default: the criterion's full points for pass, 0 for fail and na.")
    comment: str | None = Field(default=None, max_length=5000)


class DisputeDecision(BaseModel):
    decision: Literal["accepted", "rejected"]
    comment: str = Field(default="", max_length=5000,
                         description="Why; needed to reject.")
    verdicts: list[DisputeVerdictIn] = Field(
        default_factory=list, max_length=200,
        description="To accept: one verdict for each disputed criterion (exactly those). "
                    "To reject: none.")

    @model_validator(mode="after")
    def _what_each_decision_needs(self) -> DisputeDecision:
        if self.decision == "accepted" and not self.verdicts:
            raise ValueError("to accept a dispute, give a verdict for each disputed "
                             "criterion (verdicts)")
        if self.decision == "rejected" and not self.comment.strip():
            raise ValueError("to reject a dispute, say why in the comment")
        if self.decision == "rejected" and self.verdicts:
            raise ValueError("a rejected dispute keeps the score: send a comment and no "
                             "verdicts")
        return self


class DisputedCriterionPublic(BaseModel):
    id: int = Field(description="The criterion result id on the disputed scorecard.")
    criterion_id: str
    title: str = Field(description="In the reader's language.")
    section_id: str
    max_points: float
    automatic_verdict: Verdict = Field(description="The disputed scorecard's verdict.")
    automatic_points: float
    decided_verdict: Verdict | None = Field(description="Given when the dispute was "
                                                        "accepted; null otherwise.")
    decided_points: float | None
    evidence: list[dict[str, Any]] = Field(description="Each: start, end, quote, role, note.")


class DisputePublic(BaseModel):
    id: int
    score_id: int
    call_id: str
    agent_user_id: int
    agent: str | None = Field(default=None, description="The call's agent's external id.")
    agent_name: str | None = Field(default=None, description="The agent's name.")
    reason: str
    status: Literal["open", "accepted", "rejected"]
    criteria: list[DisputedCriterionPublic] = Field(default_factory=list)
    whole_scorecard: bool = Field(
        default=False, description="Filed before disputes named criteria: it contests every "
                                   "criterion, and accepting it gives a verdict for each.")
    old_score: float = Field(description="The disputed scorecard's total.")
    new_score: float | None = Field(description="The accepted dispute's scorecard's total.")
    new_score_id: int | None
    decided_by: int | None
    decider: str | None = Field(default=None, description="Who decided, by name.")
    decision_comment: str | None
    created_at: UtcDatetime
    decided_at: UtcDatetime | None


class DisputesPublic(BaseModel):
    data: list[DisputePublic]
    count: int


class ClipCreate(BaseModel):
    call_id: str = Field(max_length=36)
    start: float = Field(ge=0)
    end: float = Field(gt=0)
    tag: str = Field(min_length=1, max_length=100)
    note: str | None = Field(default=None, max_length=5000)
    criterion_id: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _ordered(self) -> ClipCreate:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class ClipLine(BaseModel):
    idx: int
    role: str
    start: float
    end: float
    text: str = Field(description="Redacted text.")


class ClipPublic(BaseModel):
    id: int
    call_id: str
    start: float
    end: float
    tag: str
    note: str | None
    criterion_id: str | None
    created_by: int
    created_at: UtcDatetime


class ClipDetail(ClipPublic):
    transcript: list[ClipLine]


class ClipsPublic(BaseModel):
    data: list[ClipPublic]
    count: int
