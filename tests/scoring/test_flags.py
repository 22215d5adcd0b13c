"""Flags: escalation phrases (Turkish too), sentiment, silence, PII, several reasons on one
scorecard in priority order."""

from __future__ import annotations

import pytest

from scoring import load_rubric, parse_rubric, score_call
from scoring.flag_defaults import DEFAULT_FLAG_RULES
from scoring.flags import evaluate_flags
from scoring.types import Severity
from tests.scoring.conftest import FakeProvider, make_view, party

MINIMAL = """\
name: flags_test
version: "1"
language: {lang}
sections:
  - id: s
    title: S
    criteria:
      - {{id: disclosure, title: D, type: phrase, points: 10, auto_fail: true,
         phrases: [this call is recorded, bu görüşme kayıt altına]}}
      - {{id: bye, title: B, type: phrase, points: 10, phrases: [goodbye, iyi günler]}}
"""


def flags_of(rows, *, language: str = "en", parties=None, total: float | None = 90.0,  # type: ignore[no-untyped-def]
             pii: bool = False, duration: float | None = None):
    view = make_view(rows, language=language, pii=pii, duration=duration)
    return evaluate_flags(DEFAULT_FLAG_RULES, view, total=total, results=(),
                          sentiment=parties)


def codes(flags) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in flags]


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("Avukatıma danışacağım, bu iş böyle olmaz.", "legal_threat"),
        ("AVUKATIM sizinle görüşecek.", "legal_threat"),
        ("Size dava açacağım!", "legal_threat"),
        ("Tüketici hakem heyetine başvuracağım.", "regulator"),
        ("TÜKETİCİ HAKEM HEYETİ'ne gideceğim.", "regulator"),
        ("BTK'ya şikayet edeceğim.", "regulator"),
        ("Aboneliğimi iptal ediyorum.", "cancellation"),
        ("Üçüncü kez arıyorum, kimse ilgilenmiyor.", "repeat_contact"),
        ("I will call my lawyer.", "legal_threat"),
        ("I'm going to complain to the ombudsman.", "regulator"),
        ("Fix it or I cancel my contract.", "cancellation"),
        ("This is the third time I'm calling!", "repeat_contact"),
        ("This is the third time I call you.", "repeat_contact"),
    ],
)
def test_escalation_phrases_in_customer_speech(said: str, code: str) -> None:
    flags = flags_of([("agent", 0.0, 2.0, "Merhaba, hello."), ("customer", 3.0, 7.0, said)])
    assert codes(flags) == [code]
    (flag,) = flags
    assert flag.evidence[0].utterance_indexes == (1,) and flag.evidence[0].role == "customer"
    assert flag.evidence[0].quote == said
    assert "Customer said '" in flag.reason


def test_escalation_phrases_are_not_searched_in_agent_speech() -> None:
    flags = flags_of([("agent", 0.0, 4.0, "You can cancel my colleague's appointment, or "
                                          "contact a lawyer if you wish.")])
    assert flags == ()


def test_no_false_escalation_on_ordinary_words() -> None:
    flags = flags_of([("customer", 0.0, 5.0, "I have an issue with my bill, davet aldım, "
                                             "and I'm calling about the cancellation fee.")])
    assert flags == ()


def test_fuzzy_escalation_tolerates_asr_errors() -> None:
    flags = flags_of([("customer", 0.0, 5.0, "this is the third time im calling you")])
    assert codes(flags) == ["repeat_contact"]


def test_sentiment_flags() -> None:
    rows = [("customer", 5.0 * k, 5.0 * k + 4.5, "hello there") for k in range(12)]
    falling = (party("customer", 0.4, -0.5),)
    flags = flags_of(rows, parties=falling, duration=60.0)
    assert codes(flags) == ["negative_end", "sentiment_drop"]
    negative_end, drop = flags
    assert negative_end.reason == ("Customer sentiment ends negative: customer sentiment at "
                                   "the end -0.50 is below -0.30")
    assert (negative_end.evidence[0].start, negative_end.evidence[0].end) == (40.0, 60.0)
    assert drop.reason.endswith("customer sentiment fell from +0.40 to -0.50")
    assert flags_of(rows, parties=(party("customer", -0.2, -0.25),), duration=60.0) == ()
    assert flags_of(rows, parties=(party("agent", 0.4, -0.9),), duration=60.0) == ()
    assert flags_of(rows, parties=None, duration=60.0) == ()


def test_long_silence_flag_points_at_the_silence() -> None:
    rows = [("agent", 0.0, 3.0, "please hold"), ("agent", 40.0, 42.0, "thanks for waiting")]
    (flag,) = flags_of(rows, duration=43.0)
    assert flag.code == "long_silence" and flag.severity is Severity.LOW
    assert flag.reason == "Dead air longer than 20 s: longest silence 37 s is above 20 s"
    assert (flag.evidence[0].start, flag.evidence[0].end) == pytest.approx((3.0, 40.0))
    assert flags_of([("agent", 0.0, 3.0, "hi"), ("agent", 19.0, 22.0, "ok")]) == ()


def test_pii_spoken_by_the_agent_but_not_by_the_customer() -> None:
    said = "The card number is 4111 1111 1111 1111, correct?"
    (flag,) = flags_of([("agent", 0.0, 6.0, said)], pii=True)
    assert flag.code == "pii_spoken_by_agent" and flag.severity is Severity.HIGH
    assert flag.reason.endswith("Agent spoke a card number at 00:02.7")
    assert "4111" not in flag.evidence[0].quote and "[CARD]" in flag.evidence[0].quote
    assert flags_of([("customer", 0.0, 6.0, said)], pii=True) == ()
    # phone numbers are not in the default kinds
    assert flags_of([("agent", 0.0, 6.0, "Call us on 0532 123 45 67.")], pii=True) == ()


