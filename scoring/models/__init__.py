"""The real models behind :mod:`scoring.protocols`, loaded lazily by cached factories.

- :func:`get_embedder`: sentence embeddings (default: the bundled all-MiniLM-L6-v2)
- :func:`get_sentiment_model`: sentiment (default: :class:`PrototypeSentiment`, offline)
- :func:`get_classifier`: fine-tuned or zero-shot text classifiers named by a rubric
- :class:`DefaultModels`: the ModelProvider the scorer is given
- :func:`clear_caches`: forget every loaded model

Importing this package loads neither torch nor transformers.
"""

from scoring.models.classifier import TransformersClassifier, get_classifier
from scoring.models.embedding import BUNDLED_EMBEDDER, TransformersEmbedder, get_embedder
from scoring.models.provider import DefaultModels
from scoring.models.sentiment import (
    DEFAULT_PROTOTYPES,
    PrototypeSentiment,
    TransformersSentiment,
    get_sentiment_model,
)


def clear_caches() -> None:
    """Forget every loaded model (tests; a worker that must reload after a settings change)."""
    from scoring.models.classifier import _cached_classifier
    from scoring.models.embedding import _cached_embedder
    from scoring.models.sentiment import _cached_sentiment

    _cached_classifier.cache_clear()
    _cached_embedder.cache_clear()
    _cached_sentiment.cache_clear()


__all__ = [
    "BUNDLED_EMBEDDER",
    "DEFAULT_PROTOTYPES",
    "DefaultModels",
    "PrototypeSentiment",
    "TransformersClassifier",
    "TransformersEmbedder",
    "TransformersSentiment",
    "clear_caches",
    "get_classifier",
    "get_embedder",
    "get_sentiment_model",
]
