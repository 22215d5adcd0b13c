"""The model loading paths: the bundled MiniLM embedder, and fine-tuned / zero-shot
classifiers by local path, proved on tiny randomly initialised BERTs built here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.errors import ModelError
from scoring.models import (
    BUNDLED_EMBEDDER,
    DefaultModels,
    TransformersClassifier,
    TransformersSentiment,
    get_embedder,
    get_sentiment_model,
)
from scoring.models import provider as provider_module
from scoring.models.sentiment import label_values

WORDS = [
    "the", "a", "i", "my", "you", "your", "is", "was", "not", "it", "this", "that", "for", "to",
    "and", "of", "bill", "billing", "refund", "angry", "thanks", "thank", "great", "help",
    "problem", "cancel", "line", "internet", "call", "example", "wrong", "slow", "money",
]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def build_tiny_bert(path: Path, labels: list[str]) -> Path:
    """A 2-layer, 32-wide BertForSequenceClassification with a word-list WordPiece tokenizer."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    path.mkdir(parents=True, exist_ok=True)
    vocab = path / "vocab.txt"
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab.write_text("\n".join([*special, *WORDS, ".", ",", "!", "?"]) + "\n")
    tokenizer = BertTokenizer(vocab_file=str(vocab))  # tokenizers-backed (fast) in v5
    config = BertConfig(
        vocab_size=len(special) + len(WORDS) + 4,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        initializer_range=0.5,  # large random weights: outputs differ between inputs
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    import torch

    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_sentiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    labels = ["negative", "neutral", "positive"]
    return build_tiny_bert(tmp_path_factory.mktemp("tiny") / "sentiment", labels)


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    labels = ["entailment", "neutral", "contradiction"]
    return build_tiny_bert(tmp_path_factory.mktemp("tiny") / "nli", labels)


TEXTS = ["my bill is wrong", "thanks for the help", "the internet is slow", "cancel my line"]


# --------------------------------------------------------------------------- embedder


def test_import_loads_no_heavy_library() -> None:
    import subprocess

    code = (
        "import sys, scoring.models, scoring.sentiment; "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.slow  # loads the real MiniLM: 4-8 s here
def test_bundled_minilm_embeds_offline() -> None:
    embedder = get_embedder(None)
    assert embedder is get_embedder(None, threads=2)  # loaded once per process
    assert embedder is DefaultModels().embedder()
    assert embedder.name == "all-MiniLM-L6-v2"
    texts = [
        "I want to cancel my contract.",
        "I would like to end my subscription.",
        "The weather is sunny at the beach today.",
        "My invoice has a wrong charge on it.",
        "There is an incorrect amount on my bill.",
    ]
    v = embedder.encode(texts)
    assert v.shape == (5, 384) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sim = v @ v.T
    assert sim[0, 1] > sim[0, 2] + 0.3  # paraphrases closer than unrelated sentences
    assert sim[3, 4] > max(sim[3, 2], sim[3, 0])
    assert embedder.encode([]).shape == (0, 384)
    # batching and the length sort keep rows in order
    np.testing.assert_allclose(embedder.encode(texts[::-1])[::-1], v, atol=1e-5)
    assert BUNDLED_EMBEDDER.is_dir()


def test_missing_embedding_model_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        get_embedder(str(tmp_path / "no-such-model"))
    assert "CALLQA_EMBEDDING_MODEL" in str(err.value)
    assert "no-such-model" in str(err.value)


def test_unreachable_hub_id_and_non_model_dir_are_model_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="CALLQA_EMBEDDING_MODEL") as err:
        get_embedder("callqa-test-nobody/no-such-embedder")
    assert "no-such-embedder" in str(err.value)
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelError, match="CALLQA_EMBEDDING_MODEL"):
        get_embedder(str(tmp_path))


# ---------------------------------------------------------------- fine-tuned classifiers


def test_fine_tuned_sentiment_model_loads_by_path(tiny_sentiment: Path) -> None:
    model = get_sentiment_model(str(tiny_sentiment))
    assert isinstance(model, TransformersSentiment)
    assert model is get_sentiment_model(str(tiny_sentiment))
    scores = model.predict(TEXTS)
    assert len(scores) == len(TEXTS)
    for s in scores:
        assert s.label in ("negative", "neutral", "positive")
        assert -1.0 <= s.score <= 1.0 and 0.0 < s.confidence <= 1.0
    assert model.predict([]) == []


def test_fine_tuned_classifier_matches_the_transformers_pipeline(tiny_sentiment: Path) -> None:
    from transformers import pipeline

    clf = TransformersClassifier(str(tiny_sentiment))
    results = clf.classify(TEXTS)
    assert len(results) == len(TEXTS)
    for r in results:
        assert set(r) == {"negative", "neutral", "positive"}
        assert sum(r.values()) == pytest.approx(1.0, abs=1e-5)
    reference: Any = pipeline("text-classification", model=str(tiny_sentiment), top_k=None)(TEXTS)
    for ours, theirs in zip(results, reference, strict=True):
        for item in theirs:
            assert ours[item["label"]] == pytest.approx(item["score"], abs=1e-4)
    assert len({round(r["positive"], 6) for r in results}) > 1  # inputs really differ


