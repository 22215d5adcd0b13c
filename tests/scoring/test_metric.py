"""Metric criteria: a call metric against min/max, with the silence located as evidence."""

from __future__ import annotations

import pytest

from scoring.criteria import evaluate
from scoring.criteria.metric import format_metric, silence_gaps
from scoring.rubric_types import MetricCriterion
from scoring.types import Verdict
from tests.scoring.conftest import make_view


def metric(name: str, lo: float | None = None, hi: float | None = None) -> MetricCriterion:
    return MetricCriterion(id="m", title="t", type="metric", points=5, metric=name,
                           min=lo, max=hi)


HOLD_CALL = [
    ("agent", 0.5, 4.0, "Thank you for calling, how can I help?"),
    ("customer", 4.5, 8.0, "My internet is down."),
    ("agent", 8.5, 11.0, "Please hold while I check."),
    ("agent", 46.0, 50.0, "Thanks for waiting, it is fixed."),
    ("customer", 50.5, 52.0, "Great, thanks."),
]


def test_longest_silence_fails_above_max_and_points_at_the_silence() -> None:
    view = make_view(HOLD_CALL, duration=53.0)
    assert view.metrics.longest_silence == pytest.approx(35.0)
    r = evaluate(metric("longest_silence", hi=30), view)
    assert r.verdict is Verdict.FAIL and r.points == 0 and r.max_points == 5
    assert r.explanation == "Longest silence 35 s is above the maximum 30 s"
    (ev,) = r.evidence
    assert (ev.start, ev.end) == pytest.approx((11.0, 46.0))
    assert ev.note == "longest silence: 35.0 s from 00:11.0"
    ok = evaluate(metric("longest_silence", hi=60), view)
    assert ok.verdict is Verdict.PASS and ok.points == 5
    assert ok.explanation == "Longest silence 35 s (max 60 s)"
    assert ok.confidence is None


def test_min_and_max_bounds_are_inclusive() -> None:
    view = make_view(HOLD_CALL, duration=53.0)
    ratio = view.metrics.talk_ratio_agent
    assert evaluate(metric("talk_ratio_agent", lo=ratio, hi=ratio), view).verdict is Verdict.PASS
    r = evaluate(metric("talk_ratio_agent", lo=ratio + 0.01), view)
    assert r.verdict is Verdict.FAIL and "is below the minimum" in r.explanation
    assert r.evidence[0].note.startswith("Agent talk ratio:")


@pytest.mark.parametrize(
    ("name", "bound", "verdict"),
    [("duration", 60, Verdict.PASS), ("duration", 40, Verdict.FAIL),
     ("hold_gaps", 0, Verdict.FAIL), ("hold_gaps", 1, Verdict.PASS),
     ("interruptions_agent", 0, Verdict.PASS), ("silence_pct", 50, Verdict.FAIL),
     ("overtalk", 0, Verdict.PASS), ("wpm_agent", 10, Verdict.FAIL)],
)
def test_each_metric_is_read_from_the_call(name: str, bound: float, verdict: Verdict) -> None:
    view = make_view(HOLD_CALL, duration=53.0)
    assert evaluate(metric(name, hi=bound), view).verdict is verdict


def test_hold_gap_evidence_lists_each_gap() -> None:
    view = make_view(HOLD_CALL, duration=53.0)
    r = evaluate(metric("hold_gaps", hi=0), view)
    assert r.explanation == "Hold-like gaps 1 is above the maximum 0"
    assert [(e.start, e.end) for e in r.evidence] == [pytest.approx((11.0, 46.0))]


def test_interruptions_counted_by_the_pipeline() -> None:
    view = make_view([
        ("customer", 0.0, 6.0, "I have been waiting for a week and nobody fixed anything"),
        ("agent", 2.0, 5.0, "Sir let me stop you right there"),
    ], duration=8.0)
    assert view.metrics.interruptions_agent == 1
    r = evaluate(metric("interruptions_agent", hi=0), view)
    assert r.verdict is Verdict.FAIL
    assert r.explanation == "Interruptions by the agent 1 is above the maximum 0"


def test_silence_gaps_include_leading_and_trailing_silence() -> None:
    view = make_view([("agent", 2.0, 3.0, "hello")], duration=10.0)
    assert silence_gaps(view) == [(0.0, 2.0), (3.0, 10.0)]


def test_format_metric() -> None:
    assert format_metric("silence_pct", 12.5) == "12.5%"
    assert format_metric("longest_silence", 12.0) == "12 s"
    assert format_metric("wpm_agent", 151.256) == "151.26 wpm"
    assert format_metric("hold_gaps", 2) == "2"
