"""Metric criteria: one call metric (:class:`pipeline.types.CallMetrics`) against min/max.

Silence metrics point at the silences themselves: the evidence of ``longest_silence`` is
the longest stretch where nobody spoke, that of ``hold_gaps`` every hold-like gap.
"""

from __future__ import annotations

from pipeline.metrics import MetricsOptions
from scoring.criteria.common import Outcome, fmt_time, tokens
from scoring.rubric_types import MetricCriterion
from scoring.types import CallView, Evidence, Verdict

__all__ = ["METRIC_LABELS", "evaluate_metric", "format_metric", "metric_evidence",
           "silence_gaps"]

# name -> (what a person calls it, unit)
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "duration": ("Call duration", "s"),
    "talk_agent": ("Agent talk time", "s"),
    "talk_customer": ("Customer talk time", "s"),
    "talk_ratio_agent": ("Agent talk ratio", ""),
    "silence": ("Total silence", "s"),
    "silence_pct": ("Silence", "%"),
    "longest_silence": ("Longest silence", "s"),
    "overtalk": ("Overtalk", "s"),
    "interruptions_agent": ("Interruptions by the agent", ""),
    "interruptions_customer": ("Interruptions by the customer", ""),
    "wpm_agent": ("Agent speaking rate", "wpm"),
    "wpm_customer": ("Customer speaking rate", "wpm"),
    "hold_gaps": ("Hold-like gaps", ""),
    "utterances": ("Utterances", ""),
}


def format_metric(metric: str, value: float) -> str:
    unit = METRIC_LABELS.get(metric, (metric, ""))[1]
    number = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{number} {unit}".strip() if unit != "%" else f"{number}%"


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


def metric_evidence(view: CallView, metric: str, value: float) -> tuple[Evidence, ...]:
    if metric == "longest_silence":
        gaps = silence_gaps(view)
        if gaps:
            a, b = max(gaps, key=lambda g: g[1] - g[0])
            return (Evidence(a, b, note=f"longest silence: {b - a:.1f} s from {fmt_time(a)}"),)
    if metric == "hold_gaps":
        hold = MetricsOptions().hold_gap
        gaps = [g for g in silence_gaps(view) if g[1] - g[0] >= hold]
        if gaps:
            return tuple(Evidence(a, b, note=f"hold-like gap of {b - a:.1f} s") for a, b in gaps)
    label = METRIC_LABELS.get(metric, (metric, ""))[0]
    return (Evidence(0.0, view.duration, note=f"{label}: {format_metric(metric, value)}"),)


def evaluate_metric(c: MetricCriterion, view: CallView) -> Outcome:
    value = getattr(view.metrics, c.metric)
    label = METRIC_LABELS.get(c.metric, (c.metric, ""))[0]
    shown = format_metric(c.metric, value)
    evidence = metric_evidence(view, c.metric, value)
    if c.max is not None and value > c.max:
        return Outcome(Verdict.FAIL, f"{label} {shown} is above the maximum "
                       f"{format_metric(c.metric, c.max)}", evidence)
    if c.min is not None and value < c.min:
        return Outcome(Verdict.FAIL, f"{label} {shown} is below the minimum "
                       f"{format_metric(c.metric, c.min)}", evidence)
    bounds = [f"min {format_metric(c.metric, c.min)}" if c.min is not None else "",
              f"max {format_metric(c.metric, c.max)}" if c.max is not None else ""]
    return Outcome(Verdict.PASS, f"{label} {shown} ({', '.join(b for b in bounds if b)})",
                   evidence)
