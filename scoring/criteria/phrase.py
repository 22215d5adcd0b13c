"""Phrase criteria: any, all or none of some phrases said by a party, in a window, in order.

A passing result quotes the utterance and gives the time ("Agent said 'this call is
recorded' at 00:04.2"); a failing one names what was missing and, as evidence, the window
that was searched (``Evidence(start, end, note="searched: agent, first 30 s")``).
``before``/``after`` compare the match with the first time the reference phrases were
said ("identity verification must come before account details").
"""

from __future__ import annotations

from typing import Any

from scoring.criteria.common import (
    Outcome,
    party_arg,
    party_indexes,
    utterance_evidence,
    window_arg,
    window_span,
)
from scoring.criteria.matching import Match, find_first, find_ref, segments
from scoring.messages import Message, message, render
from scoring.rubric_types import PhraseCriterion
from scoring.types import CallView, Evidence, Verdict

__all__ = ["evaluate_phrase", "said_arg"]


def said_arg(match: Match, fuzzy: bool = True) -> dict[str, Any]:
    """A match as a message argument: the phrase, when, and its fuzzy score below 100."""
    d: dict[str, Any] = {"phrase": match.phrase, "at": match.start}
    if fuzzy and match.score < 100:
        d["score"] = match.score
    return d


def _evidence(view: CallView, match: Match, note: Message | None = None) -> Evidence:
    return utterance_evidence(view, match.index, match.start, match.end, note)


def evaluate_phrase(c: PhraseCriterion, view: CallView) -> Outcome:
    indexes, unknown = party_indexes(view, c.party)
    segs = segments(view, indexes, c.window)
    who = party_arg(c.party, unknown)
    lo, hi = window_span(view, c.window)
    where = window_arg(c.window)

    items: list[tuple[tuple[str, ...], bool]] = [(alts, False) for alts in c.phrases]
    items += [((p,), True) for p in c.patterns]
    labels = [alts[0] for alts, _ in items]

    after_pos: int | None = None
    after: dict[str, Any] | None = None
    if c.after is not None:
        anchor = find_ref(view, c.after)
        if anchor is not None:
            after_pos = segs.position_after(anchor.end)
            after = {"phrase": anchor.phrase, "at": anchor.start}
            lo = max(lo, anchor.end)
    note = message("ev.searched", party=c.party, where=where, after=after)
    searched = Evidence(lo, hi, note=render(note, "en"), note_message=note)

    def first(alts: tuple[str, ...], is_pattern: bool, start_at: int | None) -> Match | None:
        start = max((p for p in (start_at, after_pos) if p is not None), default=None)
        return find_first(segs, alts, 100.0 if is_pattern else c.fuzzy, start, is_pattern)

    if c.match == "none":
        hits = [m for alts, pat in items if (m := first(alts, pat, None)) is not None]
        if hits:
            hits.sort(key=lambda m: m.position)
            return Outcome(Verdict.FAIL,
                           message("phrase.said", who=who, said=[said_arg(m) for m in hits[:3]]),
                           tuple(_evidence(view, m) for m in hits),
                           confidence=round(max(m.score for m in hits) / 100, 3))
        return Outcome(Verdict.PASS, message("phrase.none_matched", who=who, where=where,
                                             phrases=labels), (searched,))

    if c.match == "any":
        found = [m for alts, pat in items if (m := first(alts, pat, None)) is not None]
        if not found:
            return Outcome(Verdict.FAIL, message("phrase.none_matched", who=who, where=where,
                                                 after=after, phrases=labels), (searched,))
        matches = [min(found, key=lambda m: m.position)]
    else:  # all
        unordered = [first(alts, pat, None) for alts, pat in items]
        missing = [label for label, m in zip(labels, unordered, strict=True) if m is None]
        if missing:
            return Outcome(
                Verdict.FAIL,
                message("phrase.missing", who=who, missing=missing, where=where, after=after),
                (*(_evidence(view, m) for m in unordered if m is not None), searched))
        matches = [m for m in unordered if m is not None]
        if c.in_order:
            matches, prev = [], None
            for (alts, pat), label in zip(items, labels, strict=True):
                m = first(alts, pat, prev)
                if m is None:
                    return Outcome(
                        Verdict.FAIL,
                        message("phrase.out_of_order", who=who, phrase=label,
                                previous=said_arg(matches[-1])),
                        (*(_evidence(view, x) for x in matches), searched))
                matches.append(m)
                prev = m.end_position

    if c.before is not None:
        anchor = find_ref(view, c.before)
        late = [m for m in matches if anchor is not None and m.start >= anchor.start]
        if anchor is not None and late:
            first_late = late[0]
            return Outcome(
                Verdict.FAIL,
                message("phrase.too_late", who=who, said=said_arg(first_late),
                        anchor=anchor.phrase, at=anchor.start),
                (_evidence(view, first_late),
                 _evidence(view, anchor, note=message("ev.must_follow",
                                                      party=c.before.party))),
                confidence=round(first_late.score / 100, 3),
            )

    confidence = round(min(m.score for m in matches) / 100, 3)
    matches.sort(key=lambda m: m.position)
    return Outcome(Verdict.PASS, message("phrase.said", who=who,
                                         said=[said_arg(m) for m in matches]),
                   tuple(_evidence(view, m) for m in matches), confidence=confidence)
