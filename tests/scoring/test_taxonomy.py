"""Contact-reason taxonomies: the shipped one reads and speaks Turkish and English; a file
with an error is refused whole with its file, line and reason; calls get their reasons
with evidence (quote and time) and a confidence made of the rules that held, their product
from metadata or the taxonomy; rules of one language leave other calls alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import TaxonomyError
from scoring.taxonomy import categorise, load_taxonomy, parse_taxonomy, shipped_taxonomy
from tests.scoring.conftest import BagOfWordsEmbedder, FakeProvider, make_view

SMALL = """\
name: small
version: "2"
threshold: 0.5
products:
  - id: internet
    title: {en: Home internet, tr: Ev interneti}
    rules:
      - {type: phrase, phrases: [modem, internet]}
categories:
  - id: billing
    title: {en: Billing, tr: Fatura}
    subcategories:
      - id: high_bill
        title: {en: Bill too high, tr: Fatura yüksek}
        complaint: true
        examples:
          en: [my bill is far too high this month]
        rules:
          - {type: phrase, language: en, phrases: [bill is too high]}
          - {type: phrase, language: tr, phrases: [faturam yüksek]}
          - {type: metadata, field: category, equals: [Billing], weight: 0.4}
          - {type: semantic, weight: 0.3, threshold: 0.5}
  - id: technical
    title: {en: Technical, tr: Teknik}
    subcategories:
      - id: no_service
        title: {en: No service, tr: Hizmet yok}
        product: internet
        rules:
          - {type: phrase, phrases: [not working, çalışmıyor], weight: 0.6}
          - {type: metric, metric: hold_gaps, min: 1, weight: 0.2}
