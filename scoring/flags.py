"""Flag rules: why a person must hear this call. All of a call's flags form one review item.

Rule types (the ``type`` of a rule in a rubric's ``flags:`` section, defaults in
:mod:`scoring.flag_defaults`):

- ``score_below``: the total is below ``threshold``;
- ``auto_fail``: an auto-fail criterion failed;
- ``criterion_failed``: one of the named ``criteria`` failed;
- ``sentiment_end``: the party's end-of-call sentiment is below ``below``;
- ``sentiment_drop``: the party's sentiment fell by ``min_drop`` or more from start to end;
- ``phrases``: the party said one of ``phrases`` (escalation: legal threat, regulator,
  cancellation, repeat contact), folded for Turkish, optionally fuzzy;
- ``metric``: a call metric outside ``min``/``max`` (long silence);
- ``pii``: the party spoke personal data of the given ``kinds``.

Each flag has the rule's code, severity and priority, a one-line reason and its evidence;
flags come sorted by priority, highest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.types import Role
from scoring.criteria.common import party_arg, party_indexes, utterance_evidence
from scoring.criteria.matching import Match, find_first, segments
from scoring.criteria.metric import metric_evidence
from scoring.criteria.phrase import said_arg
from scoring.criteria.sentiment import part_evidence
from scoring.messages import Message, message, render
from scoring.rubric_types import FlagRule
from scoring.types import CallView, CriterionResult, Evidence, Flag, PartySentiment, Verdict

__all__ = ["SENTIMENT_RULES", "evaluate_flags"]

SENTIMENT_RULES = ("sentiment_end", "sentiment_drop")
_MAX_EVIDENCE = 20


def evaluate_flags(
    rules: Sequence[FlagRule],
    view: CallView,
    *,
    total: float | None,
    results: Sequence[CriterionResult],
    sentiment: Sequence[PartySentiment] | None,
    titles: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Flag, ...]:
    """The flags the rules raise on one scored call (``total`` None: nothing was scored).

    ``titles`` (criterion id -> title per language) names failed criteria in the reasons.
    ``score_below`` stays quiet on an auto-failed call: its total of 0 says nothing more
    than the failed auto-fail item, which has its own flag.
    """
    if any(r.auto_fail and r.verdict is Verdict.FAIL for r in results):
        total = None
    flags = []
    for rule in rules:
        found = _check(rule, view, total, results, sentiment, titles or {})
        if found is not None:
            detail, evidence = found
            reason = (message("flag.described", description=rule.description_text(),
                              detail=detail) if rule.description else detail)
            flags.append(Flag(rule.code, rule.severity, rule.priority, render(reason, "en"),
                              evidence, reason_message=reason))
    flags.sort(key=lambda f: (-f.priority, f.code))
    return tuple(flags)


Found = tuple[Message, tuple[Evidence, ...]] | None


def _criterion_arg(result: CriterionResult,
                   titles: Mapping[str, Mapping[str, str]]) -> dict[str, Any] | str:
    named = titles.get(result.criterion_id)
    return {"id": result.criterion_id, "titles": dict(named)} if named else result.criterion_id


def _check(rule: FlagRule, view: CallView, total: float | None,
           results: Sequence[CriterionResult], sentiment: Sequence[PartySentiment] | None,
           titles: Mapping[str, Mapping[str, str]]) -> Found:
    if rule.type == "score_below":
        assert rule.threshold is not None
        if total is None or total >= rule.threshold:
            return None
        note = message("ev.total", total=total)
        return (message("flag.score_below", total=total, threshold=rule.threshold),
                (Evidence(0.0, view.duration, note=render(note, "en"), note_message=note),))
    if rule.type in ("auto_fail", "criterion_failed"):
        wanted = (lambda r: r.auto_fail) if rule.type == "auto_fail" else (
            lambda r: r.criterion_id in rule.criteria)
        failed = [r for r in results if r.verdict is Verdict.FAIL and wanted(r)]
        if not failed:
            return None
        items = [message("flag.failed_item", criterion=_criterion_arg(r, titles),
                         explanation=r.explanation_message or r.explanation) for r in failed]
        return message("flag.failed", items=items), tuple(e for r in failed for e in r.evidence)
    if rule.type in SENTIMENT_RULES:
        return _sentiment(rule, view, sentiment)
    if rule.type == "phrases":
        return _phrases(rule, view)
    if rule.type == "metric":
        assert rule.metric is not None
        value = getattr(view.metrics, rule.metric)
        if rule.max is not None and value > rule.max:
            key, bound = "flag.metric_above", rule.max
        elif rule.min is not None and value < rule.min:
            key, bound = "flag.metric_below", rule.min
        else:
            return None
        return (message(key, metric=rule.metric, value=value, bound=bound),
                metric_evidence(view, rule.metric, value))
    if rule.type == "pii":
        return _pii(rule, view)
    return None


def _sentiment(rule: FlagRule, view: CallView,
               sentiment: Sequence[PartySentiment] | None) -> Found:
    role = Role(rule.party)
    ps = next((p for p in sentiment or () if p.role is role), None)
    if ps is None:
        return None
    if rule.type == "sentiment_end":
        assert rule.below is not None
        if ps.end is None or ps.end >= rule.below:
            return None
        return (message("flag.sentiment_end", party=rule.party, value=ps.end, bound=rule.below),
                (part_evidence(view, rule.party, "end", ps.end),))
    assert rule.min_drop is not None
    change = ps.change
    if change is None or change > -rule.min_drop:
        return None
    return (message("flag.sentiment_drop", party=rule.party, start=ps.start, end=ps.end),
            (part_evidence(view, rule.party, "start", ps.start, worst_first=False),
             part_evidence(view, rule.party, "end", ps.end)))


def _phrases(rule: FlagRule, view: CallView) -> Found:
    indexes, unknown = party_indexes(view, rule.party)
    segs = segments(view, indexes)
    hits: list[Match] = []
    for phrase in rule.phrases:  # every occurrence, so the evidence shows each mention
        after = None
        while len(hits) < _MAX_EVIDENCE and (
                m := find_first(segs, (phrase,), rule.fuzzy, after)) is not None:
            hits.append(m)
            after = m.end_position
    if not hits:
        return None
    hits.sort(key=lambda m: m.position)
    firsts, seen = [], set()
    for m in hits:  # one piece of evidence per utterance
        if m.index not in seen:
            seen.add(m.index)
            firsts.append(m)
    said = [said_arg(m, fuzzy=False) for m in firsts[:3]]
    return (message("phrase.said", who=party_arg(rule.party, unknown), said=said),
            tuple(utterance_evidence(view, m.index, m.start, m.end,
                                     note=message("ev.phrase", phrase=m.phrase))
                  for m in firsts))


def _pii(rule: FlagRule, view: CallView) -> Found:
    indexes, unknown = party_indexes(view, rule.party)
    allowed = set(indexes)
    found = [m for m in view.pii if m.utterance_index in allowed
             and (not rule.kinds or m.kind in rule.kinds)]
    if not found:
        return None
    spoken = [{"kind": m.kind, "at": m.start} for m in found[:3]]
    return (message("flag.pii", who=party_arg(rule.party, unknown), found=spoken),
            tuple(utterance_evidence(view, m.utterance_index, m.start, m.end,
                                     note=message("ev.pii", kind=m.kind)) for m in found))
