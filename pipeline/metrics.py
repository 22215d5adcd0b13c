"""Call metrics from a role-labelled transcript: talk time, silence, overtalk, interruptions.

Everything is computed from word timestamps. Each party's speech is the set of its word
intervals (an utterance without words counts with its own start/end), merged where the
gap between two words is shorter than ``MetricsOptions.word_gap_merge``. Speech is clipped
to ``[0, duration]``.

- talk time of a party: length of the union of its speech intervals;
- silence: the parts of ``[0, duration]`` where nobody (agent, customer or an unknown
  speaker) speaks, leading and trailing silence included;
- overtalk: length of the intersection of agent and customer speech;
- interruption by X: X begins a new stretch of speech (an utterance whose onset is not the
  continuation of X's own speech) strictly inside the other party's speech, and X's
  utterance then overlaps that stretch of the other party's speech for at least
  ``interruption_min_overlap`` seconds. A short backchannel ("mhm") and starting right
  after the other party stops do not count.

Speech of ``Role.UNKNOWN`` counts as speech for silence, but for neither party.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.types import CallMetrics, Role, Utterance

Interval = tuple[float, float]

__all__ = ["MetricsOptions", "compute_metrics"]


@dataclass(frozen=True)
class MetricsOptions:
    """Thresholds of :func:`compute_metrics`, in seconds."""

    word_gap_merge: float = 0.3  # gaps between one party's words shorter than this count as speech
    hold_gap: float = 20.0  # a silence at least this long counts as a hold-like gap
    interruption_min_overlap: float = 0.5  # overlap at the onset needed to count an interruption


def compute_metrics(
    utterances: Sequence[Utterance],
    duration: float,
    options: MetricsOptions | None = None,
) -> CallMetrics:
    """Compute :class:`CallMetrics` for one call.

    ``duration`` is the length of the recording in seconds; speech outside ``[0, duration]``
    is ignored. A duration of 0 or an empty transcript gives zero metrics (silence is then
    the whole duration). Seconds are rounded to 2 decimals, the talk ratio to 3.

    >>> compute_metrics([], 10.0).silence
    10.0
    """
    opts = options or MetricsOptions()
    if not math.isfinite(duration) or duration < 0:
        raise ValueError(f"call duration must be a finite number >= 0, got {duration!r}")

    spans = [_clip(_utterance_intervals(u), duration) for u in utterances]
    by_role: dict[Role, list[Interval]] = {role: [] for role in Role}
    for utt, utt_spans in zip(utterances, spans, strict=True):
        by_role[utt.role].extend(utt_spans)
    speech = {role: _merge(ivs, opts.word_gap_merge) for role, ivs in by_role.items()}

    agent, customer = speech[Role.AGENT], speech[Role.CUSTOMER]
    talk_agent, talk_customer = _length(agent), _length(customer)
    everyone = _merge([iv for ivs in speech.values() for iv in ivs], 0.0)
    gaps = _gaps(everyone, duration)
    silence = sum(gaps)

    interruptions = {Role.AGENT: 0, Role.CUSTOMER: 0}
    for utt, utt_spans in zip(utterances, spans, strict=True):
        if utt.role in interruptions and _interrupts(
            utt_spans, speech[utt.role], speech[_other(utt.role)], opts
        ):
            interruptions[utt.role] += 1

    words_agent = sum(_word_count(u) for u in utterances if u.role is Role.AGENT)
    words_customer = sum(_word_count(u) for u in utterances if u.role is Role.CUSTOMER)
    both = talk_agent + talk_customer
    return CallMetrics(
        duration=round(duration, 2),
        talk_agent=round(talk_agent, 2),
        talk_customer=round(talk_customer, 2),
        talk_ratio_agent=round(talk_agent / both, 3) if both > 0 else 0.0,
        silence=round(silence, 2),
        silence_pct=round(100.0 * silence / duration, 2) if duration > 0 else 0.0,
        longest_silence=round(max(gaps, default=0.0), 2),
        overtalk=round(_length(_intersect(agent, customer)), 2),
        interruptions_agent=interruptions[Role.AGENT],
        interruptions_customer=interruptions[Role.CUSTOMER],
        wpm_agent=_wpm(words_agent, talk_agent),
        wpm_customer=_wpm(words_customer, talk_customer),
        hold_gaps=sum(1 for gap in gaps if gap >= opts.hold_gap),
        utterances=len(utterances),
    )


def _utterance_intervals(utt: Utterance) -> list[Interval]:
    """Word intervals of an utterance, or its own span when it has no words."""
    if utt.words:
        return [(w.start, w.end) for w in utt.words if w.end >= w.start]
    return [(utt.start, utt.end)] if utt.end >= utt.start else []


def _clip(intervals: Iterable[Interval], duration: float) -> list[Interval]:
    """Intervals cut to ``[0, duration]``; those wholly outside are dropped."""
    out = []
    for start, end in intervals:
        start, end = max(start, 0.0), min(end, duration)
        if end >= start:
            out.append((start, end))
    return out


def _merge(intervals: Iterable[Interval], max_gap: float) -> list[Interval]:
    """Sorted union of intervals, joining neighbours separated by less than ``max_gap``."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and (start - merged[-1][1] < max_gap or start <= merged[-1][1]):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _length(intervals: Iterable[Interval]) -> float:
    return sum(end - start for start, end in intervals)


def _intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Intersection of two sorted, disjoint interval lists."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _gaps(speech: Sequence[Interval], duration: float) -> list[float]:
    """Lengths of the silences in ``[0, duration]`` around sorted, disjoint speech."""
    gaps, cursor = [], 0.0
    for start, end in speech:
        if start > cursor:
            gaps.append(start - cursor)
        cursor = max(cursor, end)
    if duration > cursor:
        gaps.append(duration - cursor)
    return gaps


def _other(role: Role) -> Role:
    return Role.CUSTOMER if role is Role.AGENT else Role.AGENT


def _interrupts(
    utt_spans: Sequence[Interval],
    own_speech: Sequence[Interval],
    other_speech: Sequence[Interval],
    opts: MetricsOptions,
) -> bool:
    """Whether an utterance cuts in on the other party (see the module docstring)."""
    if not utt_spans:
        return False
    onset = min(start for start, _ in utt_spans)
    # A continuation of one's own speech (e.g. a turn the diariser split in two) is no new start.
    if any(start < onset <= end for start, end in own_speech):
        return False
    for start, end in other_speech:
        if start < onset < end:
            mine = _merge(utt_spans, opts.word_gap_merge)
            overlap = _length(_intersect(mine, [(onset, end)]))
            return overlap >= opts.interruption_min_overlap
    return False


def _word_count(utt: Utterance) -> int:
    return len(utt.words) if utt.words else len(utt.text.split())


def _wpm(words: int, talk_seconds: float) -> float:
    return round(words * 60.0 / talk_seconds, 2) if talk_seconds > 0 else 0.0
