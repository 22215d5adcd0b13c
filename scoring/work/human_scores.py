"""A person's verdicts as a scorecard: the automatic scorecard with some criteria judged
again (a review's overrides) or a person's total (an accepted dispute), made by the
scorer's own rule (:func:`scoring.scorer.scorecard_of`).

So a person's scorecard is computed exactly like an automatic one: section points from the
criteria, the weighted total, auto-fail, and the flags evaluated again on the stored call
with the new verdicts and total (no "67.5 is below 70" beside a total of 77.5). It is
stored like any other scorecard (:func:`pipeline.db.scores.save_scorecard`): it becomes the
call's current score and the automatic one stays as history. A criterion that was N/A and
is now judged gets its points from the stored rubric version.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from pipeline.db.models import CriterionResultRecord, RubricRecord, ScoreRecord
from pipeline.db.scores import load_stored_call, save_scorecard
from pipeline.errors import Invalid
from pipeline.types import Role
from scoring.in_force import parsed
from scoring.messages import Message, render
from scoring.rubric_types import Rubric
from scoring.scorer import scorecard_of, totals_of
from scoring.types import CriterionResult, Evidence, PartySentiment, Scorecard, Verdict
from scoring.view import view_of_stored

__all__ = ["Judgement", "human_scorecard", "human_total", "judge", "save_human_score",
           "stored_rubric"]


@dataclass(frozen=True)
class Judgement:
    """A person's verdict on one criterion, with its points and the criterion's maximum."""

    verdict: str
    points: float
    max_points: float


def stored_rubric(record: RubricRecord) -> Rubric:
    """The rubric version a scorecard used, parsed from its stored YAML (once per hash)."""
    return parsed(record)


def full_points(score: ScoreRecord) -> dict[str, float]:
    """Each criterion's full points, read from the rubric version the score used."""
    return {c.id: float(c.points) for _, c in stored_rubric(score.rubric).criteria()}


def judge(result: CriterionResultRecord, verdict: str, points: float | None,
          full: Mapping[str, float]) -> Judgement:
    """A human verdict on one criterion, with its points checked against the maximum."""
    maximum = result.max_points or full.get(result.criterion_id, result.max_points)
    if verdict == "na":
        return Judgement("na", 0.0, 0.0)
    if points is None:
        points = maximum if verdict == "pass" else 0.0
    if points > maximum:
        raise Invalid(f"points {points:g} exceed the criterion's maximum {maximum:g}")
    return Judgement(verdict, float(points), float(maximum))


def _evidence(e: Mapping[str, Any]) -> Evidence:
    note = e.get("note_message")
    return Evidence(start=e["start"], end=e["end"],
                    utterance_indexes=tuple(e.get("utterance_indexes", ())),
                    quote=e.get("quote", ""), role=e.get("role"), note=e.get("note", ""),
                    note_message=Message.from_dict(note) if note else None)


def _result(r: CriterionResultRecord, j: Judgement | None) -> CriterionResult:
    stored = Message.from_dict(r.explanation_message) if r.explanation_message else None
    explained, text = stored, r.explanation
    if j is not None:
        explained = Message("human.verdict", {
            "verdict": j.verdict, "was": r.verdict,
            "explanation": r.explanation_message or r.explanation})
        text = render(explained, "en")
    return CriterionResult(
        criterion_id=r.criterion_id, section_id=r.section_id, type=r.type,
        verdict=Verdict(j.verdict if j else r.verdict),
        points=j.points if j else r.points, max_points=j.max_points if j else r.max_points,
        explanation=text, evidence=tuple(_evidence(e) for e in r.evidence),
        confidence=r.confidence, auto_fail=r.auto_fail, explanation_message=explained)


def _parties(stored: Sequence[Mapping[str, Any]]) -> tuple[PartySentiment, ...] | None:
    if not stored:
        return None
    return tuple(PartySentiment(role=Role(p["role"]), start=p.get("start"),
                                middle=p.get("middle"), end=p.get("end"),
                                overall=p.get("overall"), trajectory=p.get("trajectory", ""))
                 for p in stored)


def human_total(base: ScoreRecord, judged: Mapping[int, Judgement]) -> float:
    """The total ``judged`` makes of ``base``, by the same rule, without reading the call."""
    results = [_result(r, judged.get(r.id)) for r in base.results]
    return totals_of(stored_rubric(base.rubric), results)[1]


def human_scorecard(session: Session, base: ScoreRecord, judged: Mapping[int, Judgement], *,
                    total: float | None = None) -> Scorecard:
    """``base`` with ``judged`` (criterion result id -> judgement) and, when given, a
    person's ``total``; its flags evaluated again on the stored call."""
    view = view_of_stored(load_stored_call(session, base.call_id))
    results = [_result(r, judged.get(r.id)) for r in base.results]
    return scorecard_of(stored_rubric(base.rubric), view, results,
                        _parties(base.sentiment), total=total, notes=base.notes)


def save_human_score(session: Session, base: ScoreRecord, card: Scorecard,
                     note: str) -> ScoreRecord:
    """Store a person's scorecard, with ``note`` added, as the call's current one; ``base``
    stays history."""
    card = dataclasses.replace(card, notes=(*card.notes, note))
    return save_scorecard(session, base.call_id, base.rubric_id, card.to_dict())
