"""Contact-reason taxonomies: load one (a file, or a shipped one by name), parse, check.

    taxonomy = load_taxonomy("contact_reasons")     # scoring/taxonomies/contact_reasons.yaml
    found = categorise(view, metadata, taxonomy, models)

The format is :mod:`scoring.taxonomy_parse`'s (``docs/taxonomy.md``); the categorising is
:mod:`scoring.categorise`'s.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pipeline.errors import TaxonomyError
from scoring.categorise import Categorisation, FoundReason, RuleHit, categorise
from scoring.taxonomy_parse import parse_taxonomy
from scoring.taxonomy_types import Category, Product, Reason, Rule, Taxonomy
from scoring.yamlfields import named_file

__all__ = ["DEFAULT_TAXONOMY", "TAXONOMY_DIR", "Categorisation", "Category", "FoundReason",
           "Product", "Reason", "Rule", "RuleHit", "Taxonomy", "categorise",
           "load_taxonomy", "parse_taxonomy", "shipped_taxonomy"]

TAXONOMY_DIR = Path(__file__).resolve().parent / "taxonomies"
DEFAULT_TAXONOMY = "contact_reasons"


def load_taxonomy(path_or_name: str | Path) -> Taxonomy:
    """A taxonomy file, or a shipped taxonomy by name (``"contact_reasons"``)."""
    path = named_file(path_or_name, TAXONOMY_DIR)
    if path is None:
        names = ", ".join(sorted(p.stem for p in TAXONOMY_DIR.glob("*.yaml")))
        raise TaxonomyError(
            f"no taxonomy file or shipped taxonomy named {str(path_or_name)!r}",
            hint=f"Give a path to a YAML file or one of: {names}.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read the taxonomy: {exc.strerror}",
                            path=str(path)) from exc
    return parse_taxonomy(raw, source=str(path))


@functools.cache
def shipped_taxonomy(name: str = DEFAULT_TAXONOMY) -> Taxonomy:
    """A shipped taxonomy, parsed once per process."""
    return load_taxonomy(name)
