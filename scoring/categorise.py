"""Give a call its contact reasons: :func:`categorise` -> :class:`Categorisation`.

Each reason's rules are tried on the call (the redacted transcript, metrics, metadata):
phrase, semantic and metric rules through the same evaluation as rubric criteria
(:func:`scoring.criteria.evaluate`), so their evidence is the same quote and time; a
metadata rule compares one metadata field. The weights of the rules that held make the
reason's confidence, ``1 - Π(1 - weight)``; reasons at or above the taxonomy's threshold
are the call's, the most confident first (the primary reason; between equals, the one
whose semantic rules matched more closely). The product is the
metadata's ``product`` where given, else the best product found by its rules, else the
primary reason's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scoring.criteria import evaluate
from scoring.keywords import find_keywords
from scoring.protocols import ModelProvider
from scoring.taxonomy_types import Rule, Taxonomy
from scoring.types import CallView, Evidence, Verdict

__all__ = ["Categorisation", "FoundReason", "RuleHit", "categorise"]


@dataclass(frozen=True)
class RuleHit:
    """One rule that held: what it is, what it added, what it found."""

    rule: str  # "phrase rule (line 40)"
    weight: float
    explanation: str  # English, e.g. 'customer said "faturam yüksek"'
    evidence: tuple[Evidence, ...] = ()
    strength: float = 1.0  # how well it held: a semantic rule's similarity, else 1

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "weight": self.weight, "explanation": self.explanation,
                "strength": self.strength, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class FoundReason:
    code: str  # category.subcategory
    category: str
    subcategory: str
    confidence: float  # 0..1, 3 decimals
    hits: tuple[RuleHit, ...]
    complaint: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "category": self.category, "subcategory": self.subcategory,
                "confidence": self.confidence, "complaint": self.complaint,
                "hits": [h.to_dict() for h in self.hits]}


@dataclass(frozen=True)
class Categorisation:
    taxonomy: str  # name
    version: str
    hash: str
    reasons: tuple[FoundReason, ...]  # the most confident first
    product: str | None = None
    product_source: str | None = None  # metadata | taxonomy | reason
    product_confidence: float | None = None

    @property
    def primary(self) -> FoundReason | None:
        return self.reasons[0] if self.reasons else None

    def to_dict(self) -> dict[str, Any]:
        """As :func:`pipeline.db.reasons.save_reasons` stores it."""
        return {"taxonomy": self.taxonomy, "version": self.version, "hash": self.hash,
                "reasons": [r.to_dict() for r in self.reasons], "product": self.product,
                "product_source": self.product_source,
                "product_confidence": self.product_confidence}


def _confidence(weights: Sequence[float]) -> float:
    left = 1.0
    for w in weights:
        left *= 1.0 - w
    return round(1.0 - left, 3)


def _hit(rule: Rule, view: CallView, metadata: Mapping[str, Any],
         examples: tuple[str, ...], models: ModelProvider | None) -> RuleHit | None:
    language = (view.language or "").lower()[:2]
    if rule.language is not None and rule.language != language:
        return None
    if rule.type == "metadata":
        value = metadata.get(rule.field or "")
        if value is None or str(value).casefold() not in rule.values:
            return None
        return RuleHit(rule.label, rule.weight, f"metadata {rule.field} is {value}")
    if rule.type == "keywords":
        found = find_keywords(view, rule.groups, rule.party, rule.within)
        if found is None:
            return None
        # the more groups a rule asks for, the more specific it is: it wins a tie
        return RuleHit(rule.label, rule.weight, f'{rule.party} said {", ".join(found.words)}',
                       (found.evidence,), float(len(rule.groups)))
    criterion = rule.criterion
    if criterion is None:
        return None
    if not rule.own_examples:
        if not examples:
            return None
        criterion = dataclasses.replace(criterion, examples=examples)  # type: ignore[call-arg]
    result = evaluate(criterion, view, models)
    if result.verdict is not Verdict.PASS:
        return None
    strength = result.confidence if rule.type == "semantic" and result.confidence else 1.0
    return RuleHit(rule.label, rule.weight, result.explanation, result.evidence,
                   round(strength, 3))


def _hits(rules: Sequence[Rule], view: CallView, metadata: Mapping[str, Any],
          examples: Mapping[str, tuple[str, ...]], models: ModelProvider | None
          ) -> list[RuleHit]:
    language = (view.language or "").lower()[:2]
    found = []
    for rule in rules:
        hit = _hit(rule, view, metadata, examples.get(rule.language or language, ()), models)
        if hit is not None:
            found.append(hit)
    return found


def categorise(view: CallView, metadata: Mapping[str, Any], taxonomy: Taxonomy,
               models: ModelProvider | None = None) -> Categorisation:
    """The call's contact reasons and product under ``taxonomy``. ``metadata`` is the
    call's metadata (its queue and direction included)."""
    facts = {**{k: v for k, v in metadata.items() if v is not None},
             **({"queue": view.queue} if view.queue else {}),
             **({"direction": view.direction} if view.direction else {})}
    reasons = []
    for reason in taxonomy.reasons:
        hits = _hits(reason.rules, view, facts, dict(reason.examples), models)
        confidence = _confidence([h.weight for h in hits])
        if hits and confidence >= taxonomy.threshold:
            reasons.append(FoundReason(reason.code, reason.category, reason.subcategory,
                                       confidence, tuple(hits), reason.complaint))
    # equal confidence (the same rules held): the closer semantic match first, not the
    # code that sorts first
    reasons.sort(key=lambda r: (-r.confidence, -sum(h.strength for h in r.hits), r.code))
    product, source, product_confidence = None, None, None
    if facts.get("product"):
        product, source, product_confidence = str(facts["product"]), "metadata", 1.0
    else:
        best = max(((_confidence([h.weight for h in _hits(p.rules, view, facts, {}, models)]),
                     p.id) for p in taxonomy.products), default=(0.0, None))
        if best[1] is not None and best[0] >= taxonomy.threshold:
            product, source, product_confidence = best[1], "taxonomy", best[0]
        elif reasons:
            implied = taxonomy.reason(reasons[0].code)
            if implied is not None and implied.product:
                product, source = implied.product, "reason"
                product_confidence = reasons[0].confidence
    return Categorisation(taxonomy.name, taxonomy.version, taxonomy.hash, tuple(reasons),
                          product, source, product_confidence)
