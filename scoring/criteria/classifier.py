"""Classifier criteria: a transformers text-classification or zero-shot model on each
sentence a party said; ``match: any`` passes when some sentence gets ``label`` with at
least ``threshold``, ``match: none`` fails when one does ("no agent sentence is 'rude'
with 0.8 or more"). The model comes from the provider by name or path and task.
"""

from __future__ import annotations

from scoring.criteria.common import (
    Outcome,
    na,
    party_indexes,
    party_label,
    sentence_units,
    shorten,
    utterance_evidence,
    window_span,
)
from scoring.criteria.semantic import model_failure
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
    who = party_label(c.party, unknown)
    where = c.window.describe()
    lo, hi = window_span(view, c.window)
    searched = Evidence(lo, hi, note=f"searched: {c.party}, {where}")
    if not units:
        verdict = Verdict.PASS if c.match == "none" else Verdict.FAIL
        return Outcome(verdict, f"{who} said nothing in the {where}", (searched,))
    if models is None:
        return na(f"no model provider to run {c.model!r}", error=True)
    labels = list(c.candidate_labels) or None
    try:
        model = models.classifier(c.model, c.task)
        results = model.classify([u.text for u in units], labels)
    except Exception as exc:  # any model failure makes the criterion N/A, never a crash
        return na(f"classifier {c.model!r} unavailable: {model_failure(exc)}", error=True)
    if len(results) != len(units):
        return na(f"classifier {c.model!r} returned {len(results)} results for "
                  f"{len(units)} sentences", error=True)
    scores = [_label_score(r, c.label) for r in results]
    order = sorted(range(len(units)), key=lambda k: -scores[k])
    best = order[0]
    top = scores[best]

    def ev(k: int) -> Evidence:
        u = units[k]
        return utterance_evidence(view, u.index, u.start, u.end,
                                  note=f"{c.label}: {scores[k]:.2f} \"{shorten(u.text, 120)}\"")

    hits = [k for k in order if scores[k] >= c.threshold]
    said = f"'{c.label}' (score {top:.2f}, threshold {c.threshold:g})"
    if c.match == "any":
        if hits:
            return Outcome(Verdict.PASS, f"{who} sentence classified {said}", (ev(best),),
                           confidence=round(top, 3))
        return Outcome(Verdict.FAIL, f"No {who.lower()} sentence in the {where} classified "
                       f"{said}", (ev(best), searched), confidence=round(1 - top, 3))
    if hits:
        return Outcome(Verdict.FAIL, f"{who} sentence classified {said}",
                       tuple(ev(k) for k in hits[:3]), confidence=round(top, 3))
    return Outcome(Verdict.PASS, f"No {who.lower()} sentence in the {where} classified "
                   f"{said}", (ev(best), searched), confidence=round(1 - top, 3))
