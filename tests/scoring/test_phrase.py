"""Phrase criteria: folding, fuzzy ASR errors, windows, order, all/none, before/after."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.criteria import evaluate
from scoring.criteria.common import fmt_time
from scoring.rubric_types import PhraseCriterion, PhraseRef, Window
from scoring.types import Verdict
from tests.scoring.conftest import make_view


def phrase(*phrases: str | tuple[str, ...], **kw: Any) -> PhraseCriterion:
    items = tuple((p,) if isinstance(p, str) else p for p in phrases)
    return PhraseCriterion(id="c1", title="t", type="phrase", points=10,
                           phrases=items, **kw)


BILLING = [
    ("agent", 0.5, 4.0, "Thank you for calling Anadolu Telecom, my name is Sarah."),
    ("agent", 4.2, 7.7, "This call is recorded for quality purposes."),
    ("customer", 8.4, 11.6, "Hi, I was charged twice for my internet this month."),
    ("agent", 12.0, 17.4, "Sorry about that. First I need to verify your identity."),
    ("customer", 18.0, 20.8, "Sure, my date of birth is the fifth of May."),
    ("agent", 32.3, 38.6, "Thank you. I can see on your account the double payment."),
    ("agent", 40.6, 42.7, "Is there anything else I can help you with?"),
    ("customer", 43.1, 44.3, "No, that's all."),
    ("agent", 44.7, 48.7, "Have a great day, goodbye."),
]


def test_pass_says_who_what_when_with_the_redacted_quote() -> None:
    view = make_view(BILLING)
    r = evaluate(phrase("this call is recorded"), view)
    assert r.verdict is Verdict.PASS and r.points == 10 and r.max_points == 10
    assert r.confidence == 1.0
    assert r.explanation == "Agent said 'this call is recorded' at 00:04.2"
    (ev,) = r.evidence
    assert ev.utterance_indexes == (1,) and ev.role == "agent"
    assert ev.quote == "This call is recorded for quality purposes."
    assert ev.start == pytest.approx(4.2) and 4.2 < ev.end < 7.7


def test_party_is_respected() -> None:
    view = make_view(BILLING)
    assert evaluate(phrase("date of birth"), view).verdict is Verdict.FAIL  # customer said it
    r = evaluate(phrase("date of birth", party="customer"), view)
    assert r.verdict is Verdict.PASS and r.evidence[0].utterance_indexes == (4,)
    assert evaluate(phrase("date of birth", party="any"), view).verdict is Verdict.PASS


def test_turkish_folding_dotted_and_dotless_i_and_suffixes() -> None:
    view = make_view([
        ("agent", 0.5, 5.0, "ANADOLU TELEKOM'A HOŞ GELDİNİZ, BEN AYŞE."),
        ("agent", 5.5, 9.0, "KIMLIK NUMARANIZI alabilir miyim?"),
        ("agent", 40.0, 44.0, "İyi günler dileriz."),
    ], language="tr")
    assert evaluate(phrase("anadolu telekom"), view).verdict is Verdict.PASS  # + 'a suffix
    assert evaluate(phrase("hoş geldiniz"), view).verdict is Verdict.PASS
    assert evaluate(phrase("kimlik numaranızı"), view).verdict is Verdict.PASS  # I -> ı
    assert evaluate(phrase("IYI GÜNLER DILERIZ"), view).verdict is Verdict.PASS  # İ -> i
    # a phrase must start at a word boundary: "lekom" is inside "telekom"
    assert evaluate(phrase("lekom"), view).verdict is Verdict.FAIL


@pytest.mark.parametrize(
    ("said", "wanted"),
    [
        ("Thank you for calling Anadolu Telekom", "anadolu telecom"),
        ("this call is recorded for quality purpose",
         "this call is recorded for quality purposes"),
        ("this call is being recorded for quality purposes", "this call is recorded for quality"),
        ("is there anything else i can help you win", "is there anything else i can help you with"),
        ("başka yardımcı olabileceğim bir konu varmı",
         "başka yardımcı olabileceğim bir konu var mı"),
    ],
)
def test_fuzzy_matching_tolerates_asr_errors(said: str, wanted: str) -> None:
    view = make_view([("agent", 1.0, 6.0, f"Okay. {said}. Right.")])
    assert evaluate(phrase(wanted), view).verdict is Verdict.FAIL  # exact by default
    r = evaluate(phrase(wanted, fuzzy=85), view)
    assert r.verdict is Verdict.PASS, r.explanation
    assert 0.85 <= r.confidence < 1.0  # type: ignore[operator]
    assert "fuzzy" in r.explanation


def test_fuzzy_is_not_fooled_by_short_phrases_inside_words_or_unrelated_text() -> None:
    view = make_view([("customer", 1.0, 6.0, "I have an issue with my bill, it is pursued.")])
    assert evaluate(phrase("sue", fuzzy=85, party="customer"), view).verdict is Verdict.FAIL
    view = make_view([("agent", 1.0, 6.0, "Thank you for calling, how can I help?")])
    r = evaluate(phrase("this call is recorded for quality purposes", fuzzy=85), view)
    assert r.verdict is Verdict.FAIL


def test_fuzzy_match_never_spans_two_utterances() -> None:
    view = make_view([("agent", 1.0, 2.0, "this call"), ("agent", 2.5, 4.0, "is recorded")])
    assert evaluate(phrase("this call is recorded", fuzzy=85), view).verdict is Verdict.FAIL
    assert evaluate(phrase("this call is recorded"), view).verdict is Verdict.FAIL


def test_first_window_and_searched_window_on_failure() -> None:
    view = make_view([
        ("agent", 0.5, 3.0, "Hello, how can I help?"),
        ("agent", 40.0, 44.0, "This call is recorded for quality purposes."),
    ], duration=120.0)
    c = phrase("this call is recorded", window=Window(first=30))
    r = evaluate(c, view)
    assert r.verdict is Verdict.FAIL and r.points == 0 and r.max_points == 10
    assert r.explanation == ("No agent utterance in the first 30 s matched any of: "
                             "'this call is recorded'")
    (ev,) = r.evidence
    assert (ev.start, ev.end) == (0.0, 30.0)
    assert ev.note == "searched: agent, first 30 s" and ev.utterance_indexes == ()
    assert evaluate(phrase("this call is recorded", window=Window(first=45)),
                    view).verdict is Verdict.PASS


def test_last_window_uses_the_call_duration() -> None:
    rows = [("agent", 2.0, 5.0, "Have a great day."), ("agent", 100.0, 104.0, "Okay, goodbye.")]
    view = make_view(rows, duration=110.0)
    assert evaluate(phrase("have a great day", window=Window(last=30)),
                    view).verdict is Verdict.FAIL
    r = evaluate(phrase("have a great day", "goodbye", window=Window(last=30)), view)
    assert r.verdict is Verdict.PASS and "'goodbye' at 01:4" in r.explanation
    failed = evaluate(phrase("thank you", window=Window(last=30)), view)
    assert (failed.evidence[0].start, failed.evidence[0].end) == (80.0, 110.0)
    assert failed.evidence[0].note == "searched: agent, last 30 s"


def test_window_cuts_inside_a_long_utterance_by_word_times() -> None:
    # one undivided 60 s utterance: "goodbye" is said at its very end
    words = " ".join(["blah"] * 59 + ["goodbye"])
    view = make_view([("agent", 0.0, 60.0, words)], duration=60.0)
    assert evaluate(phrase("goodbye", window=Window(first=30)), view).verdict is Verdict.FAIL
    r = evaluate(phrase("goodbye", window=Window(last=5)), view)
    assert r.verdict is Verdict.PASS and r.evidence[0].start == pytest.approx(59.0)


def test_any_picks_the_earliest_match() -> None:
    view = make_view(BILLING)
    r = evaluate(phrase("goodbye", "my name is"), view)
    assert r.verdict is Verdict.PASS and "'my name is'" in r.explanation


def test_all_needs_every_item_and_names_the_missing_ones() -> None:
    view = make_view(BILLING)
    both = phrase(("anadolu telekom", "anadolu telecom"), ("my name is", "this is"),
                  match="all")
    r = evaluate(both, view)
    assert r.verdict is Verdict.PASS
    assert "'anadolu telecom' at 00:0" in r.explanation and "'my name is'" in r.explanation
    assert len(r.evidence) == 2
    missing = phrase("my name is", "welcome to", "how can i help", match="all")
    r = evaluate(missing, view)
    assert r.verdict is Verdict.FAIL
    assert r.explanation == ("Agent did not say 'welcome to', 'how can i help' in the "
                             "whole call")
    assert r.evidence[0].utterance_indexes == (0,)  # what was found
    assert r.evidence[-1].note == "searched: agent, whole call"


def test_in_order() -> None:
    view = make_view(BILLING)
    ordered = phrase("verify your identity", "i can see on your account", match="all",
                     in_order=True)
    assert evaluate(ordered, view).verdict is Verdict.PASS
    reversed_ = phrase("i can see on your account", "verify your identity", match="all",
                       in_order=True)
    r = evaluate(reversed_, view)
    assert r.verdict is Verdict.FAIL
    assert r.explanation.startswith("Agent did not say 'verify your identity' after "
                                    "'i can see on your account' at 00:3")
    unordered = phrase("i can see on your account", "verify your identity", match="all")
    assert evaluate(unordered, view).verdict is Verdict.PASS


def test_in_order_inside_one_utterance() -> None:
    view = make_view([("agent", 0.0, 5.0, "my name is Sarah from Anadolu Telecom")])
    assert evaluate(phrase("my name is", "anadolu telecom", match="all", in_order=True),
                    view).verdict is Verdict.PASS
    assert evaluate(phrase("anadolu telecom", "my name is", match="all", in_order=True),
                    view).verdict is Verdict.FAIL


def test_none_fails_with_every_offending_utterance() -> None:
    view = make_view([
        ("agent", 1.0, 3.0, "Don't be STUPID."),
        ("agent", 5.0, 8.0, "Fine."),
        ("agent", 70.0, 72.0, "Shut up and listen."),
    ])
    c = phrase("stupid", "idiot", "shut up", match="none")
    r = evaluate(c, view)
    assert r.verdict is Verdict.FAIL and r.points == 0
    # words are spread evenly: "STUPID." is the third of three words in 1.0-3.0 s
    assert r.explanation == "Agent said 'stupid' at 00:02.3, 'shut up' at 01:10.0"
    assert [e.utterance_indexes for e in r.evidence] == [(0,), (2,)]
    clean = make_view([("agent", 1.0, 3.0, "How can I help?")])
    r = evaluate(c, clean)
    assert r.verdict is Verdict.PASS and r.points == 10
    assert r.explanation.startswith("No agent utterance in the whole call matched any of:")


def test_before_identity_verification_must_precede_account_details() -> None:
    account = PhraseRef(party="agent", phrases=("i can see on your account", "your balance"))
    c = phrase("verify your identity", "date of birth", before=account)
    assert evaluate(c, make_view(BILLING)).verdict is Verdict.PASS
    late = make_view([
        ("agent", 1.0, 5.0, "Your balance is forty pounds."),
        ("agent", 6.0, 9.0, "Oh, I should verify your identity first."),
    ])
    r = evaluate(c, late)
    assert r.verdict is Verdict.FAIL
    assert r.explanation == ("Agent said 'verify your identity' at 00:07.3, but only after "
                             "'your balance' at 00:01.0")
    assert [e.utterance_indexes for e in r.evidence] == [(1,), (0,)]
    # account details never given: verification alone passes
    only = make_view([("agent", 6.0, 9.0, "I need to verify your identity.")])
    assert evaluate(c, only).verdict is Verdict.PASS


def test_after_searches_only_after_the_reference() -> None:
    request = PhraseRef(party="customer", phrases=("don't call me",))
    c = phrase("i'll remove you", party="agent", after=request)
    good = make_view([("customer", 1.0, 3.0, "Please don't call me again."),
                      ("agent", 4.0, 6.0, "Of course, I'll remove you from our list.")])
    assert evaluate(c, good).verdict is Verdict.PASS
    early = make_view([("agent", 0.5, 2.0, "I'll remove you from the queue."),
                       ("customer", 3.0, 5.0, "Please don't call me again."),
                       ("agent", 6.0, 8.0, "But this offer is great.")])
    r = evaluate(c, early)
    assert r.verdict is Verdict.FAIL
    assert r.explanation == ("No agent utterance in the whole call after 'don't call me' at "
                             "00:03.4 matched any of: 'i'll remove you'")
    assert r.evidence[0].start >= 3.4


def test_patterns_run_on_folded_text() -> None:
    view = make_view([("agent", 1.0, 4.0, "Your reference is AB-1234, okay?")])
    c = PhraseCriterion(id="ref", title="t", type="phrase", points=5,
                        patterns=(r"\bab \d{4}\b",))
    r = evaluate(c, view)
    assert r.verdict is Verdict.PASS and r.evidence[0].utterance_indexes == (0,)
    c2 = PhraseCriterion(id="ref", title="t", type="phrase", points=5,
                         patterns=(r"\bzz \d{4}\b",))
    assert evaluate(c2, view).verdict is Verdict.FAIL


def test_evidence_quotes_the_redacted_text() -> None:
    view = make_view([("agent", 1.0, 9.0,
                       "Thank you, your card 4111 1111 1111 1111 is verified.")], pii=True)
    r = evaluate(phrase("is verified"), view)
    assert r.verdict is Verdict.PASS
    assert "4111" not in r.evidence[0].quote and "[CARD]" in r.evidence[0].quote


def test_undiarised_call_searches_unknown_speakers_and_says_so() -> None:
    view = make_view([("unknown", 1.0, 4.0, "This call is recorded for quality purposes.")])
    r = evaluate(phrase("this call is recorded"), view)
    assert r.verdict is Verdict.PASS
    assert r.explanation.startswith("Agent (speaker roles unknown) said")


def test_utterances_without_word_times_are_spread_evenly() -> None:
    view = make_view([("agent", 0.0, 100.0, "a " * 49 + "goodbye " + "b " * 50)],
                     words=False, duration=100.0)
    r = evaluate(phrase("goodbye", window=Window(first=60)), view)
    assert r.verdict is Verdict.PASS and 45 < r.evidence[0].start < 55


def test_fmt_time() -> None:
    assert fmt_time(4.21) == "00:04.2"
    assert fmt_time(59.96) == "01:00.0"
    assert fmt_time(3725.0) == "1:02:05.0"
