"""A contact-reason taxonomy, as :mod:`scoring.taxonomy_parse` reads it from YAML.

A taxonomy has categories, each with subcategories (the *reasons* a call is given: code
``category.subcategory``), and products. A reason and a product carry rules of the kinds a
rubric's criteria have (phrase, semantic, metric) and two more, keywords (word stems said
close together, :mod:`scoring.keywords`) and metadata; each rule that
holds for a call adds its ``weight`` to the reason's confidence (``1 - Π(1 - weight)``, so
two rules of 0.8 and 0.7 make 0.94), and a reason whose confidence reaches the taxonomy's
``threshold`` is one of the call's reasons. Everything is explainable: the reason shows
each rule that held, with its quote and time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.rubric_types import Criterion, Titles, title_in

__all__ = ["DEFAULT_WEIGHTS", "RULE_TYPES", "Category", "Product", "Reason", "Rule",
           "Taxonomy"]

def _title(titles: Titles, fallback: str, language: str) -> str:
    """In ``language``, else English, else the first given, else ``fallback`` (the id)."""
    given = dict(titles)
    return title_in(titles, given.get("en") or (titles[0][1] if titles else fallback),
                    language)


RULE_TYPES = ("phrase", "keywords", "semantic", "metric", "metadata")
DEFAULT_WEIGHTS = {"phrase": 0.8, "keywords": 0.7, "semantic": 0.7, "metric": 0.3,
                   "metadata": 0.9}


@dataclass(frozen=True)
class Rule:
    """One rule of a reason or product. ``criterion`` evaluates phrase, semantic and metric
    rules (a semantic rule without examples of its own gets the reason's, in the call's
    language); a metadata rule holds when the call's ``field`` is one of ``values``."""

    type: str
    weight: float
    line: int
    language: str | None = None  # only calls in this language; None: every call
    criterion: Criterion | None = None
    own_examples: bool = True  # semantic: False = the reason's examples
    field: str | None = None  # metadata
    values: tuple[str, ...] = ()  # metadata, compared case-folded
    # keywords (scoring.keywords): groups of folded stems, each a tuple of words; the party
    # that must say them and the most words they may spread over
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    party: str = "customer"
    within: int = 20

    @property
    def label(self) -> str:
        return f"{self.type} rule (line {self.line})"


@dataclass(frozen=True)
class Reason:
    category: str
    subcategory: str
    titles: Titles
    rules: tuple[Rule, ...]
    line: int
    examples: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, sentences)
    product: str | None = None  # the product this reason implies, if any
    complaint: bool = False  # a call with this reason is a complaint

    @property
    def code(self) -> str:
        return f"{self.category}.{self.subcategory}"

    def title_in(self, language: str) -> str:
        return _title(self.titles, self.subcategory, language)

    def examples_in(self, language: str) -> tuple[str, ...]:
        return dict(self.examples).get(language, ())


@dataclass(frozen=True)
class Category:
    id: str
    titles: Titles
    line: int

    def title_in(self, language: str) -> str:
        return _title(self.titles, self.id, language)


@dataclass(frozen=True)
class Product:
    id: str
    titles: Titles
    rules: tuple[Rule, ...]
    line: int

    def title_in(self, language: str) -> str:
        return _title(self.titles, self.id, language)


@dataclass(frozen=True)
class Taxonomy:
    name: str
    version: str
    description: str
    threshold: float  # the confidence a reason needs
    categories: tuple[Category, ...]
    reasons: tuple[Reason, ...]
    products: tuple[Product, ...] = ()
    source: str = "<string>"
    hash: str = ""
    text: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def reason(self, code: str) -> Reason | None:
        return next((r for r in self.reasons if r.code == code), None)

    def category(self, cid: str) -> Category | None:
        return next((c for c in self.categories if c.id == cid), None)
