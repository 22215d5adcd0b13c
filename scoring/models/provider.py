"""The scorer's models, from settings: :class:`DefaultModels` implements ModelProvider.

Nothing is loaded until a criterion asks. Models come from the process-wide cached
factories, so two providers with the same settings share them. A model that cannot be
loaded fails once: the failure is remembered, and every later request raises the same
ModelError at once (a rubric with ten semantic criteria does not try ten times).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pipeline.errors import ModelError
from scoring.models.classifier import get_classifier
from scoring.models.embedding import get_embedder
from scoring.models.sentiment import get_sentiment_model
from scoring.protocols import Embedder, SentimentModel, TextClassifier

T = TypeVar("T")


class DefaultModels:
    """Models named by settings (``CALLQA_EMBEDDING_MODEL``, ``CALLQA_SENTIMENT_MODEL``;
    None: the offline defaults) and by rubric criteria (classifiers)."""

    def __init__(
        self,
        embedding_model: str | None = None,
        sentiment_model: str | None = None,
        threads: int = 2,
    ) -> None:
        self.embedding_model = embedding_model or None
        self.sentiment_model = sentiment_model or None
        self.threads = threads
        self._failures: dict[tuple[str, ...], ModelError] = {}

    def _get(self, key: tuple[str, ...], load: Callable[[], T]) -> T:
        failed = self._failures.get(key)
        if failed is not None:
            raise ModelError(failed.message, hint=failed.hint)
        try:
            return load()
        except ModelError as exc:
            self._failures[key] = exc
            raise

    def embedder(self) -> Embedder:
        return self._get(
            ("embedder", str(self.embedding_model)),
            lambda: get_embedder(self.embedding_model, self.threads),
        )

    def sentiment(self) -> SentimentModel:
        return self._get(
            ("sentiment", str(self.sentiment_model), str(self.embedding_model)),
            lambda: get_sentiment_model(self.sentiment_model, self.embedding_model, self.threads),
        )

    def classifier(self, source: str, task: str = "text-classification") -> TextClassifier:
        return self._get(
            ("classifier", source, task), lambda: get_classifier(source, task, self.threads)
        )

    def __repr__(self) -> str:
        return (
            f"DefaultModels(embedding_model={self.embedding_model!r}, "
            f"sentiment_model={self.sentiment_model!r})"
        )
