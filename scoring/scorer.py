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

import dataclasses
from collections import Counter
from collections.abc import Sequence

from scoring.criteria import evaluate, not_applicable
from scoring.criteria.common import quote_list
from scoring.criteria.matching import find_ref
from scoring.criteria.metric import format_metric
from scoring.criteria.semantic import model_failure
from scoring.flags import SENTIMENT_RULES, evaluate_flags
from scoring.protocols import ModelProvider
from scoring.rubric_types import Criterion, Rubric, SentimentCriterion
from scoring.types import (
    CallView,
    CriterionResult,
    PartySentiment,
    Scorecard,
    SectionScore,
    Verdict,
)

__all__ = ["applicability", "score_call"]

_NOT_EVALUATED = "not evaluated: "


def applicability(criterion: Criterion, view: CallView) -> str | None:
    """Why the criterion does not apply to the call, or None when it applies."""
    w = criterion.when
    for name, wanted, actual in (("direction", w.direction, view.direction),
                                 ("queue", w.queue, view.queue)):
        if not wanted:
            continue
        want = " or ".join(wanted)
        if actual is None:
            return f"the call's {name} is unknown (criterion is for {name} {want})"
        if actual not in wanted:
            return f"{name} is {actual} (criterion is for {want})"
    language = (view.language or "").lower()[:2]
    if w.language and language not in w.language:
        return f"language is {language or 'unknown'} (criterion is for {' or '.join(w.language)})"
    if w.min_duration is not None and view.duration < w.min_duration:
        return f"the call is {view.duration:.0f} s, shorter than {w.min_duration:g} s"
    if w.max_duration is not None and view.duration > w.max_duration:
        return f"the call is {view.duration:.0f} s, longer than {w.max_duration:g} s"
    for name, bound in w.metric_min:
        value = getattr(view.metrics, name)
        if value < bound:
            return f"{name} is {format_metric(name, value)}, below {format_metric(name, bound)}"
    for name, bound in w.metric_max:
        value = getattr(view.metrics, name)
        if value > bound:
            return f"{name} is {format_metric(name, value)}, above {format_metric(name, bound)}"
    if w.said is not None and find_ref(view, w.said) is None:
        return f"the {w.said.party} did not say any of {quote_list(list(w.said.phrases))}"
    return None


def _with_sentiment(
    view: CallView, models: ModelProvider | None
) -> tuple[CallView, tuple[PartySentiment, ...] | None, str | None]:
    """The view with per-utterance sentiment, per-party sentiment, or the reason there is none."""
    if not any(s is not None for s in view.sentiment):
        if models is None:
            return view, None, "no sentiment model configured"
        try:
            model = models.sentiment()
            from scoring.sentiment import utterance_sentiment

            scores = utterance_sentiment(view.utterances, model)
        except Exception as exc:  # the model is optional: N/A, never a crash
            return view, None, f"sentiment model unavailable: {model_failure(exc)}"
        view = dataclasses.replace(view, sentiment=tuple(scores))
    try:
        from scoring.sentiment import call_sentiment

        parties = tuple(call_sentiment(view.utterances, view.sentiment, view.duration))
    except Exception as exc:
        return view, None, f"sentiment could not be summarised: {model_failure(exc)}"
    return view, parties, None


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
    sentiment_error: str | None = None
    if needs_sentiment:
        view, parties, sentiment_error = _with_sentiment(view, models)

    results: list[CriterionResult] = []
    sections: list[SectionScore] = []
    for section in rubric.sections:
        mine = []
        for c in section.criteria:
            reason = not_applying[c.id]
            if reason is not None:
                mine.append(not_applicable(c, reason, section.id))
            else:
                mine.append(evaluate(c, view, models, section_id=section.id,
                                     sentiment=parties, sentiment_error=sentiment_error))
        results.extend(mine)
        sections.append(SectionScore(
            section.id, section.title, section.weight,
            points=round(sum(r.points for r in mine), 3),
            max_points=round(sum(r.max_points for r in mine), 3)))

    total, scored = _total(sections)
    auto_failed = any(r.auto_fail and r.verdict is Verdict.FAIL for r in results)
    if auto_failed:
        total = 0.0
    flags = evaluate_flags(rubric.flags, view, total=total if scored else None,
                           results=results, sentiment=parties)
    return Scorecard(
        rubric=rubric.name, rubric_version=rubric.version, rubric_hash=rubric.hash,
        total=total, auto_failed=auto_failed, sections=tuple(sections),
        results=tuple(results), sentiment=parties or (), flags=flags,
        notes=_notes(rubric, results, scored, sentiment_error),
    )


def _total(sections: Sequence[SectionScore]) -> tuple[float, bool]:
    counted = [s for s in sections if s.max_points > 0]
    weight = sum(s.weight for s in counted)
    if not counted or weight <= 0:
        return 0.0, False
    mean = sum(s.weight * 100 * s.points / s.max_points for s in counted) / weight
    return round(mean, 1), True


def _notes(rubric: Rubric, results: Sequence[CriterionResult], scored: bool,
           sentiment_error: str | None) -> tuple[str, ...]:
    notes = []
    reasons = Counter(r.explanation[len(_NOT_EVALUATED):] for r in results
                      if r.verdict is Verdict.NA and r.explanation.startswith(_NOT_EVALUATED))
    for reason, n in reasons.items():
        notes.append(f"{_plural(n)} not evaluated: {reason}")
    skipped = [rule.code for rule in rubric.flags if rule.type in SENTIMENT_RULES]
    if sentiment_error and skipped:
        notes.append(f"flag rules {', '.join(skipped)} not evaluated: {sentiment_error}")
    if not scored:
        notes.append("no criterion of the rubric applies to this call: the total is 0")
    return tuple(notes)
