"""Scorecards as the API shows them (a person's scorecards are made by
:mod:`scoring.work.human_scores`, by the scorer's own rule).

Read through the API, a scorecard speaks the reader's language (:func:`score_public`): each
criterion's ``title`` is the rubric's title in that language (else the rubric's own, else
the id), and explanations, flag reasons and evidence notes are rendered from their stored
messages; rows stored before messages existed show their English text.
"""

from __future__ import annotations

from typing import Any

from api.schemas.calls import CriterionResultPublic, FlagPublic, ScorePublic, ScoreSummary
from pipeline.db.models import CriterionResultRecord, FlagRecord, RubricRecord, ScoreRecord
from scoring.messages import render
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


def score_public(score: ScoreRecord, lang: str = "en",
                 scored_by: str | None = None) -> ScorePublic:
    """A scorecard for a reader of ``lang``: titles, explanations and reasons in it;
    ``scored_by``: the person who made it, if one did
    (:func:`scoring.work.authorship.scored_by`)."""
    names = titles_of(score.rubric)
    return ScorePublic(
        id=score.id, call_id=score.call_id, current=score.current, rubric=score.rubric.name,
        rubric_version=score.rubric.version, rubric_language=score.rubric.language,
        total=score.total, auto_failed=score.auto_failed,
        priority=score.priority, sections=sections_public(score, names, lang),
        sentiment=score.sentiment, notes=score.notes, created_at=score.created_at,
        results=[result_public(r, names, lang) for r in score.results],
        flags=[flag_public(f, lang) for f in score.flags], scored_by=scored_by,
        pass_mark=names.pass_mark,
    )


def score_summary(score: ScoreRecord) -> ScoreSummary:
    return ScoreSummary(id=score.id, current=score.current, rubric=score.rubric.name,
                        rubric_version=score.rubric.version, total=score.total,
                        auto_failed=score.auto_failed, notes=score.notes,
                        created_at=score.created_at)
