"""Helpers for scoring tests: calls built by hand, and small fakes of the model Protocols."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import ModelError
from pipeline.metrics import compute_metrics
from pipeline.pii import find_pii, redact_utterances
from pipeline.textnorm import fold
from pipeline.types import Role, Utterance, Word
from scoring.types import CallView, PartySentiment, SentimentScore

Row = tuple[str, float, float, str]


def make_utterance(role: str, start: float, end: float, text: str,
                   words: bool = True) -> Utterance:
    """An utterance whose words are spread evenly over its span (as ASR would time them)."""
    parts = text.split()
    timed: tuple[Word, ...] = ()
    if words and parts:
        step = (end - start) / len(parts)
        timed = tuple(Word(start + k * step, start + (k + 1) * step, p)
                      for k, p in enumerate(parts))
    return Utterance(speaker=role, role=Role(role), start=start, end=end, text=text,
                     words=timed)


def make_view(
    rows: Sequence[Row],
    *,
    direction: str | None = "inbound",
    language: str = "en",
    queue: str | None = None,
    duration: float | None = None,
    sentiment: Sequence[float | None] | None = None,
    pii: bool = False,
    words: bool = True,
) -> CallView:
    """A CallView from ``(role, start, end, text)`` rows; metrics computed for real.

    ``sentiment`` gives a score per utterance (None: not scored); ``pii`` runs the real PII
    finder and redaction so evidence shows redacted text.
    """
    utts = tuple(make_utterance(*row, words=words) for row in rows)
    dur = duration if duration is not None else (max((u.end for u in utts), default=0) + 1.0)
    matches = tuple(find_pii(utts)) if pii else ()
    redacted = tuple(redact_utterances(utts, list(matches))) if pii else ()
    scores: tuple[SentimentScore | None, ...] = ()
    if sentiment is not None:
        scores = tuple(None if s is None else SentimentScore(_label(s), s, 0.9)
                       for s in sentiment)
    return CallView(key="test.wav", language=language, direction=direction, queue=queue,
                    duration=dur, utterances=utts, metrics=compute_metrics(utts, dur),
                    redacted=redacted, pii=matches, sentiment=scores)


def _label(score: float) -> str:
    return "negative" if score < -0.1 else "positive" if score > 0.1 else "neutral"


def party(role: str, start: float | None, end: float | None, middle: float | None = None,
          overall: float | None = None) -> PartySentiment:
    return PartySentiment(Role(role), start, middle, end, overall, "unknown")


# --- fakes of the model Protocols ------------------------------------------------------

def _words(text: str) -> list[str]:
    return fold(text).split()


class BagOfWordsEmbedder:
    """Hashed bag-of-words vectors: cosine = word overlap, deterministic, no model."""

    name = "fake-bow"

    def __init__(self, dims: int = 512) -> None:
        self.dims = dims
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _words(text):
                out[i, zlib.crc32(word.encode()) % self.dims] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


class KeywordSentiment:
    """Negative when a text holds a negative word, positive for a positive word."""

    name = "fake-sentiment"
    NEGATIVE = ("angry", "terrible", "worst", "useless", "lawyer", "rezalet", "berbat")
    POSITIVE = ("great", "thanks", "thank", "perfect", "harika", "tesekkur")

    def predict(self, texts: Sequence[str]) -> list[SentimentScore]:
        out = []
        for text in texts:
            words = _words(text)
            if any(w.startswith(self.NEGATIVE) for w in words):
                out.append(SentimentScore("negative", -0.8, 0.9))
            elif any(w.startswith(self.POSITIVE) for w in words):
                out.append(SentimentScore("positive", 0.7, 0.8))
            else:
                out.append(SentimentScore("neutral", 0.0, 0.6))
        return out


class KeywordClassifier:
    """``{label: prob}`` from keyword lists: the label of the first list a text hits."""

    def __init__(self, name: str, keywords: dict[str, Iterable[str]]) -> None:
        self.name = name
        self.keywords = {k: tuple(v) for k, v in keywords.items()}
        self.seen_labels: list[Sequence[str] | None] = []

    def classify(self, texts: Sequence[str],
                 labels: Sequence[str] | None = None) -> list[dict[str, float]]:
        self.seen_labels.append(labels)
        names = list(labels) if labels else list(self.keywords)
        out = []
        for text in texts:
            words = _words(text)
            hit = next((k for k in names if any(w in words for w in self.keywords.get(k, ()))),
                       None)
            out.append({k: (0.95 if k == hit else 0.05 / max(1, len(names) - 1))
                        for k in names})
        return out


class FakeProvider:
    """A ModelProvider of fakes; a model named in ``broken`` raises ModelError."""

    def __init__(self, *, embedder: object | None = None, sentiment: object | None = None,
                 classifiers: dict[str, object] | None = None,
                 broken: Iterable[str] = ()) -> None:
        self._embedder = embedder or BagOfWordsEmbedder()
        self._sentiment = sentiment or KeywordSentiment()
        self._classifiers = classifiers or {}
        self.broken = set(broken)
        self.loaded: list[str] = []

    def embedder(self):  # type: ignore[no-untyped-def]
        self.loaded.append("embedder")
        if "embedder" in self.broken:
            raise ModelError("embedding model 'x' could not be loaded")
        return self._embedder

    def sentiment(self):  # type: ignore[no-untyped-def]
        self.loaded.append("sentiment")
        if "sentiment" in self.broken:
            raise ModelError("sentiment model missing")
        return self._sentiment

    def classifier(self, source: str, task: str = "text-classification"):  # type: ignore[no-untyped-def]
        self.loaded.append(f"classifier:{source}:{task}")
        if source in self.broken or source not in self._classifiers:
            raise ModelError(f"model {source!r} could not be loaded")
        return self._classifiers[source]


def write_rubric(tmp_path: Path, text: str, name: str = "rubric.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def indent(text: str, spaces: int) -> str:
    return re.sub(r"(?m)^", " " * spaces, text)


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()