"""


def test_the_shipped_taxonomy_reads_with_titles_and_examples_in_both_languages() -> None:
    t = shipped_taxonomy()
    assert t.name == "contact_reasons" and len(t.reasons) >= 10
    for reason in t.reasons:
        assert reason.title_in("tr") != reason.title_in("en"), reason.code
        assert reason.examples_in("tr") and reason.examples_in("en"), reason.code
        assert {r.language for r in reason.rules if r.type == "phrase"} >= {"tr", "en"}
    assert any(r.complaint for r in t.reasons)
    assert {p.id for p in t.products} >= {"mobile", "internet", "electricity", "card"}


@pytest.mark.parametrize(("change", "line", "says"), [
    (("threshold: 0.5\nproducts", "threshold: 1.5\nproducts"), 3,
     "'threshold' must be at most 1"),
    (("        complaint: true", "        complaint: true\n        severity: high"), 16,
     "unknown field 'severity'"),
    (("      - id: no_service", "      - id: high_bill"), 26, None),  # another category: ok
    (("        product: internet", "        product: fibre"), 28, "product 'fibre' is not"),
    (("{type: metadata, field: category,", "{type: meta, field: category,"), 21,
     "'type' must be one of phrase, keywords, semantic, metric, metadata"),
    (("phrases: [bill is too high]", "phrases: []"), 19, "'phrases' must be a non-empty"),
    (("      - id: high_bill", "      - id: high.bill"), 13, "may hold only letters"),
    (("  - id: technical", "  - id: billing"), 23, "category id 'billing' is given twice"),
])
def test_a_file_with_an_error_is_refused_whole_with_its_line(
    change: tuple[str, str], line: int, says: str | None,
) -> None:
    text = SMALL.replace(*change)
    assert text != SMALL
    if says is None:  # the same subcategory id in another category is another reason
        t = parse_taxonomy(text, "small.yaml")
        assert {r.code for r in t.reasons} == {"billing.high_bill", "technical.high_bill"}
        return
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(text, "small.yaml")
    message = str(caught.value)
    assert message.startswith(f"small.yaml:{line}: "), message
    assert says in message, message


def test_a_semantic_rule_needs_examples_somewhere() -> None:
    text = SMALL.replace("        examples:\n          en: [my bill is far too high this month]\n",
                         "")
    with pytest.raises(TaxonomyError, match=r"^small.yaml:\d+: .*needs 'examples'"):
        parse_taxonomy(text, "small.yaml")


def test_a_missing_file_names_the_shipped_ones(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="no taxonomy file") as caught:
        load_taxonomy(tmp_path / "nope.yaml")
    assert "contact_reasons" in caught.value.hint
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", "utf-8")
    with pytest.raises(TaxonomyError, match=rf"^{bad}:\d+: invalid YAML"):
        load_taxonomy(bad)


def test_an_english_call_gets_its_reason_with_quote_time_and_confidence() -> None:
    t = parse_taxonomy(SMALL, "small.yaml")
    view = make_view([("agent", 0.0, 3.0, "Good morning, how can I help?"),
                      ("customer", 3.5, 8.0, "Hello, my bill is too high again this month."),
                      ("agent", 8.5, 11.0, "Let me look at your account.")])
    models = FakeProvider(embedder=BagOfWordsEmbedder())
    found = categorise(view, {"category": "billing"}, t, models)
    (reason,) = found.reasons
    assert reason.code == "billing.high_bill" and reason.complaint
    # phrase 0.8, metadata 0.4 (case-folded "Billing"), semantic 0.3: 1 - 0.2*0.6*0.7
    assert reason.confidence == pytest.approx(0.916)
    phrase = reason.hits[0]
    assert phrase.rule == "phrase rule (line 19)"
    assert phrase.evidence[0].quote.startswith("Hello, my bill is too high")
    assert phrase.evidence[0].start >= 3.5
    assert [h.explanation for h in reason.hits][1] == "metadata category is billing"
    assert found.primary is reason and found.product is None


def test_rules_of_one_language_leave_the_other_alone_and_the_product_follows() -> None:
    t = parse_taxonomy(SMALL, "small.yaml")
    turkish = make_view([("agent", 0.0, 2.0, "İyi günler, nasıl yardımcı olabilirim?"),
                         ("customer", 2.5, 7.0, "Modemim var ama internet çalışmıyor, "
                                                "faturam yüksek de geldi.")],
                        language="tr")
    found = categorise(turkish, {}, t)  # no models: the semantic rule is left out
    assert [r.code for r in found.reasons] == ["billing.high_bill", "technical.no_service"]
    assert found.reasons[0].confidence == 0.8 and found.reasons[1].confidence == 0.6
    assert (found.product, found.product_source) == ("internet", "taxonomy")
    english = make_view([("customer", 0.0, 3.0, "faturam yüksek")], language="en")
    assert categorise(english, {}, t).reasons == ()  # the tr phrase is not for en calls
    given = categorise(turkish, {"product": "mobile"}, t)
    assert (given.product, given.product_source) == ("mobile", "metadata")


def test_below_the_threshold_a_call_has_no_reason() -> None:
    t = parse_taxonomy(SMALL.replace("threshold: 0.5", "threshold: 0.7"), "small.yaml")
    view = make_view([("customer", 0.0, 3.0, "The internet is not working.")])
    found = categorise(view, {}, t)
    assert found.reasons == () and found.primary is None
    # the reason's product is not implied without the reason; the product rules still run
    assert found.product == "internet"


def test_the_shipped_taxonomy_on_hand_written_calls() -> None:
    t = shipped_taxonomy()
    cases = [
        ("tr", "Merhaba, aboneliğimi iptal etmek istiyorum, başka firmaya geçiyorum.",
         "cancellation.cancel_service"),
        ("en", "Hi, I lost my card yesterday, can you block it please?", "cards.lost_card"),
        ("tr", "Kartımı kaybettim, lütfen kapatın.", "cards.lost_card"),
        ("en", "My internet has not been working since Monday, there is no connection.",
         "technical.no_service"),
        ("tr", "Bu ay faturam çok yüksek geldi, fazla ücret yansımış.", "billing.high_bill"),
    ]
    for language, said, code in cases:
        view = make_view([("agent", 0.0, 2.0, "Good morning." if language == "en"
                           else "İyi günler."), ("customer", 2.5, 8.0, said)],
                         language=language)
        found = categorise(view, {}, t)
        assert found.primary is not None and found.primary.code == code, (said, found)


def test_between_equally_confident_reasons_the_closer_semantic_match_is_primary() -> None:
    text = """\
