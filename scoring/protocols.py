"""The engines scoring talks to, as small Protocols (real ones in :mod:`scoring.models`).

A criterion never loads a model itself: it asks the :class:`ModelProvider` the scorer was
given. The provider loads lazily and once per process; when a model cannot be had it
raises :class:`pipeline.errors.ModelError`, and the criterion that needed it becomes N/A
with that reason (the call is still scored).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from scoring.types import SentimentScore


class Embedder(Protocol):
    """Sentence embeddings: one L2-normalised float32 row per text."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class SentimentModel(Protocol):
    """Sentiment of each text, batched."""

    name: str

    def predict(self, texts: Sequence[str]) -> list[SentimentScore]: ...


class TextClassifier(Protocol):
    """A text-classification or zero-shot model: label -> probability for each text.

    ``labels`` is required by zero-shot models (the candidate labels) and ignored by
    fine-tuned classifiers, which answer with their own labels.
    """

    name: str

    def classify(
        self, texts: Sequence[str], labels: Sequence[str] | None = None
    ) -> list[dict[str, float]]: ...


class ModelProvider(Protocol):
    """Where the scorer gets its models. Each method raises ModelError when unavailable."""

    def embedder(self) -> Embedder: ...

    def sentiment(self) -> SentimentModel: ...

    def classifier(self, source: str, task: str = "text-classification") -> TextClassifier: ...
