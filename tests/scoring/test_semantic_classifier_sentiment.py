"""Model-backed criteria (semantic, classifier, sentiment) with fakes of the Protocols;
a model that cannot be had makes the criterion N/A with the reason, never a crash."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.errors import ModelError
from scoring import parse_rubric, score_call
from scoring.criteria import evaluate
from scoring.rubric_types import (
    ClassifierCriterion,
    SemanticCriterion,
    SentimentCriterion,
    Window,
)
from scoring.types import Verdict
from tests.scoring.conftest import (
    BagOfWordsEmbedder,
    FakeProvider,
    KeywordClassifier,
    make_view,
    party,
)

EMPATHY = ("I am so sorry about that", "I understand how frustrating this is")


def semantic(**kw: Any) -> SemanticCriterion:
    kw.setdefault("examples", EMPATHY)
    kw.setdefault("threshold", 0.6)
    return SemanticCriterion(id="empathy", title="t", type="semantic", points=10, **kw)


CALL = [
    ("customer", 0.5, 4.0, "My internet has been down for a week, this is terrible."),
    ("agent", 4.5, 9.0, "Let me check. I am really so sorry about that."),
    ("agent", 9.5, 12.0, "Your account number is noted."),
    ("customer", 12.5, 14.0, "You are useless."),
    ("agent", 50.0, 53.0, "Goodbye."),
]


def test_semantic_passes_on_the_most_similar_sentence_with_its_similarity() -> None:
    view = make_view(CALL)
    provider = FakeProvider()
    r = evaluate(semantic(), view, provider)
    assert r.verdict is Verdict.PASS and r.points == 10
    (ev,) = r.evidence
    # the utterance is split into sentences; the apology is the second one
    assert ev.utterance_indexes == (1,) and ev.start > 4.5
    assert "I am really so sorry about that." in ev.note
    assert ev.quote == "Let me check. I am really so sorry about that."
    assert r.confidence is not None and 0.6 <= r.confidence <= 1.0
    assert "similarity" in r.explanation and "≥ 0.6" in r.explanation
    # examples and the agent's sentences were embedded; the customer's were not
    texts = [t for call in provider._embedder.calls for t in call]  # type: ignore[attr-defined]
    assert not any("terrible" in t for t in texts)


def test_semantic_fails_below_threshold_with_best_candidate_and_searched_window() -> None:
    view = make_view([("agent", 0.5, 3.0, "Your account number is noted.")])
    r = evaluate(semantic(), view, FakeProvider())
    assert r.verdict is Verdict.FAIL and r.points == 0
    assert r.explanation.startswith("No agent sentence in the whole call was like")
    assert r.evidence[0].utterance_indexes == (0,)
    assert r.evidence[-1].note == "searched: agent, whole call"


def test_semantic_none_and_window() -> None:
    view = make_view(CALL)
    rude = semantic(examples=("you are useless",), match="none", party="customer")
    r = evaluate(rude, view, FakeProvider())
    assert r.verdict is Verdict.FAIL and r.evidence[0].utterance_indexes == (3,)
    early = semantic(window=Window(first=3))
    r = evaluate(early, view, FakeProvider())
    assert r.verdict is Verdict.FAIL and r.explanation == "Agent said nothing in the first 3 s"


@pytest.mark.parametrize("provider", [None, FakeProvider(broken=["embedder"])])
def test_semantic_without_a_model_is_na_with_the_reason(provider: FakeProvider | None) -> None:
    r = evaluate(semantic(), make_view(CALL), provider)
    assert r.verdict is Verdict.NA and r.points == 0 and r.max_points == 0
    assert r.explanation.startswith("not evaluated: ")
    if provider is not None:
        assert "could not be loaded" in r.explanation


def test_semantic_model_crashing_mid_call_is_na() -> None:
    class Exploding(BagOfWordsEmbedder):
        def encode(self, texts):  # type: ignore[no-untyped-def]
            raise RuntimeError("CUDA out of memory")

    r = evaluate(semantic(), make_view(CALL), FakeProvider(embedder=Exploding()))
    assert r.verdict is Verdict.NA
    assert r.explanation == ("not evaluated: sentence-embedding model unavailable: "
                             "CUDA out of memory")


def classifier(**kw: Any) -> ClassifierCriterion:
    kw.setdefault("model", "toxicity")
    kw.setdefault("label", "toxic")
    kw.setdefault("threshold", 0.8)
    return ClassifierCriterion(id="rude", title="t", type="classifier", points=5, **kw)


TOXIC = KeywordClassifier("toxicity", {"toxic": ["useless", "stupid"], "ok": []})


def test_classifier_none_fails_on_a_sentence_with_the_label() -> None:
    view = make_view(CALL)
    provider = FakeProvider(classifiers={"toxicity": TOXIC})
    agent = evaluate(classifier(match="none", party="agent"), view, provider)
    assert agent.verdict is Verdict.PASS and agent.points == 5
    assert agent.confidence == pytest.approx(1 - 0.05)
    customer = evaluate(classifier(match="none", party="customer"), view, provider)
    assert customer.verdict is Verdict.FAIL and customer.points == 0
    assert customer.evidence[0].utterance_indexes == (3,)
    assert customer.explanation == ("Customer sentence classified 'toxic' (score 0.95, "
                                    "threshold 0.8)")
    assert "classifier:toxicity:text-classification" in provider.loaded


def test_classifier_any_and_label_case() -> None:
    view = make_view(CALL)
    provider = FakeProvider(classifiers={"toxicity": TOXIC})
    r = evaluate(classifier(match="any", party="customer", label="TOXIC"), view, provider)
    assert r.verdict is Verdict.PASS and r.confidence == pytest.approx(0.95)
    r = evaluate(classifier(match="any", party="agent"), view, provider)
    assert r.verdict is Verdict.FAIL


def test_zero_shot_gets_the_candidate_labels() -> None:
    zs = KeywordClassifier("nli", {"apology": ["sorry"], "other": []})
    provider = FakeProvider(classifiers={"nli": zs})
    c = classifier(model="nli", task="zero-shot-classification", label="apology",
                   candidate_labels=("apology", "other"), match="any", threshold=0.5)
    r = evaluate(c, make_view(CALL), provider)
    assert r.verdict is Verdict.PASS and r.evidence[0].utterance_indexes == (1,)
    assert zs.seen_labels == [["apology", "other"]]
    assert "classifier:nli:zero-shot-classification" in provider.loaded


def test_classifier_missing_model_is_na() -> None:
    r = evaluate(classifier(), make_view(CALL), FakeProvider())
    assert r.verdict is Verdict.NA and r.max_points == 0
    assert r.explanation == ("not evaluated: classifier 'toxicity' unavailable: model "
                             "'toxicity' could not be loaded")


def sentiment(**kw: Any) -> SentimentCriterion:
    return SentimentCriterion(id="mood", title="t", type="sentiment", points=5, **kw)


def test_sentiment_end_against_min_with_evidence_from_the_last_third() -> None:
    view = make_view(CALL, duration=60.0, sentiment=[-0.8, 0.0, 0.0, -0.9, 0.5])
    parties = (party("agent", 0.0, 0.5), party("customer", -0.8, -0.5))
    r = evaluate(sentiment(party="customer", window="end", min=-0.2), view,
                 sentiment=parties)
    assert r.verdict is Verdict.FAIL
    assert r.explanation == ("Customer sentiment at the end of the call -0.50 is below the "
                             "minimum -0.20")
    (ev,) = r.evidence
    assert (ev.start, ev.end) == (40.0, 60.0)
    ok = evaluate(sentiment(party="agent", window="end", min=-0.2), view, sentiment=parties)
    assert ok.verdict is Verdict.PASS and ok.points == 5
    assert ok.evidence[0].utterance_indexes == (4,) and ok.confidence == pytest.approx(0.9)


def test_sentiment_change_and_whole() -> None:
    view = make_view(CALL, duration=60.0)
    parties = (party("customer", -0.8, 0.2, overall=-0.1),)
    r = evaluate(sentiment(window="change", min_change=0.5), view, sentiment=parties)
    assert r.verdict is Verdict.PASS
    assert r.explanation == ("Customer sentiment changed from -0.80 to +0.20 (+1.00, min "
                             "change +0.50)")
    assert len(r.evidence) == 2
    r = evaluate(sentiment(window="change", min_change=1.5), view, sentiment=parties)
    assert r.verdict is Verdict.FAIL
    r = evaluate(sentiment(window="whole", max=-0.2), view, sentiment=parties)
    assert r.verdict is Verdict.FAIL and "above the maximum" in r.explanation


def test_sentiment_silent_party_is_not_applicable() -> None:
    parties = (party("customer", -0.5, None),)
    r = evaluate(sentiment(window="end", min=0), make_view(CALL), sentiment=parties)
    assert r.verdict is Verdict.NA and r.max_points == 0
    assert r.explanation == "not applicable: the customer said nothing at the end of the call"


def test_sentiment_without_scores_is_na_with_the_reason() -> None:
    r = evaluate(sentiment(window="end", min=0), make_view(CALL),
                 sentiment_error="sentiment model missing")
    assert r.verdict is Verdict.NA
    assert r.explanation == "not evaluated: sentiment model missing"


RUBRIC = """\
name: models
version: "1"
language: en
sections:
  - id: s
    title: S
    criteria:
      - {id: empathy, title: E, type: semantic, points: 10,
         examples: ["I am so sorry about that"], threshold: 0.6}
      - {id: mood, title: M, type: sentiment, points: 5, party: customer, window: end,
         min: -0.2}
      - {id: rude, title: R, type: classifier, points: 5, model: toxicity, label: toxic,
         match: none}
      - {id: bye, title: B, type: phrase, points: 5, phrases: [goodbye]}
