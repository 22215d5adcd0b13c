"""score_call: applicability, section points, weighted total, auto-fail, notes."""

from __future__ import annotations

import json

import pytest

from scoring import load_rubric, parse_rubric, score_call
from scoring.types import Verdict
from tests.scoring.conftest import FakeProvider, make_view

RUBRIC = """\
name: scorer_test
version: "3"
language: en
sections:
  - id: opening
    title: Opening
    weight: 3
    criteria:
      - {id: greeting, title: G, type: phrase, points: 10, phrases: [thank you for calling]}
      - {id: disclosure, title: D, type: phrase, points: 10, auto_fail: true,
         phrases: [this call is recorded]}
  - id: closing
    title: Closing
    weight: 1
    criteria:
      - {id: further_help, title: F, type: phrase, points: 5, phrases: [anything else]}
      - {id: goodbye, title: B, type: phrase, points: 15, phrases: [goodbye]}
  - id: outbound_only
    title: Outbound
    weight: 5
    criteria:
      - {id: consent, title: C, type: phrase, points: 10, phrases: [do you consent],
         when: {direction: outbound}}
flags: {defaults: false, rules: [{code: auto_fail, type: auto_fail, severity: critical,
                                  priority: 95}]}
"""

GOOD = [
    ("agent", 0.5, 4.0, "Thank you for calling, this call is recorded."),
    ("customer", 4.5, 6.0, "Hi."),
    ("agent", 40.0, 44.0, "Goodbye."),
]


def results(card):  # type: ignore[no-untyped-def]
    return {r.criterion_id: r for r in card.results}


def test_weighted_total_with_na_left_out_of_the_max() -> None:
    rubric = parse_rubric(RUBRIC, "scorer.yaml")
    card = score_call(make_view(GOOD), rubric)
    r = results(card)
    assert r["consent"].verdict is Verdict.NA
    assert r["consent"].explanation == ("not applicable: direction is inbound (criterion is "
                                        "for outbound)")
    assert [(s.section_id, s.points, s.max_points, s.percent) for s in card.sections] == [
        ("opening", 20.0, 20.0, 100.0), ("closing", 15.0, 20.0, 75.0),
        ("outbound_only", 0.0, 0.0, None)]
    # (3 * 100 + 1 * 75) / 4; the N/A-only section's weight does not count
    assert card.total == 93.8 and not card.auto_failed
    assert (card.rubric, card.rubric_version, card.rubric_hash) == ("scorer_test", "3",
                                                                   rubric.hash)
    assert r["goodbye"].section_id == "closing" and r["goodbye"].points == 15
    json.dumps(card.to_dict())  # serialisable as stored


def test_applicability_by_direction_includes_the_criterion() -> None:
    card = score_call(make_view(GOOD, direction="outbound"), parse_rubric(RUBRIC))
    r = results(card)
    assert r["consent"].verdict is Verdict.FAIL and r["consent"].max_points == 10
    # (3 * 100 + 1 * 75 + 5 * 0) / 9
    assert card.total == 41.7


def test_unknown_direction_makes_a_direction_bound_criterion_na() -> None:
    card = score_call(make_view(GOOD, direction=None), parse_rubric(RUBRIC))
    assert results(card)["consent"].explanation.startswith(
        "not applicable: the call's direction is unknown")


def test_failed_auto_fail_criterion_zeroes_the_total_and_flags_the_call() -> None:
    rows = [("agent", 0.5, 4.0, "Thank you for calling."), ("agent", 40.0, 44.0, "Goodbye.")]
    card = score_call(make_view(rows), parse_rubric(RUBRIC))
    assert card.auto_failed and card.total == 0.0
    assert card.sections[0].points == 10.0  # the sections still show what was earned
    (flag,) = card.flags
    assert flag.code == "auto_fail" and flag.priority == 95 and card.priority == 95
    assert "'D' failed" in flag.reason  # the failed criterion named by its title, not its id
    assert flag.evidence[0].note == "searched: agent, whole call"


def test_applicability_by_min_duration_queue_language_and_metric() -> None:
    text = """\
name: when
version: "1"
language: en
sections:
  - id: s
    title: S
    criteria:
      - {id: long_calls, title: L, type: phrase, points: 1, phrases: [goodbye],
         when: {min_duration: 60}}
      - {id: short_calls, title: S, type: phrase, points: 1, phrases: [goodbye],
         when: {max_duration: 60}}
      - {id: billing, title: B, type: phrase, points: 1, phrases: [goodbye],
         when: {queue: [billing, payments]}}
      - {id: turkish, title: T, type: phrase, points: 1, phrases: [goodbye],
         when: {language: tr}}
      - {id: hold, title: H, type: phrase, points: 1, phrases: [please hold],
         when: {metric_min: {longest_silence: 20}}}
"""
    rubric = parse_rubric(text)
    brisk = [("customer" if k % 2 else "agent", 4.0 * k + 1, 4.0 * k + 4.5, "yes indeed")
             for k in range(12)]
    brisk.append(("agent", 49.0, 50.0, "Goodbye."))
    card = score_call(make_view(brisk, queue="sales", duration=50.0), rubric)
    r = results(card)
    assert r["long_calls"].explanation == ("not applicable: the call is 50 s, shorter "
                                           "than 60 s")
    assert r["short_calls"].verdict is Verdict.PASS
    assert r["billing"].explanation == ("not applicable: queue is sales (criterion is for "
                                        "billing or payments)")
    assert r["turkish"].explanation == "not applicable: language is en (criterion is for tr)"
    assert r["hold"].explanation == "not applicable: longest_silence is 1 s, below 20 s"
    card = score_call(make_view(GOOD, queue="billing", duration=90.0), rubric)
    r = results(card)
    assert r["long_calls"].verdict is Verdict.PASS and r["billing"].verdict is Verdict.PASS
    assert r["short_calls"].verdict is Verdict.NA
    assert r["hold"].verdict is Verdict.FAIL  # 34 s of silence and no hold announced