def test_zero_shot_classifier_matches_the_transformers_pipeline(tiny_nli: Path) -> None:
    from transformers import pipeline

    labels = ["billing", "thanks", "internet"]
    clf = TransformersClassifier(str(tiny_nli), task="zero-shot-classification")
    results = clf.classify(TEXTS, labels)
    assert [set(r) for r in results] == [set(labels)] * len(TEXTS)
    for r in results:
        assert sum(r.values()) == pytest.approx(1.0, abs=1e-5)
    reference: Any = pipeline("zero-shot-classification", model=str(tiny_nli))
    for text, ours in zip(TEXTS, results, strict=True):
        theirs = reference(text, candidate_labels=labels, hypothesis_template="This example is {}.")
        for label, score in zip(theirs["labels"], theirs["scores"], strict=True):
            assert ours[label] == pytest.approx(score, abs=1e-4)
    multi = TransformersClassifier(str(tiny_nli), task="zero-shot-classification", multi_label=True)
    ours_multi = multi.classify(TEXTS[:1], labels)[0]
    theirs_multi = reference(TEXTS[0], candidate_labels=labels, multi_label=True)
    for label, score in zip(theirs_multi["labels"], theirs_multi["scores"], strict=True):
        assert ours_multi[label] == pytest.approx(score, abs=1e-4)
    with pytest.raises(ModelError, match="candidate labels"):
        clf.classify(TEXTS, None)


def test_classifier_errors_name_the_model_field(tmp_path: Path, tiny_sentiment: Path) -> None:
    with pytest.raises(ModelError) as err:
        TransformersClassifier(str(tmp_path / "missing"))
    assert "`model` field" in str(err.value)
    with pytest.raises(ModelError, match="not an NLI model"):
        TransformersClassifier(str(tiny_sentiment), task="zero-shot-classification")
    with pytest.raises(ModelError, match="unknown classifier task"):
        TransformersClassifier(str(tiny_sentiment), task="ner")
    with pytest.raises(ModelError) as hub:
        TransformersClassifier("callqa-test-nobody/no-such-classifier")
    assert "no-such-classifier" in str(hub.value)


def test_sentiment_errors_name_the_setting(tmp_path: Path, tiny_nli: Path) -> None:
    with pytest.raises(ModelError, match="CALLQA_SENTIMENT_MODEL"):
        get_sentiment_model(str(tmp_path / "missing"))
    with pytest.raises(ModelError, match="CALLQA_SENTIMENT_MODEL"):
        get_sentiment_model("callqa-test-nobody/no-such-sentiment")
    with pytest.raises(ModelError, match="CALLQA_SENTIMENT_MODEL"):  # labels are not sentiments
        get_sentiment_model(str(tiny_nli))


STARS = [("negative", -1), ("negative", -0.5), ("neutral", 0), ("positive", 0.5), ("positive", 1)]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["negative", "neutral", "positive"], [("negative", -1), ("neutral", 0), ("positive", 1)]),
        (["NEG", "NEU", "POS"], [("negative", -1), ("neutral", 0), ("positive", 1)]),
        (["LABEL_0", "LABEL_1", "LABEL_2"], [("negative", -1), ("neutral", 0), ("positive", 1)]),
        (["LABEL_0", "LABEL_1"], [("negative", -1), ("positive", 1)]),
        (["NEGATIVE", "POSITIVE"], [("negative", -1), ("positive", 1)]),
        (["olumsuz", "olumlu"], [("negative", -1), ("positive", 1)]),
        (["1 star", "2 stars", "3 stars", "4 stars", "5 stars"], STARS),
        (["LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3", "LABEL_4"], STARS),
        (["Very Negative", "Negative", "Neutral", "Positive", "Very Positive"], STARS),
    ],
)
def test_label_mapping(labels: list[str], expected: list[tuple[str, float]]) -> None:
    assert label_values(labels) == [(c, float(v)) for c, v in expected]


def test_label_mapping_refuses_other_labels() -> None:
    with pytest.raises(ModelError, match="billing"):
        label_values(["billing", "technical"])


def test_two_class_model_calls_small_scores_neutral(tmp_path: Path) -> None:
    model = TransformersSentiment(str(build_tiny_bert(tmp_path / "sst2", ["NEGATIVE", "POSITIVE"])))
    model.neutral_margin = 2.0  # every score is within it
    assert {s.label for s in model.predict(TEXTS)} == {"neutral"}
    model.neutral_margin = 0.0
    assert {s.label for s in model.predict(TEXTS)} <= {"negative", "positive"}


# ------------------------------------------------------------------------------ provider


def test_provider_is_lazy_and_remembers_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []

    def failing(source: str | None, embedder: str | None, threads: int) -> None:
        calls.append(source)
        raise ModelError("cannot load sentiment model 'x'", hint="Set CALLQA_SENTIMENT_MODEL.")

    monkeypatch.setattr(provider_module, "get_sentiment_model", failing)
    models = DefaultModels(sentiment_model="/nowhere/model")  # nothing loads here
    assert calls == []
    for _ in range(3):
        with pytest.raises(ModelError, match="CALLQA_SENTIMENT_MODEL"):
            models.sentiment()
    assert calls == ["/nowhere/model"]  # tried once, then the failure is remembered


def test_provider_gives_the_cached_models(tiny_sentiment: Path, tiny_nli: Path) -> None:
    models = DefaultModels(sentiment_model=str(tiny_sentiment))
    assert models.sentiment() is get_sentiment_model(str(tiny_sentiment), None, 2)
    clf = models.classifier(str(tiny_nli), "zero-shot-classification")
    assert clf is models.classifier(str(tiny_nli), "zero-shot-classification")
    assert set(clf.classify(["my bill"], ["billing", "thanks"])[0]) == {"billing", "thanks"}
    with pytest.raises(ModelError, match="`model` field"):
        models.classifier("/no/such/classifier")
