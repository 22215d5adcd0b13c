"""Sentiment criteria: a party's sentiment at the start, the end, over the whole call, or its
change from start to end, against a minimum / maximum (scores are -1..1).

The per-party figures are :class:`~scoring.types.PartySentiment` records that the scorer
computes once per call (:func:`scoring.sentiment.call_sentiment`); the evidence is the
party's utterances in the part of the call the figure covers (its thirds), the most
telling one quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.types import Role
from scoring.criteria.common import Outcome, na, party_indexes, shorten
from scoring.messages import Message, message, render
from scoring.rubric_types import SentimentCriterion
from scoring.types import CallView, Evidence, PartySentiment, Verdict

__all__ = ["evaluate_sentiment", "part_evidence"]

def part_evidence(view: CallView, party: str, part: str, value: float | None,
                  worst_first: bool = True) -> Evidence:
    """The party's scored utterances in one third of the call (or all of it), one quoted."""
    d = view.duration
    lo, hi = {"start": (0.0, d / 3), "end": (2 * d / 3, d)}.get(part, (0.0, d))
    indexes, _ = party_indexes(view, party)
    inside = [i for i in indexes
              if lo <= (view.utterances[i].start + view.utterances[i].end) / 2 <= hi]
    scored = [i for i in inside
              if i < len(view.sentiment) and view.sentiment[i] is not None]
    quote, role = "", None
    if scored:
        def score(i: int) -> float:
            s = view.sentiment[i]
            return s.score if s is not None else 0.0
        pick = min(scored, key=score) if worst_first else max(scored, key=score)
        quote, role = shorten(view.display_text(pick)), view.utterances[pick].role.value
    note = message("ev.sentiment", party=party, value=value, part=part)
    return Evidence(lo, hi, tuple(inside), quote, role, note=render(note, "en"),
                    note_message=note)


def _confidence(view: CallView, evidence: Sequence[Evidence]) -> float | None:
    values = [s.confidence for e in evidence for i in e.utterance_indexes
              if i < len(view.sentiment) and (s := view.sentiment[i]) is not None]
    return round(sum(values) / len(values), 3) if values else None


def evaluate_sentiment(c: SentimentCriterion, view: CallView,
                       parties: Sequence[PartySentiment] | None,
                       error: Message | str | None = None) -> Outcome:
    if not parties:
        return na(error or message("reason.no_sentiment_scores"), error=True)
    role = Role(c.party)
    ps = next((p for p in parties if p.role is role), None)
    who = c.party
    if c.window == "change":
        change = None if ps is None else ps.change
        if ps is None or change is None:
            return na(message("reason.not_both_ends", party=c.party))
        assert c.min_change is not None
        evidence: tuple[Evidence, ...] = (
            part_evidence(view, c.party, "start", ps.start, worst_first=False),
            part_evidence(view, c.party, "end", ps.end))
        verdict = Verdict.PASS if change >= c.min_change else Verdict.FAIL
        key = "sentiment.change_ok" if verdict is Verdict.PASS else "sentiment.change_low"
        return Outcome(verdict, message(key, who=who, start=ps.start, end=ps.end,
                                        change=change, bound=c.min_change),
                       evidence, _confidence(view, evidence))

    value = None if ps is None else {"start": ps.start, "end": ps.end,
                                     "whole": ps.overall}[c.window]
    if value is None:
        return na(message("reason.said_nothing_part", party=c.party, part=c.window))
    evidence = (part_evidence(view, c.party, c.window, value,
                              worst_first=c.min is not None),)
    common = {"who": who, "part": c.window, "value": value}
    if c.min is not None and value < c.min:
        return Outcome(Verdict.FAIL, message("sentiment.below_min", **common, bound=c.min),
                       evidence, _confidence(view, evidence))
    if c.max is not None and value > c.max:
        return Outcome(Verdict.FAIL, message("sentiment.above_max", **common, bound=c.max),
                       evidence, _confidence(view, evidence))
    return Outcome(Verdict.PASS, message("sentiment.within", **common,
                                         bounds={"min": c.min, "max": c.max}),
                   evidence, _confidence(view, evidence))