name: ties
version: "1"
categories:
  - id: a_first
    title: {en: First by name}
    subcategories:
      - id: loose
        title: {en: Loosely like it}
        examples: {en: [my parcel never arrived at the door today]}
        rules: [{type: semantic, threshold: 0.3, weight: 0.6}]
  - id: z_last
    title: {en: Last by name}
    subcategories:
      - id: close
        title: {en: Much like it}
        examples: {en: [my card was stolen at the market today]}
        rules: [{type: semantic, threshold: 0.3, weight: 0.6}]
"""
    view = make_view([("customer", 0.0, 4.0, "my card was stolen at the door today")])
    found = categorise(view, {}, parse_taxonomy(text, "ties.yaml"),
                       FakeProvider(embedder=BagOfWordsEmbedder()))
    assert [r.code for r in found.reasons] == ["z_last.close", "a_first.loose"]
    assert found.reasons[0].confidence == found.reasons[1].confidence == 0.6
    assert found.reasons[0].hits[0].strength > found.reasons[1].hits[0].strength


KEYWORDS = """\
name: stems
version: "1"
categories:
  - id: billing
    title: {en: Billing, tr: Fatura}
    subcategories:
      - id: high_bill
        title: {en: Bill too high, tr: Fatura yüksek}
        rules:
          - {type: keywords, language: tr, all: [[fatura], [yüksek, fazla, iki kat]]}
          - {type: keywords, language: en, within: 6, all: [[bill, invoice], [double, high]]}
"""


@pytest.mark.parametrize(("language", "said", "words"), [
    # the stems begin suffixed Turkish words, in any order, with words between them
    ("tr", "Bu ay gelen faturamı görünce şaşırdım, tutar neredeyse iki katı olmuş.",
     ("faturami", "iki")),
    ("tr", "Ödediğim para çok fazla, faturada bir yanlışlık var.", ("faturada", "fazla")),
    # a slip of the ASR (vowel harmony, ğ) still matches in sound form
    ("tr", "fatüram bu sefer yüksak geldi", ("faturam", "yuksak")),
    ("en", "I opened the invoice and it is nearly double the usual.", ("invoice", "double")),
])
def test_a_keyword_rule_holds_when_every_group_is_said_close_together(
    language: str, said: str, words: tuple[str, ...],
) -> None:
    t = parse_taxonomy(KEYWORDS, "stems.yaml")
    view = make_view([("agent", 0.0, 2.0, "Merhaba."), ("customer", 2.5, 9.0, said)],
                     language=language)
    found = categorise(view, {}, t)
    assert found.primary is not None and found.primary.code == "billing.high_bill"
    hit = found.primary.hits[0]
    assert found.primary.confidence == 0.7
    assert hit.rule == f"keywords rule (line {10 if language == 'tr' else 11})"
    assert sorted(words) == sorted(hit.explanation.removeprefix("customer said ").split(", "))
    assert hit.evidence[0].utterance_indexes == (1,) and hit.evidence[0].start >= 2.5


@pytest.mark.parametrize(("language", "said", "role"), [
    ("tr", "Faturamı ödemek istiyorum.", "customer"),  # one group only
    ("en", "The bill came today; last year we had high winds and a storm.", "customer"),
    ("tr", "Faturanız bu ay yüksek görünüyor.", "agent"),  # the agent said it
])
def test_a_keyword_rule_needs_every_group_within_reach_of_the_customer(
    language: str, said: str, role: str,
) -> None:
    t = parse_taxonomy(KEYWORDS, "stems.yaml")
    view = make_view([(role, 0.0, 5.0, said)], language=language)
    assert categorise(view, {}, t).reasons == ()


def test_a_keyword_group_that_is_not_a_list_of_words_is_refused_with_its_line() -> None:
    bad = KEYWORDS.replace("[[fatura], [yüksek, fazla, iki kat]]", "[[fatura], [3]]")
    with pytest.raises(TaxonomyError, match=r"^stems.yaml:10: .*group 2 must be a list"):
        parse_taxonomy(bad, "stems.yaml")
    bad = KEYWORDS.replace("within: 6", "within: 0")
    with pytest.raises(TaxonomyError, match=r"^stems.yaml:11: "):
        parse_taxonomy(bad, "stems.yaml")
