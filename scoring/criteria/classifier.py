"""Classifier criteria: a transformers text-classification or zero-shot model on each
sentence a party said; ``match: any`` passes when some sentence gets ``label`` with at
least ``threshold``, ``match: none`` fails when one does ("no agent sentence is 'rude'
with 0.8 or more"). The model comes from the provider by name or path and task.
"""

from __future__ import annotations

from scoring.criteria.common import (
    Outcome,
    na,
    party_arg,
    party_indexes,
    sentence_units,
    shorten,
    utterance_evidence,
    window_arg,
    window_span,
)
from scoring.criteria.semantic import model_failure
from scoring.messages import message, render
from scoring.protocols import ModelProvider
from scoring.rubric_types import ClassifierCriterion
from scoring.types import CallView, Evidence, Verdict

__all__ = ["evaluate_classifier"]


def _label_score(scores: dict[str, float], label: str) -> float:
    wanted = label.casefold()
    return max((float(v) for k, v in scores.items() if str(k).casefold() == wanted),
               default=0.0)


def evaluate_classifier(c: ClassifierCriterion, view: CallView,
                        models: ModelProvider | None) -> Outcome:
    indexes, unknown = party_indexes(view, c.party)
    units = sentence_units(view, indexes, c.window)
    who = party_arg(c.party, unknown)
    where = window_arg(c.window)
    lo, hi = window_span(view, c.window)
    note = message("ev.searched", party=c.party, where=where)
    searched = Evidence(lo, hi, note=render(note, "en"), note_message=note)
    if not units:
        verdict = Verdict.PASS if c.match == "none" else Verdict.FAIL
        return Outcome(verdict, message("party.said_nothing", who=who, where=where),
                       (searched,))
    if models is None:
        return na(message("reason.no_provider", model=c.model), error=True)
    labels = list(c.candidate_labels) or None
    try:
        model = models.classifier(c.model, c.task)
        results = model.classify([u.text for u in units], labels)
    except Exception as exc:  # any model failure makes the criterion N/A, never a crash
        return na(message("reason.classifier_failed", model=c.model, error=model_failure(exc)),
                  error=True)
    if len(results) != len(units):
        return na(message("reason.classifier_count", model=c.model, results=len(results),
                          sentences=len(units)), error=True)
    scores = [_label_score(r, c.label) for r in results]
    order = sorted(range(len(units)), key=lambda k: -scores[k])
    best = order[0]
    top = scores[best]

    def ev(k: int) -> Evidence:
        u = units[k]
        return utterance_evidence(view, u.index, u.start, u.end,
                                  note=message("ev.label_score", label=c.label, score=scores[k],
                                               quote=shorten(u.text, 120)))

    hits = [k for k in order if scores[k] >= c.threshold]
    said = {"who": who, "label": c.label, "score": top, "threshold": c.threshold}
    if c.match == "any":
        if hits:
            return Outcome(Verdict.PASS, message("classifier.classified", **said), (ev(best),),
                           confidence=round(top, 3))
        return Outcome(Verdict.FAIL, message("classifier.none_classified", **said, where=where),
                       (ev(best), searched), confidence=round(1 - top, 3))
    if hits:
        return Outcome(Verdict.FAIL, message("classifier.classified", **said),
                       tuple(ev(k) for k in hits[:3]), confidence=round(top, 3))
    return Outcome(Verdict.PASS, message("classifier.none_classified", **said, where=where),
                   (ev(best), searched), confidence=round(1 - top, 3))
