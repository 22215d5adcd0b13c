"""Score one call against one rubric: :func:`score_call` -> :class:`~scoring.types.Scorecard`.

1. **Applicability**: a criterion whose ``when`` does not hold for the call (direction,
   queue, language, duration, something a party said) is N/A and left out of the maximum.
2. **Sentiment**, only when a criterion or a flag rule needs it: per-utterance scores from
   ``view.sentiment``, or computed with ``models.sentiment()``; then per party
   (:mod:`scoring.sentiment`). When no model can be had, sentiment criteria are N/A and
   the scorecard's notes say why.
3. **Criteria** (:func:`scoring.criteria.evaluate`), **sections** (points / max points) and
   the **total**: the weighted mean of the section percentages over sections with
   something to score, 0..100 with one decimal. A failed ``auto_fail`` criterion makes
   the total 0.
4. **Flags** (:mod:`scoring.flags`): all of a call's reasons on one scorecard.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from scoring.criteria import evaluate, not_applicable
from scoring.criteria.matching import find_ref
from scoring.flags import SENTIMENT_RULES, evaluate_flags
from scoring.messages import Message, message, render
from scoring.protocols import ModelProvider
from scoring.rubric_types import Criterion, Rubric, SentimentCriterion
from scoring.sentiment import with_sentiment
from scoring.types import (
    CallView,
    CriterionResult,
    PartySentiment,
    Scorecard,
    SectionScore,
    Verdict,
)

__all__ = ["applicability", "score_call", "scorecard_of", "totals_of"]

_NOT_EVALUATED = "not evaluated: "


def applicability(criterion: Criterion, view: CallView) -> Message | None:
    """Why the criterion does not apply to the call, or None when it applies."""
    w = criterion.when
    if w.direction:
        if view.direction is None:
            return message("when.direction_unknown", wanted=list(w.direction))
        if view.direction not in w.direction:
            return message("when.direction_other", actual=view.direction,
                           wanted=list(w.direction))
    if w.queue:
        if view.queue is None:
            return message("when.queue_unknown", wanted=list(w.queue))
        if view.queue not in w.queue:
            return message("when.queue_other", actual=view.queue, wanted=list(w.queue))
    language = (view.language or "").lower()[:2]
    if w.language and language not in w.language:
        return message("when.language", actual=language, wanted=list(w.language))
    if w.min_duration is not None and view.duration < w.min_duration:
        return message("when.shorter", duration=view.duration, bound=w.min_duration)
    if w.max_duration is not None and view.duration > w.max_duration:
        return message("when.longer", duration=view.duration, bound=w.max_duration)
    for name, bound in w.metric_min:
        value = getattr(view.metrics, name)
        if value < bound:
            return message("when.metric_below", metric=name, value=value, bound=bound)
    for name, bound in w.metric_max:
        value = getattr(view.metrics, name)
        if value > bound:
            return message("when.metric_above", metric=name, value=value, bound=bound)
    if w.said is not None and find_ref(view, w.said) is None:
        return message("when.not_said", party=w.said.party, phrases=list(w.said.phrases))
    return None


def _plural(n: int) -> str:
    return f"{n} criterion" if n == 1 else f"{n} criteria"


def score_call(view: CallView, rubric: Rubric, models: ModelProvider | None = None) -> Scorecard:
    """Score one call; never raises for a criterion that cannot be evaluated (it is N/A)."""
    not_applying = {c.id: applicability(c, view) for _, c in rubric.criteria()}
    needs_sentiment = (
        any(isinstance(c, SentimentCriterion) and not_applying[c.id] is None
            for _, c in rubric.criteria())
        or any(rule.type in SENTIMENT_RULES for rule in rubric.flags)
        or any(s is not None for s in view.sentiment)
    )
    parties: tuple[PartySentiment, ...] | None = None
    sentiment_error: Message | None = None
    if needs_sentiment:
        view, parties, sentiment_error = with_sentiment(view, models)

    results: list[CriterionResult] = []
    for section in rubric.sections:
        for c in section.criteria:
            reason = not_applying[c.id]
            if reason is not None:
                results.append(not_applicable(c, reason, section.id))
            else:
                results.append(evaluate(c, view, models, section_id=section.id,
                                        sentiment=parties, sentiment_error=sentiment_error))
    return scorecard_of(rubric, view, results, parties, sentiment_error=sentiment_error)


def scorecard_of(
    rubric: Rubric, view: CallView, results: Sequence[CriterionResult],
    parties: Sequence[PartySentiment] | None, *, sentiment_error: Message | None = None,
    total: float | None = None, notes: Sequence[str] | None = None,
) -> Scorecard:
    """The scorecard of these verdicts: sections, total, auto-fail and flags, by one rule.

    The automatic scorer and a person's verdicts (a review, a dispute) both come here, so a
    total always adds up from its criteria and its flags always follow the total shown.
    ``total`` is a person's final score in place of the computed one (the flags follow it
    too); ``notes`` replace the scorer's own notes.
    """
    sections, computed, scored, auto_failed = totals_of(rubric, results, total)
    titles = {c.id: dict(c.titles or ((rubric.language, c.title),))
              for _, c in rubric.criteria()}
    flags = evaluate_flags(rubric.flags, view, total=computed if scored else None,
                           results=results, sentiment=parties, titles=titles)
    return Scorecard(
        rubric=rubric.name, rubric_version=rubric.version, rubric_hash=rubric.hash,
        total=computed, auto_failed=auto_failed, sections=sections,
        results=tuple(results), sentiment=tuple(parties or ()), flags=flags,
        notes=(tuple(notes) if notes is not None
               else _notes(rubric, results, scored, sentiment_error)),
    )


def totals_of(
    rubric: Rubric, results: Sequence[CriterionResult], total: float | None = None,
) -> tuple[tuple[SectionScore, ...], float, bool, bool]:
    """Sections, total, whether anything was scored, and auto-fail, of these verdicts: the
    part of :func:`scorecard_of` that needs no call (a review's diff shows it)."""
    sections = []
    for section in rubric.sections:
        mine = [r for r in results if r.section_id == section.id]
        sections.append(SectionScore(section.id, section.title, section.weight,
                                     points=round(sum(r.points for r in mine), 3),
                                     max_points=round(sum(r.max_points for r in mine), 3)))
    computed, scored = _total(sections)
    auto_failed = any(r.auto_fail and r.verdict is Verdict.FAIL for r in results)
    if auto_failed:
        computed = 0.0
    if total is not None:
        computed, scored = round(total, 1), True
        auto_failed = auto_failed and computed <= 0
    return tuple(sections), computed, scored, auto_failed


def _total(sections: Sequence[SectionScore]) -> tuple[float, bool]:
    counted = [s for s in sections if s.max_points > 0]
    weight = sum(s.weight for s in counted)
    if not counted or weight <= 0:
        return 0.0, False
    mean = sum(s.weight * 100 * s.points / s.max_points for s in counted) / weight
    return round(mean, 1), True


def _notes(rubric: Rubric, results: Sequence[CriterionResult], scored: bool,
           sentiment_error: Message | None) -> tuple[str, ...]:
    notes = []
    reasons = Counter(r.explanation[len(_NOT_EVALUATED):] for r in results
                      if r.verdict is Verdict.NA and r.explanation.startswith(_NOT_EVALUATED))
    for reason, n in reasons.items():
        notes.append(f"{_plural(n)} not evaluated: {reason}")
    skipped = [rule.code for rule in rubric.flags if rule.type in SENTIMENT_RULES]
    if sentiment_error and skipped:
        notes.append(f"flag rules {', '.join(skipped)} not evaluated: "
                     f"{render(sentiment_error, 'en')}")
    if not scored:
        notes.append("no criterion of the rubric applies to this call: the total is 0")
    return tuple(notes)
