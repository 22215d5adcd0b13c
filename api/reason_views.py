"""A call's contact reasons as the API shows them: titles in the reader's language from
the taxonomy in force (the code where that taxonomy lacks the reason), each rule that
held with its quote and time."""

from __future__ import annotations

from collections.abc import Sequence

from api.schemas.calls import ReasonEvidencePublic, ReasonPublic
from flows.categorise_calls import taxonomy_in_force
from pipeline.db.reason_records import CallReason
from pipeline.errors import CallqaError
from pipeline.settings import Settings
from scoring.taxonomy import Taxonomy


def titles_taxonomy(settings: Settings) -> Taxonomy | None:
    """The taxonomy in force, for titles; None (codes shown) when it cannot be read."""
    try:
        return taxonomy_in_force(settings)
    except CallqaError:
        return None


def reason_title(taxonomy: Taxonomy | None, code: str, lang: str, fallback: str) -> str:
    """The reason's title in ``lang`` where the taxonomy knows ``code``, else ``fallback``."""
    known = taxonomy.reason(code) if taxonomy else None
    return known.title_in(lang) if known else fallback


def _evidence(hits: Sequence[dict[str, object]]) -> list[ReasonEvidencePublic]:
    out = []
    for hit in hits:
        found = [e for e in hit.get("evidence") or [] if isinstance(e, dict)]  # type: ignore[attr-defined]
        first = found[0] if found else {}
        out.append(ReasonEvidencePublic(
            rule=str(hit.get("rule", "")), explanation=str(hit.get("explanation", "")),
            quote=first.get("quote") or None, start=first.get("start"),
            end=first.get("end")))
    return out


def reasons_public(rows: Sequence[CallReason], taxonomy: Taxonomy | None,
                   lang: str) -> list[ReasonPublic]:
    out = []
    for row in rows:
        category = taxonomy.category(row.category) if taxonomy else None
        out.append(ReasonPublic(
            code=row.code, category=row.category, subcategory=row.subcategory,
            title=reason_title(taxonomy, row.code, lang, row.subcategory),
            category_title=category.title_in(lang) if category else row.category,
            confidence=row.confidence, primary=row.primary, complaint=row.complaint,
            taxonomy=f"{row.taxonomy} {row.taxonomy_version}",
            evidence=_evidence(row.hits or [])))
    return out


def product_title(taxonomy: Taxonomy | None, product: str | None, lang: str) -> str | None:
    """The product's title in ``lang`` where the taxonomy knows it, else the id."""
    if product is None:
        return None
    known = next((p for p in taxonomy.products if p.id == product), None) if taxonomy else None
    return known.title_in(lang) if known else product
