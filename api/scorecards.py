"""Scorecards as the API shows them, and human scorecards: the automatic one with a
supervisor's verdicts applied (a closed review) or a changed total (an accepted dispute).

A human scorecard is stored like any other (:func:`pipeline.db.scores.save_scorecard`): it
becomes the call's current score and the automatic one stays as history. Its total follows
the scorer's rule (weighted mean of section percentages; a failed auto-fail criterion makes
it 0); a criterion that was N/A and is now judged gets its points from the stored rubric.

Read through the API, a scorecard speaks the reader's language (:func:`score_public`): each
criterion's ``title`` is the rubric's title in that language (else the rubric's own, else
the id), and explanations, flag reasons and evidence notes are rendered from their stored
messages; rows stored before messages existed show their English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.schemas.calls import CriterionResultPublic, FlagPublic, ScorePublic, ScoreSummary
from pipeline.db.models import CriterionResultRecord, FlagRecord, RubricRecord, ScoreRecord
from pipeline.db.scores import save_scorecard
from scoring.messages import Message, render
from scoring.titles import RubricTitles, rubric_titles


def titles_of(rubric: RubricRecord) -> RubricTitles:
    """The stored rubric version's titles per language (its source parsed once per hash)."""
    return rubric_titles(rubric.hash, rubric.source)


def evidence_public(evidence: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Evidence with each note in the reader's language (old rows keep their stored note)."""
    return [{**e, "note": render(e.get("note_message"), lang, e.get("note", ""))}
            if e.get("note_message") else e for e in evidence]


def result_public(r: CriterionResultRecord, names: RubricTitles,
                  lang: str) -> CriterionResultPublic:
    return CriterionResultPublic(
        id=r.id, criterion_id=r.criterion_id, title=names.criterion(r.criterion_id, lang),
        section_id=r.section_id, type=r.type, verdict=r.verdict, points=r.points,
        max_points=r.max_points, confidence=r.confidence, auto_fail=r.auto_fail,
        explanation=render(r.explanation_message, lang, r.explanation),
        evidence=evidence_public(r.evidence, lang))


def flag_public(f: FlagRecord, lang: str) -> FlagPublic:
    return FlagPublic(id=f.id, code=f.code, severity=f.severity, priority=f.priority,
                      reason=render(f.reason_message, lang, f.reason),
                      evidence=evidence_public(f.evidence, lang))


def sections_public(score: ScoreRecord, names: RubricTitles, lang: str) -> list[dict[str, Any]]:
    return [{**s, "title": names.section(s["section_id"], lang, s.get("title"))}
            for s in score.sections]


def score_public(score: ScoreRecord, lang: str = "en") -> ScorePublic:
    """A scorecard for a reader of ``lang``: titles, explanations and reasons in it."""
    names = titles_of(score.rubric)
    return ScorePublic(
        id=score.id, call_id=score.call_id, current=score.current, rubric=score.rubric.name,
        rubric_version=score.rubric.version, rubric_language=score.rubric.language,
        total=score.total, auto_failed=score.auto_failed,
        priority=score.priority, sections=sections_public(score, names, lang),
        sentiment=score.sentiment, notes=score.notes, created_at=score.created_at,
        results=[result_public(r, names, lang) for r in score.results],
        flags=[flag_public(f, lang) for f in score.flags],
    )


def score_summary(score: ScoreRecord) -> ScoreSummary:
    return ScoreSummary(id=score.id, current=score.current, rubric=score.rubric.name,
                        rubric_version=score.rubric.version, total=score.total,
                        auto_failed=score.auto_failed, notes=score.notes,
                        created_at=score.created_at)


@dataclass(frozen=True)
class Judgement:
    verdict: str
    points: float
    max_points: float


def rubric_points(score: ScoreRecord) -> dict[str, float]:
    """Each criterion's full points, read from the rubric version the score used."""
    from scoring import parse_rubric
    from scoring.rubric_types import Rubric

    try:
        rubric: Rubric = parse_rubric(score.rubric.source, source=score.rubric.name)
    except Exception:  # an unreadable old rubric: fall back to what the results say
        return {}
    return {c.id: float(c.points) for s in rubric.sections for c in s.criteria}


def judge(result: CriterionResultRecord, verdict: str, points: float | None,
          full: Mapping[str, float]) -> Judgement:
    """A human verdict on one criterion, with its points checked against the maximum."""
    maximum = result.max_points or full.get(result.criterion_id, result.max_points)
    if verdict == "na":
        return Judgement("na", 0.0, 0.0)
    if points is None:
        points = maximum if verdict == "pass" else 0.0
    if points > maximum:
        raise ValueError(f"points {points:g} exceed the criterion's maximum {maximum:g}")
    return Judgement(verdict, float(points), float(maximum))


def human_card(score: ScoreRecord, judged: Mapping[int, Judgement]) -> dict[str, Any]:
    """The scorecard dict of ``score`` with ``judged`` (criterion result id -> judgement)."""
    results: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for r in score.results:
        j = judged.get(r.id)
        explained: dict[str, Any] | None = r.explanation_message
        if j is not None:
            explained = Message("human.verdict", {
                "verdict": j.verdict, "was": r.verdict,
                "explanation": r.explanation_message or r.explanation}).to_dict()
        results.append({
            "criterion_id": r.criterion_id, "section_id": r.section_id, "type": r.type,
            "verdict": j.verdict if j else r.verdict, "points": j.points if j else r.points,
            "max_points": j.max_points if j else r.max_points, "confidence": r.confidence,
            "auto_fail": r.auto_fail, "evidence": r.evidence,
            "explanation": r.explanation if j is None else render(explained, "en"),
            "explanation_message": explained,
        })
    for section in score.sections:
        mine = [x for x in results if x["section_id"] == section["section_id"]]
        points = round(sum(x["points"] for x in mine), 3)
        maximum = round(sum(x["max_points"] for x in mine), 3)
        sections.append({**section, "points": points, "max_points": maximum,
                         "percent": None if maximum <= 0 else round(100 * points / maximum, 1)})
    counted = [s for s in sections if s["max_points"] > 0]
    weight = sum(s["weight"] for s in counted)
    total = 0.0 if not counted or weight <= 0 else round(
        sum(s["weight"] * 100 * s["points"] / s["max_points"] for s in counted) / weight, 1)
    auto_failed = any(x["auto_fail"] and x["verdict"] == "fail" for x in results)
    return {
        "total": 0.0 if auto_failed else total, "auto_failed": auto_failed,
        "priority": score.priority, "sections": sections, "sentiment": score.sentiment,
        "notes": list(score.notes), "results": results,
        "flags": [{"code": f.code, "severity": f.severity, "priority": f.priority,
                   "reason": f.reason, "reason_message": f.reason_message,
                   "evidence": f.evidence} for f in score.flags],
    }


def save_human_score(session: Session, base: ScoreRecord, card: dict[str, Any],
                     total: float, note: str) -> ScoreRecord:
    """Store ``card`` with ``total`` as the call's current scorecard; ``base`` stays history."""
    card = {**card, "total": round(total, 1), "notes": [*card["notes"], note],
            "auto_failed": card["auto_failed"] and total <= 0}
    return save_scorecard(session, base.call_id, base.rubric_id, card)
