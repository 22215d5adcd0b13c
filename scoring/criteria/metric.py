"""Metric criteria: one call metric (:class:`pipeline.types.CallMetrics`) against min/max.

Silence metrics point at the silences themselves: the evidence of ``longest_silence`` is
the longest stretch where nobody spoke, that of ``hold_gaps`` every hold-like gap.
"""

from __future__ import annotations

from pipeline.metrics import MetricsOptions
from scoring.criteria.common import Outcome, tokens
from scoring.messages import METRIC_NAMES, METRIC_UNITS, Message, format_metric, message, render
from scoring.rubric_types import MetricCriterion
from scoring.types import CallView, Evidence, Verdict

__all__ = ["METRIC_LABELS", "evaluate_metric", "format_metric", "metric_evidence",
           "silence_gaps"]

# name -> (what a person calls it in English, unit); the Turkish names are in scoring.messages
METRIC_LABELS: dict[str, tuple[str, str]] = {
    name: (label, METRIC_UNITS.get(name, "")) for name, label in METRIC_NAMES["en"].items()
}


def silence_gaps(view: CallView) -> list[tuple[float, float]]:
    """Stretches of ``[0, duration]`` where nobody speaks, from the words' times."""
    spans = sorted((t.start, t.end) for u in view.utterances for t in tokens(u))
    gaps, cursor = [], 0.0
    for start, end in spans:
        if start > cursor:
            gaps.append((cursor, min(start, view.duration)))
        cursor = max(cursor, end)
    if view.duration > cursor:
        gaps.append((cursor, view.duration))
    return [(a, b) for a, b in gaps if b > a]


def _noted(start: float, end: float, note: Message) -> Evidence:
    return Evidence(start, end, note=render(note, "en"), note_message=note)


def metric_evidence(view: CallView, metric: str, value: float) -> tuple[Evidence, ...]:
    if metric == "longest_silence":
        gaps = silence_gaps(view)
        if gaps:
            a, b = max(gaps, key=lambda g: g[1] - g[0])
            return (_noted(a, b, message("ev.longest_silence", length=b - a, at=a)),)
    if metric == "hold_gaps":
        hold = MetricsOptions().hold_gap
        gaps = [g for g in silence_gaps(view) if g[1] - g[0] >= hold]
        if gaps:
            return tuple(_noted(a, b, message("ev.hold_gap", length=b - a)) for a, b in gaps)
    return (_noted(0.0, view.duration, message("ev.metric", metric=metric, value=value)),)


def evaluate_metric(c: MetricCriterion, view: CallView) -> Outcome:
    value = getattr(view.metrics, c.metric)
    evidence = metric_evidence(view, c.metric, value)
    if c.max is not None and value > c.max:
        return Outcome(Verdict.FAIL, message("metric.above_max", metric=c.metric, value=value,
                                             bound=c.max), evidence)
    if c.min is not None and value < c.min:
        return Outcome(Verdict.FAIL, message("metric.below_min", metric=c.metric, value=value,
                                             bound=c.min), evidence)
    return Outcome(Verdict.PASS, message("metric.within", metric=c.metric, value=value,
                                         bounds={"min": c.min, "max": c.max}), evidence)
