"""Calibration sessions (reviewers scoring one scorecard blind, then side by side) and
the agreement report (percent agreement and Cohen's kappa)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import DbId, UtcDatetime

Verdict = Literal["pass", "fail", "na"]
Status = Literal["open", "revealed"]


class CalibrationCreate(BaseModel):
    call_id: str = Field(min_length=1, max_length=36)
    reviewer_ids: list[DbId] = Field(
        min_length=2, max_length=50,
        description="The users who score the call blind (supervisors, admins, trainers).")
    title: str | None = Field(default=None, max_length=200)


class VerdictIn(BaseModel):
    criterion_result_id: DbId
    verdict: Verdict
    comment: str | None = Field(default=None, max_length=5000)


class VerdictsIn(BaseModel):
    verdicts: list[VerdictIn] = Field(
        min_length=1, max_length=500,
        description="A verdict on every criterion of the session's scorecard.")


class SaidPublic(BaseModel):
    user_id: int
    username: str
    verdict: Verdict
    comment: str | None


class CriterionPublic(BaseModel):
    criterion_result_id: int
    criterion_id: str
    title: str = Field(description="The criterion's title in the reader's language.")
    section_id: str
    automatic: Verdict | None = Field(description="Hidden (null) until revealed.")
    mine: SaidPublic | None = Field(description="The reader's own verdict, if given.")
    verdicts: list[SaidPublic] = Field(description="Every reviewer's, once revealed.")
    agreement: Literal["all", "people", "split"] | None = Field(
        description="Once revealed: all agree with the automatic verdict, the people "
                    "agree with each other only, or the people are split.")


class ReviewerPublic(BaseModel):
    user_id: int
    username: str
    submitted_at: UtcDatetime | None


class CalibrationSummary(BaseModel):
    id: int
    call_id: str
    score_id: int
    title: str | None
    status: Status
    organiser_id: int
    organiser: str
    created_at: UtcDatetime
    revealed_at: UtcDatetime | None
    reviewer: bool = Field(description="Whether the reader is one of its reviewers.")
    submitted: bool = Field(description="Whether the reader has submitted their verdicts.")
    may_reveal: bool = Field(description="Whether the reader may reveal it now.")
    reviewers: list[ReviewerPublic]


class CalibrationPublic(CalibrationSummary):
    criteria: list[CriterionPublic]


class CalibrationsPublic(BaseModel):
    data: list[CalibrationSummary]
    count: int


class ChoicePublic(BaseModel):
    id: int
    username: str
    full_name: str | None
    role: str


class ChoicesPublic(BaseModel):
    data: list[ChoicePublic]
    count: int


class FiguresPublic(BaseModel):
    n: int = Field(description="How many pairs of verdicts.")
    percent: float | None = Field(description="Percent agreement; null with no pairs.")
    kappa: float | None = Field(
        description="Cohen's kappa; null where undefined (chance agreement is 1).")


class CriterionAgreementPublic(BaseModel):
    criterion_id: str
    title: str
    automatic: FiguresPublic = Field(description="The automatic verdict against people's.")
    people: FiguresPublic = Field(description="People against each other.")


class ReviewerAgreementPublic(BaseModel):
    user_id: int
    username: str
    automatic: FiguresPublic
    people: FiguresPublic


class AgreementPublic(BaseModel):
    since: UtcDatetime
    until: UtcDatetime
    sessions: int = Field(description="Revealed calibration sessions in the period.")
    reviews: int = Field(description="Closed reviews in the period.")
    criteria: list[CriterionAgreementPublic] = Field(description="Worst agreement first.")
    reviewers: list[ReviewerAgreementPublic] = Field(description="Worst agreement first.")