def test_do_not_call_request_makes_the_acknowledgement_applicable() -> None:
    rubric = load_rubric("outbound_sales_en")
    base = [
        ("agent", 0.5, 5.0, "Good morning, this is Daniel from Anadolu Telecom."),
        ("agent", 5.5, 9.0, "This call is recorded for quality purposes."),
    ]
    quiet = score_call(make_view(base, direction="outbound"), rubric)
    assert results(quiet)["do_not_call_respected"].verdict is Verdict.NA
    ignored = [*base, ("customer", 10.0, 13.0, "Please remove me from your list."),
               ("agent", 13.5, 17.0, "But this offer is really good.")]
    card = score_call(make_view(ignored, direction="outbound"), rubric)
    r = results(card)["do_not_call_respected"]
    assert r.verdict is Verdict.FAIL and r.max_points == 10
    assert card.flags[0].code == "do_not_call_ignored" and card.flags[0].priority == 92
    respected = [*base, ("customer", 10.0, 13.0, "Please don't call me again."),
                 ("agent", 13.5, 17.0, "Of course, I'll remove you from our list.")]
    card = score_call(make_view(respected, direction="outbound"), rubric)
    assert results(card)["do_not_call_respected"].verdict is Verdict.PASS
    assert "do_not_call_ignored" not in [f.code for f in card.flags]


def test_nothing_applicable_gives_zero_and_a_note() -> None:
    only = """\
name: only_outbound
version: "1"
language: en
sections:
  - id: s
    title: S
    criteria:
      - {id: c, title: C, type: phrase, points: 1, phrases: [x], when: {direction: outbound}}
flags: {defaults: false}
"""
    card = score_call(make_view(GOOD), parse_rubric(only))
    assert card.total == 0.0 and not card.auto_failed and card.flags == ()
    assert card.notes == ("no criterion of the rubric applies to this call: the total is 0",)


def test_default_flags_without_sentiment_model_note_what_was_skipped() -> None:
    rubric = parse_rubric(RUBRIC.split("flags:")[0])  # default flag rules
    card = score_call(make_view(GOOD), rubric, None)
    assert card.notes == ("flag rules negative_end, sentiment_drop not evaluated: no "
                          "sentiment model configured",)
    card = score_call(make_view(GOOD), rubric, FakeProvider())
    assert card.notes == () and len(card.sentiment) == 2


@pytest.mark.parametrize("name", ["inbound_service_en", "outbound_sales_en",
                                  "inbound_service_tr", "outbound_sales_tr"])
def test_shipped_rubrics_score_an_empty_ish_call_without_crashing(name: str) -> None:
    view = make_view([("agent", 0.5, 2.0, "Hello.")], direction=None,
                     language=name.rsplit("_", 1)[1])
    card = score_call(view, load_rubric(name), FakeProvider())
    assert 0.0 <= card.total <= 100.0
    assert all(r.verdict in Verdict for r in card.results)
    assert all(r.explanation for r in card.results)


def test_shipped_english_rubric_on_a_good_call() -> None:
    rows = [
        ("agent", 0.5, 7.7, "Thank you for calling and I'll tell you to come. My name is "
                            "Sarah. How can I help you today? This call is recorded for "
                            "quality purposes."),
        ("customer", 8.4, 11.6, "Hi, I was charged twice for my internet this month."),
        ("agent", 12.0, 17.4, "Sorry about that. First I need to verify your identity. What "
                              "is the email address on the account?"),
        ("customer", 18.0, 20.8, "Sure, it's john at gmail dot com."),
        ("agent", 21.2, 27.6, "Thank you, you're verified. I refunded the double payment."),
        ("customer", 28.0, 29.2, "Great, thank you."),
        ("agent", 29.6, 31.7, "Is there anything else I can help you win?"),
        ("customer", 32.1, 33.3, "No, that's all."),
        ("agent", 33.7, 37.7, "And you for calling. Have a great day. Goodbye!"),
    ]
    card = score_call(make_view(rows, queue="billing", duration=38.3),
                      load_rubric("inbound_service_en"), FakeProvider())
    r = results(card)
    for cid in ("greeting", "recording_disclosure", "identity_verification",
                "no_prohibited_language", "hold_length", "further_help", "closing"):
        assert r[cid].verdict is Verdict.PASS, (cid, r[cid].explanation)
    assert r["hold_announced"].verdict is Verdict.NA
    assert not card.auto_failed and card.total > 70
