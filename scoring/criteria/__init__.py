"""Criterion types, one module each, behind one dispatch: :func:`evaluate`.

    result = evaluate(criterion, view, models)        # -> CriterionResult

Every result has a verdict (pass / fail / N/A), points and max points (0 and 0 for N/A, so
N/A is left out of the maximum), a one-line explanation (a :class:`~scoring.messages.Message`,
and its English text), evidence, and a confidence where
the type has one. A criterion that needs a model that cannot be had is N/A with
``not evaluated: <reason>``; the call is still scored. Applicability (``when``) is decided
by the scorer, not here.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring.criteria.classifier import evaluate_classifier
from scoring.criteria.common import Outcome, na
from scoring.criteria.metric import evaluate_metric
from scoring.criteria.phrase import evaluate_phrase
from scoring.criteria.semantic import evaluate_semantic
from scoring.criteria.sentiment import evaluate_sentiment
from scoring.messages import Message, message
from scoring.protocols import ModelProvider
from scoring.rubric_types import (
    ClassifierCriterion,
    Criterion,
    MetricCriterion,
    PhraseCriterion,
    SemanticCriterion,
    SentimentCriterion,
)
from scoring.types import CallView, CriterionResult, PartySentiment, Verdict

__all__ = ["evaluate", "not_applicable", "result"]


def result(criterion: Criterion, outcome: Outcome, section_id: str = "") -> CriterionResult:
    """A criterion's result from its outcome: points for a pass, nothing counted for N/A."""
    return CriterionResult(
        criterion_id=criterion.id,
        section_id=section_id,
        type=criterion.type,
        verdict=outcome.verdict,
        points=criterion.points if outcome.verdict is Verdict.PASS else 0.0,
        max_points=0.0 if outcome.verdict is Verdict.NA else criterion.points,
        explanation=outcome.explanation,
        evidence=outcome.evidence,
        confidence=outcome.confidence,
        auto_fail=criterion.auto_fail,
        explanation_message=outcome.message,
    )


def not_applicable(criterion: Criterion, reason: Message | str,
                   section_id: str = "") -> CriterionResult:
    return result(criterion, na(reason), section_id)


def evaluate(
    criterion: Criterion,
    view: CallView,
    models: ModelProvider | None = None,
    *,
    section_id: str = "",
    sentiment: Sequence[PartySentiment] | None = None,
    sentiment_error: Message | str | None = None,
) -> CriterionResult:
    """Evaluate one criterion on one call.

    ``sentiment`` is the call's per-party sentiment (the scorer computes it once); when it
    is missing, sentiment criteria are N/A with ``sentiment_error`` as the reason.
    """
    outcome: Outcome
    if isinstance(criterion, PhraseCriterion):
        outcome = evaluate_phrase(criterion, view)
    elif isinstance(criterion, MetricCriterion):
        outcome = evaluate_metric(criterion, view)
    elif isinstance(criterion, SentimentCriterion):
        outcome = evaluate_sentiment(criterion, view, sentiment, sentiment_error)
    elif isinstance(criterion, SemanticCriterion):
        outcome = evaluate_semantic(criterion, view, models)
    elif isinstance(criterion, ClassifierCriterion):
        outcome = evaluate_classifier(criterion, view, models)
    else:
        outcome = na(message("reason.unknown_type", type=criterion.type), error=True)
    return result(criterion, outcome, section_id)
