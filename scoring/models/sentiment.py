"""Sentiment models: the offline prototype model, and any transformers classifier.

:class:`PrototypeSentiment` is the default, and needs nothing but the bundled
all-MiniLM-L6-v2: labelled call-centre sentences (``sentiment_prototypes.yaml``, English
and Turkish) are embedded once at load, and a text takes the sentiment of the prototypes
it is most similar to. Similarity mixes two views of a text:

- semantic: cosine similarity of MiniLM sentence embeddings;
- lexical: cosine similarity of character 3-5-gram TF-IDF vectors over the prototypes,
  Turkish-folded (MiniLM is trained on English; for Turkish its sub-word overlap is most of
  what it knows, and character n-grams follow Turkish suffixes better).

The lexical share is set per language (``model.lexical_weight`` in the data file); a text's
language is the language whose prototypes it is lexically closest to. For each class the
mean of the ``k`` highest similarities is taken and a softmax with ``temperature`` gives
P(negative), P(neutral), P(positive); ``score = P(positive) - P(negative)``. The settings
in the data file were chosen by 5-fold cross-validation on the prototypes themselves
(accuracy, then log-loss for the temperature); tests/scoring/test_sentiment.py measures
the model on held-out sentences.

:class:`TransformersSentiment` wraps any fine-tuned text-classification model and maps
its labels (``negative``/``NEG``/``LABEL_0``, ``1 star`` .. ``5 stars``, two-class models,
Turkish ``olumsuz``/``olumlu``) onto negative / neutral / positive.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ModelError
from pipeline.textnorm import fold
from scoring.models.classifier import TransformersClassifier, softmax
from scoring.models.embedding import LOAD_LOCK, get_embedder
from scoring.protocols import Embedder
from scoring.types import SentimentScore

log = logging.getLogger(__name__)

SENTIMENT_SETTING = "CALLQA_SENTIMENT_MODEL"
LABELS = ("negative", "neutral", "positive")
DEFAULT_PROTOTYPES = Path(__file__).with_name("sentiment_prototypes.yaml")
BUILTIN = "prototypes"  # CALLQA_SENTIMENT_MODEL value that names the default explicitly


# --------------------------------------------------------------------------- prototypes


@dataclass(frozen=True)
class PrototypeOptions:
    k: int = 7  # mean of the k most similar prototypes of each class
    temperature: float = 0.03  # softmax temperature over the class similarities
    lexical_weight: Mapping[str, float] = field(default_factory=lambda: {"en": 0.3, "tr": 0.7})
    default_lexical_weight: float = 0.5  # languages not in lexical_weight


@dataclass(frozen=True)
class Prototypes:
    texts: tuple[str, ...]
    labels: tuple[int, ...]  # index into LABELS
    languages: tuple[str, ...]
    options: PrototypeOptions
    source: str = "<mapping>"


def load_prototypes(source: str | Path | Mapping[str, Any] = DEFAULT_PROTOTYPES) -> Prototypes:
    """Read labelled prototypes from a YAML/JSON file or a mapping.

    Accepted forms: ``{"labels": {label: {language: [text]}}, "model": {...options}}``, or
    just ``{label: {language: [text]}}`` / ``{label: [text]}``.
    """
    name = "<mapping>"
    if isinstance(source, str | Path):
        import yaml  # JSON is YAML

        name = str(source)
        try:
            data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ModelError(
                f"cannot read sentiment prototypes {name!r} ({exc})",
                hint=f"Set {SENTIMENT_SETTING} to a readable prototype file or a model.",
            ) from exc
    else:
        data = source
    if not isinstance(data, Mapping):
        raise ModelError(f"sentiment prototypes {name!r}: not a mapping")
    labels = data.get("labels", data)
    opts = dict(data.get("model") or {})
    texts: list[str] = []
    ids: list[int] = []
    langs: list[str] = []
    for label, by_language in labels.items() if isinstance(labels, Mapping) else ():
        if label not in LABELS:
            raise ModelError(
                f"sentiment prototypes {name!r}: unknown label {label!r}",
                hint=f"Use {', '.join(LABELS)}.",
            )
        groups = by_language if isinstance(by_language, Mapping) else {"und": by_language}
        for language, sentences in groups.items():
            for s in sentences or ():
                if str(s).strip():
                    texts.append(str(s).strip())
                    ids.append(LABELS.index(label))
                    langs.append(str(language))
    missing = [label for i, label in enumerate(LABELS) if i not in ids]
    if missing:
        raise ModelError(
            f"sentiment prototypes {name!r} have no {', '.join(missing)} sentences",
            hint="Give every label some example sentences.",
        )
    try:
        options = PrototypeOptions(**opts)
    except TypeError as exc:
        raise ModelError(f"sentiment prototypes {name!r}: bad model options ({exc})") from exc
    if options.k < 1 or options.temperature <= 0:
        raise ModelError(f"sentiment prototypes {name!r}: k must be >= 1, temperature > 0")
    return Prototypes(tuple(texts), tuple(ids), tuple(langs), options, name)


_WORD = re.compile(r"\w+")


def char_grams(text: str, sizes: Sequence[int] = (3, 4, 5)) -> list[str]:
    """Character n-grams of each word of ``text``, folded (``Şikâyet`` -> ``sikayet``)."""
    grams: list[str] = []
    for word in _WORD.findall(fold(text)):
        padded = f" {word} "
        for n in sizes:
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


class LexicalIndex:
    """Character n-gram TF-IDF over a fixed set of texts (log term frequency, L2-normalised)."""

    def __init__(self, texts: Sequence[str]) -> None:
        docs = [char_grams(t) for t in texts]
        df: dict[str, int] = {}
        for grams in docs:
            for g in set(grams):
                df[g] = df.get(g, 0) + 1
        self.vocab = {g: i for i, g in enumerate(df)}
        self.idf = (np.log((1 + len(docs)) / (1 + np.array(list(df.values()), float))) + 1).astype(
            np.float32
        )
        self.matrix = self._vectors(docs)

    def _vectors(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        m = np.zeros((len(docs), len(self.vocab)), dtype=np.float32)
        for row, grams in enumerate(docs):
            for g in grams:
                col = self.vocab.get(g)
                if col is not None:
                    m[row, col] += 1
        m = np.log1p(m) * self.idf
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return np.asarray(m / np.maximum(norms, 1e-9))

    def similarity(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text to each indexed text (0 where nothing is shared)."""
        return np.asarray(self._vectors([char_grams(t) for t in texts]) @ self.matrix.T)