flags: {defaults: false}
"""


def test_scorer_computes_sentiment_with_the_provider_model() -> None:
    provider = FakeProvider(classifiers={"toxicity": TOXIC})
    rows = [*CALL, ("customer", 54.0, 56.0, "Still terrible, honestly.")]
    card = score_call(make_view(rows, duration=60.0), parse_rubric(RUBRIC), provider)
    mood = next(r for r in card.results if r.criterion_id == "mood")
    # the keyword model scores "terrible" -0.8: the customer ends negative
    assert mood.verdict is Verdict.FAIL
    assert mood.explanation.startswith("Customer sentiment at the end of the call -0.80")
    assert mood.evidence[0].quote == "Still terrible, honestly."
    customer = next(p for p in card.sentiment if p.role.value == "customer")
    assert customer.start == pytest.approx(-0.8)
    assert provider.loaded.count("sentiment") == 1
    assert card.notes == ()
    silent_end = score_call(make_view(CALL, duration=60.0), parse_rubric(RUBRIC), provider)
    mood = next(r for r in silent_end.results if r.criterion_id == "mood")
    assert mood.verdict is Verdict.NA and "said nothing at the end" in mood.explanation


def test_missing_models_make_criteria_na_and_the_scorecard_says_so() -> None:
    provider = FakeProvider(broken=["sentiment", "embedder"])
    card = score_call(make_view(CALL, duration=60.0), parse_rubric(RUBRIC), provider)
    verdicts = {r.criterion_id: r.verdict for r in card.results}
    assert verdicts == {"empathy": Verdict.NA, "mood": Verdict.NA, "rude": Verdict.NA,
                        "bye": Verdict.PASS}
    assert card.total == 100.0  # only "bye" counted
    assert sorted(card.notes) == sorted([
        "1 criterion not evaluated: sentence-embedding model unavailable: embedding model "
        "'x' could not be loaded",
        "1 criterion not evaluated: sentiment model unavailable: sentiment model missing",
        "1 criterion not evaluated: classifier 'toxicity' unavailable: model 'toxicity' "
        "could not be loaded",
    ])
    assert card.sentiment == ()


def test_precomputed_sentiment_is_used_without_loading_a_model() -> None:
    provider = FakeProvider(broken=["sentiment"])
    view = make_view(CALL, duration=60.0, sentiment=[-0.5, 0.0, 0.0, -0.9, 0.6])
    card = score_call(view, parse_rubric(RUBRIC), provider)
    assert "sentiment" not in provider.loaded
    assert {p.role.value for p in card.sentiment} == {"agent", "customer"}


def test_model_error_type_is_the_pipeline_one() -> None:
    with pytest.raises(ModelError):
        FakeProvider(broken=["sentiment"]).sentiment()


def test_sentences_and_examples_are_embedded_once() -> None:
    embedder = BagOfWordsEmbedder()
    provider = FakeProvider(embedder=embedder)
    view = make_view(CALL)
    evaluate(semantic(), view, provider)
    evaluate(semantic(examples=("your account number",)), view, provider)
    evaluate(semantic(), make_view(CALL[:2]), provider)
    texts = [t for call in embedder.calls for t in call]
    assert len(texts) == len(set(texts))  # nothing embedded twice
    assert texts.count("I am so sorry about that") == 1


def test_two_sentences_of_one_utterance_are_also_read_together() -> None:
    """The ASR's full stop split one statement; `match: any` sees it whole, across
    utterances it does not join, and `match: none` judges single sentences only."""
    from scoring.criteria.common import sentence_units
    from scoring.rubric_types import Window
    from tests.scoring.conftest import make_view

    view = make_view([
        ("agent", 0, 4, "I have applied a credit. You will see it on your next invoice."),
        ("customer", 4, 6, "Thanks."),
        ("agent", 6, 8, "Anything else?"),
    ])
    plain = [u.text for u in sentence_units(view, [0, 2], Window())]
    paired = [u.text for u in sentence_units(view, [0, 2], Window(), pairs=True)]
    joined = "I have applied a credit. You will see it on your next invoice."
    assert joined not in plain and joined in paired
    assert set(paired) - set(plain) == {joined}  # never across utterances
