"""Messages: every explanation, reason and note reads in Turkish and in English, with no
English party, window or verdict words left in the Turkish, and the English rendering is
what the scorer stores as text."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from scoring import load_rubric, score_call
from scoring.message_catalogue import CATALOGUE
from scoring.messages import KINDS, Message, message, render
from tests.scoring.conftest import make_view

PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")

# A value of the right shape for each kind; raw text is Turkish, as a Turkish call's is.
SAMPLES: dict[str, Any] = {
    "party": {"party": "agent", "roles_unknown": True}, "party_lc": "customer",
    "party_gen": "any", "window": {"first": 30}, "window_loc": {"last": 60},
    "part": "end", "part_code": "start", "metric": "longest_silence",
    "metric_lc": "interruptions_agent", "mval": 37.5, "mbounds": {"min": 1.5, "max": 30},
    "sbounds": {"min": -0.2, "max": 0.5}, "num": 0.66, "f0": 50.2, "f1": 12.25,
    "f2": 0.655, "sign2": -0.5, "time": 4.21, "quotes": ["iyi günler", "hoşça kalın"],
    "said": {"phrase": "iyi günler", "at": 4.2, "score": 92.0},
    "saids": [{"phrase": "iyi günler", "at": 4.2}, {"phrase": "hoşça kalın", "at": 70.0}],
    "anchor": {"phrase": "beni aramayın", "at": 12.0}, "pii": "tckn",
    "piis": [{"kind": "card", "at": 2.7}],
    "crit": {"id": "karsilama", "titles": {"tr": "Karşılama", "en": "Greeting"}},
    "verdict": "fail", "direction": "inbound", "directions": ["outbound"],
    "or": ["fatura", "satış"], "lang": "en", "langs": ["tr"],
    "text": {"en": "Legal threat", "tr": "Hukuki işlem tehdidi"},
    "msg": {"key": "reason.no_sentiment_model", "args": {}},
    "msg_cap": {"key": "reason.no_sentiment_model", "args": {}},
    "msgs": [{"key": "na.not_applicable", "args": {"reason": "örnek"}}],
}
# English a Turkish reader must never see (whole words, case-insensitive)
ENGLISH = ["agent", "customer", "someone", "speaker", "said", "first", "last", "whole",
           "call", "not", "applicable", "evaluated", "above", "below", "minimum", "maximum",
           "min", "max", "sentiment", "searched", "similarity", "score", "threshold", "at",
           "after", "before", "start", "end", "longest", "silence", "fail", "pass", "failed",
           "human", "verdict", "was", "inbound", "outbound", "more", "fuzzy", "total", "and",
           "or", "of", "in", "the", "gap", "spoken", "unknown", "roles", "n/a", "wpm", "s"]


def sample_args(key: str) -> dict[str, Any]:
    args: dict[str, Any] = {"metric": "longest_silence"}
    for lang in CATALOGUE:
        for name, kind in PLACEHOLDER.findall(CATALOGUE[lang][key]):
            if name not in args or name == "metric":
                args[name] = SAMPLES[kind] if kind else "örnek"
    return args


def test_both_languages_have_the_same_messages_and_placeholders() -> None:
    assert set(CATALOGUE["en"]) == set(CATALOGUE["tr"])
    for key, en in CATALOGUE["en"].items():
        names = {n for n, _ in PLACEHOLDER.findall(en)}
        assert names == {n for n, _ in PLACEHOLDER.findall(CATALOGUE["tr"][key])}, key
        for lang in CATALOGUE:
            assert all(kind in KINDS for _, kind in PLACEHOLDER.findall(CATALOGUE[lang][key])
                       if kind), (lang, key)


@pytest.mark.parametrize("key", sorted(CATALOGUE["en"]))
def test_every_message_renders_in_both_languages(key: str) -> None:
    m = Message(key, sample_args(key))
    en, tr = render(m, "en"), render(m, "tr")
    for text in (en, tr):
        assert text.strip() and "{" not in text and "}" not in text, (key, text)
    assert en != tr or key in ("text", "ev.phrase"), key
    words = set(re.findall(r"[a-zçğıöşü/]+", tr.lower()))
    assert not words & set(ENGLISH), (key, tr, words & set(ENGLISH))
    assert tr[0] == tr[0].upper(), tr  # a Turkish sentence starts with a capital


def test_the_renderer_speaks_each_language() -> None:
    said = message("phrase.said", who="agent", said=[{"phrase": "iyi günler", "at": 4.21}])
    assert render(said, "en") == "Agent said 'iyi günler' at 00:04.2"
    assert render(said, "tr") == "Temsilci 'iyi günler' (00:04.2) dedi"
    missing = message("phrase.none_matched", who="agent", where={"first": 30}, after=None,
                      phrases=["bu görüşme kaydedilmektedir"])
    assert render(missing, "tr") == ("İlk 30 sn içinde temsilcinin hiçbir konuşması şunlarla "
                                     "eşleşmedi: 'bu görüşme kaydedilmektedir'")
    like = message("semantic.like", who="agent", examples=["Özür dilerim."],
                   similarity=0.6612, threshold=0.6)
    assert render(like, "tr").endswith("(benzerlik 0,66 ≥ 0,6)")
    assert render(like, "en").endswith("(similarity 0.66 ≥ 0.6)")
    hold = message("metric.above_max", metric="longest_silence", value=75.0, bound=60.0)
    assert render(hold, "tr") == "En uzun sessizlik 75 sn, üst sınır 60 sn değerinin üzerinde"
    na = message("na.not_applicable",
                 reason=message("when.direction_other", actual="outbound", wanted=["inbound"]))
    assert render(na, "en") == ("not applicable: direction is outbound (criterion is for "
                                "inbound)")
    assert render(na, "tr") == ("Uygulanamaz: görüşmenin yönü giden (kriter gelen "
                                "görüşmeler için)")


def test_a_message_survives_json_and_an_unknown_one_falls_back_to_the_stored_text() -> None:
    m = message("flag.described", description={"en": "Legal threat", "tr": "Hukuki tehdit"},
                detail=message("phrase.said", who="customer",
                               said=[{"phrase": "avukat", "at": 5.3}]))
    stored = json.loads(json.dumps(m.to_dict()))
    assert render(stored, "tr") == "Hukuki tehdit: Müşteri 'avukat' (00:05.3) dedi"
    assert render(Message.from_dict(stored), "en") == (
        "Legal threat: Customer said 'avukat' at 00:05.3")
    assert render({"key": "from.a.newer.version", "args": {}}, "tr", "old text") == "old text"
    assert render(None, "tr", "stored English") == "stored English"
    with pytest.raises(KeyError):
        message("no.such.key")


TR_CALL = [
    ("agent", 0.5, 6.0, "Anadolu Telekom'a hoş geldiniz, benim adım Ayşe."),
    ("customer", 6.5, 12.0, "Faturam çok yüksek geldi, avukatıma gideceğim."),
    ("agent", 12.5, 20.0, "Faturanız bu ay yüksek görünüyor, kontrol ediyorum."),
    ("customer", 21.0, 25.0, "Tamam."),
]


def test_a_turkish_scorecard_reads_in_turkish_and_its_english_is_the_stored_text() -> None:
    view = make_view(TR_CALL, language="tr", sentiment=[0.2, -0.6, 0.0, -0.4])
    card = score_call(view, load_rubric("inbound_service_tr"))
    assert card.results and card.flags
    for r in card.results:
        assert r.explanation_message is not None
        assert render(r.explanation_message, "en") == r.explanation
        tr = render(json.loads(json.dumps(r.explanation_message.to_dict())), "tr")
        words = set(re.findall(r"[a-zçğıöşü]+", tr.lower()))
        assert not words & {"agent", "customer", "said", "first", "last", "whole", "not",
                            "applicable", "the", "sentiment"}, (r.criterion_id, tr)
    for f in card.flags:
        assert f.reason_message is not None and render(f.reason_message, "en") == f.reason
    by_id = {r.criterion_id: r for r in card.results}
    assert render(by_id["kayit_bilgilendirmesi"].explanation_message, "tr").startswith(
        "İlk 60 sn içinde temsilcinin hiçbir konuşması şunlarla eşleşmedi:")
    legal = next(f for f in card.flags if f.code == "legal_threat")
    assert render(legal.reason_message, "tr") == (
        "Hukuki işlem tehdidi: Müşteri 'avukat' (00:10.2) dedi")
    auto = next(f for f in card.flags if f.code == "auto_fail")
    assert "'Görüşmenin kaydedildiğini bildirme' kriteri karşılanmadı" in render(
        auto.reason_message, "tr")
    assert "'Tells the customer the call is recorded' failed" in render(
        auto.reason_message, "en")
