"""Phrase criteria: any, all or none of some phrases said by a party, in a window, in order.

A passing result quotes the utterance and gives the time ("Agent said 'this call is
recorded' at 00:04.2"); a failing one names what was missing and, as evidence, the window
that was searched (``Evidence(start, end, note="searched: agent, first 30 s")``).
``before``/``after`` compare the match with the first time the reference phrases were
said ("identity verification must come before account details").
"""

from __future__ import annotations

from scoring.criteria.common import (
    Outcome,
    fmt_time,
    party_indexes,
    party_label,
    quote_list,
    utterance_evidence,
    window_span,
)
from scoring.criteria.matching import Match, find_first, find_ref, segments
from scoring.rubric_types import PhraseCriterion
from scoring.types import CallView, Evidence, Verdict

__all__ = ["evaluate_phrase"]


def _said(match: Match) -> str:
    fuzzy = f" (fuzzy {match.score:g}%)" if match.score < 100 else ""
    return f"'{match.phrase}'{fuzzy} at {fmt_time(match.start)}"


def _evidence(view: CallView, match: Match, note: str = "") -> Evidence:
    return utterance_evidence(view, match.index, match.start, match.end, note)


def evaluate_phrase(c: PhraseCriterion, view: CallView) -> Outcome:
    indexes, unknown = party_indexes(view, c.party)
    segs = segments(view, indexes, c.window)
    who = party_label(c.party, unknown)
    lo, hi = window_span(view, c.window)
    where = c.window.describe()
    searched_note = f"searched: {c.party}, {where}"

    items: list[tuple[tuple[str, ...], bool]] = [(alts, False) for alts in c.phrases]
    items += [((p,), True) for p in c.patterns]
    labels = [alts[0] for alts, _ in items]

    after_pos: int | None = None
    anchor_note = ""
    if c.after is not None:
        anchor = find_ref(view, c.after)
        if anchor is not None:
            after_pos = segs.position_after(anchor.end)
            anchor_note = f" after '{anchor.phrase}' at {fmt_time(anchor.start)}"
            lo = max(lo, anchor.end)
    searched = Evidence(lo, hi, note=searched_note + anchor_note)

    def first(alts: tuple[str, ...], is_pattern: bool, after: int | None) -> Match | None:
        start = max((p for p in (after, after_pos) if p is not None), default=None)
        return find_first(segs, alts, 100.0 if is_pattern else c.fuzzy, start, is_pattern)

    if c.match == "none":
        hits = [m for alts, pat in items if (m := first(alts, pat, None)) is not None]
        if hits:
            hits.sort(key=lambda m: m.position)
            said = ", ".join(_said(m) for m in hits[:3])
            return Outcome(Verdict.FAIL, f"{who} said {said}",
                           tuple(_evidence(view, m) for m in hits),
                           confidence=round(max(m.score for m in hits) / 100, 3))
        return Outcome(Verdict.PASS, f"No {who.lower()} utterance in the {where} matched any "
                       f"of: {quote_list(labels)}", (searched,))

    if c.match == "any":
        found = [m for alts, pat in items if (m := first(alts, pat, None)) is not None]
        if not found:
            return Outcome(Verdict.FAIL, f"No {who.lower()} utterance in the {where}"
                           f"{anchor_note} matched any of: {quote_list(labels)}", (searched,))
        matches = [min(found, key=lambda m: m.position)]
    else:  # all
        unordered = [first(alts, pat, None) for alts, pat in items]
        missing = [label for label, m in zip(labels, unordered, strict=True) if m is None]
        if missing:
            return Outcome(
                Verdict.FAIL,
                f"{who} did not say {quote_list(missing)} in the {where}{anchor_note}",
                (*(_evidence(view, m) for m in unordered if m is not None), searched))
        matches = [m for m in unordered if m is not None]
        if c.in_order:
            matches, prev = [], None
            for (alts, pat), label in zip(items, labels, strict=True):
                m = first(alts, pat, prev)
                if m is None:
                    return Outcome(
                        Verdict.FAIL,
                        f"{who} did not say '{label}' after {_said(matches[-1])} "
                        f"(the phrases must come in order)",
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
                f"{who} said {_said(first_late)}, but only after '{anchor.phrase}' at "
                f"{fmt_time(anchor.start)}",
                (_evidence(view, first_late),
                 _evidence(view, anchor, note=f"must come after this ({c.before.party})")),
                confidence=round(first_late.score / 100, 3),
            )

    confidence = round(min(m.score for m in matches) / 100, 3)
    matches.sort(key=lambda m: m.position)
    return Outcome(Verdict.PASS, f"{who} said " + ", ".join(_said(m) for m in matches),
                   tuple(_evidence(view, m) for m in matches), confidence=confidence)