def _top_k_mean(sim: np.ndarray, groups: np.ndarray, values: Sequence[Any], k: int) -> np.ndarray:
    """For each row, the mean of its ``k`` largest entries among the columns of each group."""
    cols = []
    for v in values:
        part = sim[:, groups == v]
        kk = min(k, part.shape[1])
        cols.append(np.sort(part, axis=1)[:, -kk:].mean(axis=1) if kk else np.zeros(len(sim)))
    return np.stack(cols, axis=1)


class PrototypeSentiment:
    """Sentiment by similarity to labelled prototype sentences (see the module docstring)."""

    def __init__(
        self,
        embedder: Embedder,
        prototypes: str | Path | Mapping[str, Any] | Prototypes = DEFAULT_PROTOTYPES,
    ) -> None:
        self.embedder = embedder
        self.prototypes = (
            prototypes if isinstance(prototypes, Prototypes) else load_prototypes(prototypes)
        )
        self.options = self.prototypes.options
        self.name = f"prototypes:{embedder.name}"
        self._labels = np.array(self.prototypes.labels)
        self._languages = np.array(self.prototypes.languages)
        self._language_names = sorted(set(self.prototypes.languages))
        self._embeddings = embedder.encode(self.prototypes.texts)
        self._lexical = LexicalIndex(self.prototypes.texts)

    def languages(self, lexical: np.ndarray) -> list[str | None]:
        """The language of each text: whose prototypes it shares most n-grams with."""
        by_language = _top_k_mean(lexical, self._languages, self._language_names, self.options.k)
        return [
            self._language_names[int(row.argmax())] if row.max() > 0 else None
            for row in by_language
        ]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """P(negative), P(neutral), P(positive) for each text."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        semantic = self.embedder.encode(texts) @ self._embeddings.T
        lexical = self._lexical.similarity(texts)
        weights = self.options.lexical_weight
        w = np.array(
            [
                weights.get(lang, self.options.default_lexical_weight) if lang else 0.0
                for lang in self.languages(lexical)
            ],
            dtype=np.float32,
        )[:, None]
        sim = (1 - w) * semantic + w * lexical
        classes = _top_k_mean(sim, self._labels, range(len(LABELS)), self.options.k)
        return softmax(classes / self.options.temperature)

    def predict(self, texts: Sequence[str]) -> list[SentimentScore]:
        return [_score(row, LABELS) for row in self.probabilities(texts)]

    def __repr__(self) -> str:
        n = len(self.prototypes.texts)
        return f"PrototypeSentiment({self.embedder.name!r}, {n} prototypes)"


def _score(p: np.ndarray, labels: Sequence[str]) -> SentimentScore:
    i = int(np.argmax(p))
    return SentimentScore(
        label=labels[i],
        score=round(float(p[LABELS.index("positive")] - p[LABELS.index("negative")]), 4),
        confidence=round(float(p[i]), 4),
    )


# ------------------------------------------------------------------ transformers models

_NEGATIVE = {"neg", "negative", "negatif", "olumsuz", "bad", "anger", "angry", "sadness",
             "sad", "fear", "disgust", "annoyance", "disappointment"}
_POSITIVE = {"pos", "positive", "pozitif", "olumlu", "good", "joy", "happy", "happiness",
             "love", "optimism", "gratitude", "admiration"}
_NEUTRAL = {"neu", "neutral", "notr", "nötr", "none", "mixed", "surprise", "other"}
_STARS = re.compile(r"^(\d)\s*stars?$")
_GENERIC = re.compile(r"^(?:label_?)?(\d+)$")


def label_values(labels: Sequence[str]) -> list[tuple[str, float]]:
    """Each model label as (negative|neutral|positive, value in -1..1).

    Generic ``LABEL_i`` labels follow the common conventions: two classes are
    negative/positive (SST-2), three are negative/neutral/positive (cardiffnlp), five are
    star ratings. Raises ModelError for labels that are not sentiment.
    """
    names = [label.strip().lower().replace("_", " ") for label in labels]
    n = len(names)
    generic = [_GENERIC.match(s.replace(" ", "_")) for s in names]
    if all(generic):
        order = sorted(range(n), key=lambda i: int(generic[i].group(1)))  # type: ignore[union-attr]
        ranks = {i: r for r, i in enumerate(order)}
        if n == 2:
            return [("negative", -1.0) if ranks[i] == 0 else ("positive", 1.0) for i in range(n)]
        if n == 3:
            return [(LABELS[ranks[i]], float(ranks[i] - 1)) for i in range(n)]
        if n == 5:
            return [_stars(ranks[i] + 1) for i in range(n)]
    very = any(s.split()[:1] in (["very"], ["strongly"]) for s in names)
    out: list[tuple[str, float]] = []
    for label, s in zip(labels, names, strict=True):
        stars = _STARS.match(s)
        words = s.split()
        strong = bool(words) and words[0] in ("very", "strongly")
        core = words[-1] if words else ""
        if stars:
            out.append(_stars(int(stars.group(1))))
        elif core in _NEGATIVE or core.startswith("negativ"):
            out.append(("negative", -1.0 if strong or not very else -0.5))
        elif core in _POSITIVE or core.startswith("positiv"):
            out.append(("positive", 1.0 if strong or not very else 0.5))
        elif core in _NEUTRAL:
            out.append(("neutral", 0.0))
        else:
            raise ModelError(
                f"cannot read label {label!r} of {list(labels)} as a sentiment",
                hint=f"Set {SENTIMENT_SETTING} to a sentiment model (negative/neutral/positive "
                "labels, LABEL_0..2, or star ratings).",
            )
    return out


def _stars(n: int) -> tuple[str, float]:
    value = max(-1.0, min(1.0, (n - 3) / 2))
    return ("negative" if n <= 2 else "neutral" if n == 3 else "positive"), value


class TransformersSentiment:
    """A transformers text-classification model whose labels are sentiments.

    Models without a neutral class (two-class models) call a text neutral when
    ``|score| < neutral_margin``, with confidence ``1 - |score|``.
    """

    def __init__(
        self,
        source: str,
        threads: int = 2,
        batch_size: int = 32,
        neutral_margin: float = 0.2,
    ) -> None:
        self.classifier = TransformersClassifier(
            source, threads=threads, batch_size=batch_size, setting=SENTIMENT_SETTING
        )
        self.name = self.classifier.name
        self.neutral_margin = neutral_margin
        mapping = label_values(self.classifier.labels)
        self._values = np.array([v for _, v in mapping], dtype=np.float32)
        self._classes = np.zeros((len(mapping), len(LABELS)), dtype=np.float32)
        for i, (label, _) in enumerate(mapping):
            self._classes[i, LABELS.index(label)] = 1.0
        self._has_neutral = bool(self._classes[:, 1].any())

    def predict(self, texts: Sequence[str]) -> list[SentimentScore]:
        p = self.classifier.probabilities(texts)
        classes = p @ self._classes
        scores = p @ self._values
        out = []
        for c, s in zip(classes, scores, strict=True):
            s = float(np.clip(s, -1.0, 1.0))
            if not self._has_neutral and abs(s) < self.neutral_margin:
                out.append(SentimentScore("neutral", round(s, 4), round(1 - abs(s), 4)))
                continue
            i = int(np.argmax(c))
            out.append(SentimentScore(LABELS[i], round(s, 4), round(float(c[i]), 4)))
        return out

    def __repr__(self) -> str:
        return f"TransformersSentiment({self.name!r})"


# ------------------------------------------------------------------------------ factory


def _prototype_file(source: str) -> Path | None:
    path = Path(source).expanduser()
    return path if path.suffix.lower() in (".yaml", ".yml", ".json") and path.is_file() else None


def get_sentiment_model(
    source: str | None = None, embedder_source: str | None = None, threads: int = 2
) -> PrototypeSentiment | TransformersSentiment:
    """The process's sentiment model, loaded on first use and then reused.

    ``source``: None or ``"prototypes"`` for the offline prototype model, a prototype
    file (``.yaml``/``.json``) for the prototype model on other sentences, else a
    transformers text-classification model name or directory. The prototype model embeds
    with ``embedder_source`` (None: the bundled all-MiniLM-L6-v2). Raises ModelError
    naming ``CALLQA_SENTIMENT_MODEL`` (or ``CALLQA_EMBEDDING_MODEL`` when the embedder is
    what failed).
    """
    with LOAD_LOCK:
        return _cached_sentiment(source or None, embedder_source or None, int(threads))


@functools.lru_cache(maxsize=4)
def _cached_sentiment(
    source: str | None, embedder_source: str | None, threads: int
) -> PrototypeSentiment | TransformersSentiment:
    if source is None or source.strip().lower() == BUILTIN:
        log.info("loading prototype sentiment model")
        return PrototypeSentiment(get_embedder(embedder_source, threads))
    prototype_file = _prototype_file(source)
    if prototype_file is not None:
        return PrototypeSentiment(get_embedder(embedder_source, threads), prototype_file)
    log.info("loading sentiment model %s", source)
    return TransformersSentiment(source, threads=threads)
