"""QA scoring: versioned rubrics, explainable criteria, sentiment and review flags.

    from scoring import load_rubric, score_call, select_rubric, builtin_rubrics

    rubric = select_rubric(builtin_rubrics(), view) or load_rubric("inbound_service_en")
    card = score_call(view, rubric, models)     # models: a ModelProvider, or None

A plain library (no Prefect, no FastAPI); models are reached through
:class:`scoring.protocols.ModelProvider` and loaded lazily. Explanations and flag reasons
are :class:`~scoring.messages.Message`s: ``render(result.explanation_message, "tr")``.
"""

from scoring.messages import Message, render
from scoring.protocols import Embedder, ModelProvider, SentimentModel, TextClassifier
from scoring.rubric import builtin_rubrics, load_rubric, parse_rubric, select_rubric
from scoring.rubric_types import Criterion, FlagRule, Rubric, Section
from scoring.scorer import score_call
from scoring.types import (
    CallView,
    CriterionResult,
    Evidence,
    Flag,
    PartySentiment,
    Scorecard,
    SectionScore,
    SentimentScore,
    Severity,
    Verdict,
)

__all__ = [
    "CallView",
    "Criterion",
    "CriterionResult",
    "Embedder",
    "Evidence",
    "Flag",
    "FlagRule",
    "Message",
    "ModelProvider",
    "PartySentiment",
    "Rubric",
    "Scorecard",
    "Section",
    "SectionScore",
    "SentimentModel",
    "SentimentScore",
    "Severity",
    "TextClassifier",
    "Verdict",
    "builtin_rubrics",
    "load_rubric",
    "parse_rubric",
    "render",
    "score_call",
    "select_rubric",
]