def test_score_below_threshold() -> None:
    rows = [("agent", 0.0, 1.0, "hi")]
    (flag,) = flags_of(rows, total=42.5)
    assert flag.code == "low_score" and flag.reason.endswith("total score 42.5 is below 60")
    assert flags_of(rows, total=60.0) == ()
    assert flags_of(rows, total=None) == ()  # nothing was scored


def test_turkish_complaint_is_one_review_item_with_every_reason_in_priority_order() -> None:
    rows = [
        ("agent", 0.5, 8.0, "Anadolu Telekom, ben Emre. Nasıl yardımcı olabilirim?"),
        ("customer", 8.7, 13.0, "Üçüncü kez arıyorum! İnternetim bir haftadır çalışmıyor."),
        ("agent", 13.1, 15.0, "Çok özür dilerim."),
        ("customer", 15.9, 24.0, "Hayır, yeter! Bugün çözülmezse iptal ediyorum, avukatıma "
                                 "danışacağım, tüketici hakem heyetine başvuracağım."),
        ("agent", 24.4, 26.0, "Lütfen hatta kalın."),
        ("agent", 60.0, 63.0, "Yarın teknisyen gelecek."),
        ("customer", 63.5, 66.0, "Rezalet, gelmezlerse iptal ediyorum."),
        ("agent", 66.5, 68.0, "Tekrar özür dilerim, iyi günler."),
    ]
    view = make_view(rows, language="tr", duration=69.0)
    card = score_call(view, parse_rubric(MINIMAL.format(lang="tr")), FakeProvider())
    assert card.auto_failed and card.total == 0.0
    # no low_score: the total is 0 because of the auto-fail item, which has its own flag
    assert codes(card.flags) == ["auto_fail", "legal_threat", "regulator", "cancellation",
                                 "repeat_contact", "negative_end", "sentiment_drop",
                                 "long_silence"]
    priorities = [f.priority for f in card.flags]
    assert priorities == sorted(priorities, reverse=True)
    assert card.priority == 95.0
    cancellation = next(f for f in card.flags if f.code == "cancellation")
    # both cancellation utterances are evidence, the reason quotes the first
    assert [e.utterance_indexes for e in cancellation.evidence] == [(3,), (6,)]
    legal = next(f for f in card.flags if f.code == "legal_threat")
    assert "'avukat'" in legal.reason and legal.severity is Severity.HIGH
    assert card.to_dict()["priority"] == 95.0 and len(card.to_dict()["flags"]) == 8


def test_a_clean_call_has_no_flags() -> None:
    rows = [("agent", 0.5, 4.0, "Thank you for calling, this call is recorded."),
            ("customer", 4.5, 7.0, "Thanks, great service."),
            ("agent", 7.5, 9.0, "Goodbye.")]
    card = score_call(make_view(rows), parse_rubric(MINIMAL.format(lang="en")),
                      FakeProvider())
    assert card.flags == () and card.priority == 0.0 and card.total == 100.0


def test_rubric_flag_rules_replace_defaults() -> None:
    text = MINIMAL.format(lang="en") + """\
flags:
  rules:
    - {code: legal_threat, type: phrases, phrases: [solicitor], severity: critical,
       priority: 99}
    - {code: long_silence, enabled: false}
    - {code: agent_sorry, type: phrases, party: agent, phrases: [sorry], severity: low,
       priority: 5}
"""
    rows = [("agent", 0.5, 4.0, "This call is recorded, sorry for the wait."),
            ("customer", 5.0, 8.0, "My solicitor will hear about this, and my lawyer too."),
            ("agent", 60.0, 62.0, "Goodbye.")]
    card = score_call(make_view(rows), parse_rubric(text), FakeProvider())
    flags = {f.code: f for f in card.flags}
    assert set(flags) == {"legal_threat", "agent_sorry"}
    assert flags["legal_threat"].priority == 99
    assert flags["legal_threat"].reason == "Customer said 'solicitor' at 00:05.3"
    assert flags["agent_sorry"].evidence[0].utterance_indexes == (0,)


def test_shipped_rubric_flags_on_the_english_complaint() -> None:
    rows = [
        ("agent", 0.5, 6.0, "Anadolu Telecom, this is Mark. This call is recorded for "
                            "quality purposes. How can I help?"),
        ("customer", 6.9, 11.0, "This is the third time I'm calling. My internet has been "
                                "down for a week!"),
        ("agent", 11.2, 14.9, "I'm very sorry about that."),
        ("customer", 15.0, 20.5, "Fix it today or I cancel my contract and call my lawyer."),
        ("agent", 20.7, 25.0, "I understand. Please hold while I check."),
        ("agent", 37.5, 43.0, "Thanks for waiting. An engineer will come tomorrow morning."),
        ("customer", 43.8, 46.5, "Fine. If nobody comes, I'm cancelling."),
        ("agent", 47.0, 49.0, "Sorry again for the trouble. Goodbye."),
    ]
    card = score_call(make_view(rows, duration=50.0), load_rubric("inbound_service_en"),
                      FakeProvider())
    assert {"legal_threat", "cancellation", "repeat_contact"} <= set(codes(card.flags))
    assert card.flags[0].code == "legal_threat"
