"""Sentiment of a call: per utterance, then per party over the start, middle and end.

:func:`utterance_sentiment` asks a :class:`~scoring.protocols.SentimentModel` about every
utterance that has text (batched, not one call per utterance). :func:`call_sentiment`
sums them up per party: the call is cut into thirds by time, each utterance counts in
the third that holds its midpoint, weighted by its number of words (a long complaint
weighs more than "okay"), and the trajectory compares the end with the start.
:func:`with_sentiment` does both for a call's view: the one path the scorer and the
scoring flow share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pipeline.errors import ModelError
from pipeline.types import Role, Utterance
from scoring.criteria.semantic import model_failure
from scoring.messages import Message, message
from scoring.protocols import ModelProvider, SentimentModel
from scoring.types import CallView, PartySentiment, SentimentScore

TRAJECTORY_THRESHOLD = 0.2  # a change of the mean score by more than this is not "steady"


def utterance_sentiment(
    utterances: Sequence[Utterance], model: SentimentModel, batch_size: int = 32
) -> tuple[SentimentScore | None, ...]:
    """The sentiment of each utterance, None where it has no text.

    Texts go to ``model.predict`` in batches of ``batch_size`` (one call for most calls).
    """
    indexes = [i for i, u in enumerate(utterances) if u.text and u.text.strip()]
    scores: list[SentimentScore | None] = [None] * len(utterances)
    size = max(1, batch_size)
    for b in range(0, len(indexes), size):
        chunk = indexes[b : b + size]
        predicted = model.predict([utterances[i].text.strip() for i in chunk])
        if len(predicted) != len(chunk):
            raise ModelError(
                f"sentiment model {getattr(model, 'name', model)!r} answered "
                f"{len(predicted)} results for {len(chunk)} texts"
            )
        for i, score in zip(chunk, predicted, strict=True):
            scores[i] = score
    return tuple(scores)


def _weight(u: Utterance) -> float:
    return float(max(1, len(u.text.split())))


def _mean(pairs: list[tuple[float, float]]) -> float | None:
    total = sum(w for _, w in pairs)
    return None if total <= 0 else round(sum(s * w for s, w in pairs) / total, 3)


def party_sentiment(
    role: Role,
    utterances: Sequence[Utterance],
    scores: Sequence[SentimentScore | None],
    duration: float,
    threshold: float = TRAJECTORY_THRESHOLD,
) -> PartySentiment:
    """One party's mean score in each third of the call, overall, and its trajectory."""
    if duration <= 0:
        duration = max((u.end for u in utterances), default=0.0)
    thirds: list[list[tuple[float, float]]] = [[], [], []]
    for u, s in zip(utterances, scores, strict=True):
        if s is None or u.role != role:
            continue
        mid = (u.start + u.end) / 2
        part = 0 if duration <= 0 else min(2, max(0, int(3 * mid / duration)))
        thirds[part].append((float(s.score), _weight(u)))
    start, middle, end = (_mean(t) for t in thirds)
    overall = _mean(thirds[0] + thirds[1] + thirds[2])
    if start is None or end is None:
        trajectory = "unknown"
    elif end - start > threshold:
        trajectory = "improving"
    elif start - end > threshold:
        trajectory = "worsening"
    else:
        trajectory = "steady"
    return PartySentiment(role, start, middle, end, overall, trajectory)


def call_sentiment(
    utterances: Sequence[Utterance],
    scores: Sequence[SentimentScore | None],
    duration: float,
    threshold: float = TRAJECTORY_THRESHOLD,
) -> tuple[PartySentiment, PartySentiment]:
    """The agent's and the customer's sentiment over the call, in that order.

    ``scores`` is :func:`utterance_sentiment`'s answer (one per utterance, None for none);
    ``duration`` is the call's length in seconds (0: the last utterance's end).
    """
    if len(scores) != len(utterances):
        raise ValueError(f"{len(scores)} sentiment scores for {len(utterances)} utterances")
    return (
        party_sentiment(Role.AGENT, utterances, scores, duration, threshold),
        party_sentiment(Role.CUSTOMER, utterances, scores, duration, threshold),
    )


def with_sentiment(
    view: CallView, models: ModelProvider | None
) -> tuple[CallView, tuple[PartySentiment, ...] | None, Message | None]:
    """The view with per-utterance sentiment, the per-party sentiment, and why there is none.

    Scores the view already has are kept; otherwise they come from ``models.sentiment()``.
    The model is optional, so this never raises: with no model, or one that fails, the
    view comes back as it was, with no parties and the reason as a message (the scorer
    makes sentiment criteria N/A with it; the scoring flow logs it and goes on).
    """
    if not any(s is not None for s in view.sentiment):
        if models is None:
            return view, None, message("reason.no_sentiment_model")
        try:
            scores = utterance_sentiment(view.utterances, models.sentiment())
        except Exception as exc:  # the model is optional: N/A, never a crash
            return view, None, message("reason.sentiment_model_failed",
                                       error=model_failure(exc))
        view = dataclasses.replace(view, sentiment=tuple(scores))
    try:
        parties = tuple(call_sentiment(view.utterances, view.sentiment, view.duration))
    except Exception as exc:
        return view, None, message("reason.sentiment_summary_failed",
                                   error=model_failure(exc))
    return view, parties, None
