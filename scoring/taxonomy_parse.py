"""Taxonomy YAML -> :class:`~scoring.taxonomy_types.Taxonomy`, refused whole on any error.

Every error is a :class:`~pipeline.errors.TaxonomyError` whose message starts with
``file:line:``. The format (documented in ``docs/taxonomy.md``)::

    name: contact_reasons
    version: "1.0"
    threshold: 0.5                 # the confidence a reason needs (default 0.5)
    products:
      - id: mobile
        title: {en: Mobile line, tr: Mobil hat}
        rules: [...]
    categories:
      - id: billing
        title: {en: Billing, tr: Fatura}
        subcategories:
          - id: high_bill
            title: {en: Bill higher than expected, tr: Fatura yüksek geldi}
            product: mobile        # optional: the product this reason implies
            complaint: true        # optional: such a call is a complaint
            examples: {en: [...], tr: [...]}
            rules:
              - {type: phrase, language: tr, party: customer, phrases: [...]}
              - {type: semantic, party: customer, threshold: 0.6}   # the examples above
              - {type: metadata, field: category, equals: [billing]}
              - {type: metric, metric: hold_gaps, min: 2}

A rule's fields are a rubric criterion's of the same type (``docs/rubrics.md``), with
``weight`` (0..1, what it adds to the confidence) and ``language`` (only calls in it).
"""

from __future__ import annotations

import hashlib
from typing import Any

from pipeline.errors import RubricError, TaxonomyError
from scoring.keywords import stem_group
from scoring.rubric_parse_criteria import (
    ID_RE,
    LANGUAGE_RE,
    TYPE_FIELDS,
    read_metric,
    read_phrase,
    read_semantic,
)
from scoring.rubric_types import TITLE_LANGUAGES, When
from scoring.taxonomy_types import (
    DEFAULT_WEIGHTS,
    RULE_TYPES,
    Category,
    Product,
    Reason,
    Rule,
    Taxonomy,
)
from scoring.yamlfields import Doc, Fields, KeyPath, read_yaml

__all__ = ["parse_taxonomy"]

TOP_FIELDS = ("name", "version", "description", "threshold", "products", "categories")
CATEGORY_FIELDS = ("id", "title", "description", "subcategories")
REASON_FIELDS = ("id", "title", "description", "product", "complaint", "examples", "rules")
PRODUCT_FIELDS = ("id", "title", "description", "rules")
RULE_COMMON = ("type", "weight", "language")
METADATA_FIELDS = ("field", "equals")
KEYWORD_FIELDS = ("all", "party", "within")
PARTIES = ("customer", "agent", "any")
_PLACEHOLDER = "\x00the reason's examples"


def parse_taxonomy(text: str | bytes, source: str = "<string>") -> Taxonomy:
    """Parse and validate one taxonomy; ``source`` names the file in error messages."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TaxonomyError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})",
                            path=source) from exc
    try:
        data, doc = read_yaml(decoded, source)
        taxonomy = _taxonomy(doc, data, source, raw, decoded)
        doc.check_duplicates()
    except RubricError as exc:  # the shared YAML readers speak of rubrics; same message
        raise TaxonomyError(exc.message, path=exc.path, line=exc.line,
                            hint=exc.hint) from None
    return taxonomy


def _list(f: Fields, key: str, what: str, required: bool = True) -> list[Any]:
    value = f.raw(key) if required else f.raw(key, None)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value:
        f.fail(f"{key!r} must be a non-empty list of {what}", key)
    return value


def _id(f: Fields, taken: set[str], what: str) -> str:
    value: str = f.string("id")
    if not ID_RE.match(value) or "." in value:
        f.fail(f"{what} id {value!r} may hold only letters, digits, '_' and '-'", "id")
    if value in taken:
        f.fail(f"{what} id {value!r} is given twice", "id")
    taken.add(value)
    return value


def _taxonomy(doc: Doc, data: Any, source: str, raw: bytes, decoded: str) -> Taxonomy:
    top = Fields(doc, data, (), "a taxonomy")
    top.check_keys(TOP_FIELDS)
    name, version = top.string("name"), top.string("version")
    products: list[Product] = []
    taken: set[str] = set()
    for i, item in enumerate(_list(top, "products", "products", required=False)):
        f = Fields(doc, item, ("products", i), f"product {i + 1}")
        f.check_keys(PRODUCT_FIELDS)
        pid = _id(f, taken, "product")
        f.what = f"product {pid!r}"
        products.append(Product(id=pid, titles=f.text("title", language="en")[1],
                                rules=_rules(f, f"product {pid!r}", ()),
                                line=doc.line(f.path)))
    product_ids = {p.id for p in products}
    categories: list[Category] = []
    reasons: list[Reason] = []
    category_ids: set[str] = set()
    for i, item in enumerate(_list(top, "categories", "categories")):
        f = Fields(doc, item, ("categories", i), f"category {i + 1}")
        f.check_keys(CATEGORY_FIELDS)
        cid = _id(f, category_ids, "category")
        f.what = f"category {cid!r}"
        categories.append(Category(id=cid, titles=f.text("title", language="en")[1],
                                   line=doc.line(f.path)))
        sub_ids: set[str] = set()
        for j, sub in enumerate(_list(f, "subcategories", "subcategories")):
            reasons.append(_reason(doc, sub, (*f.path, "subcategories", j), cid, sub_ids,
                                   product_ids))
    return Taxonomy(
        name=name, version=version, description=top.string("description", ""),
        threshold=top.number("threshold", 0.5, gt=0, le=1), categories=tuple(categories),
        reasons=tuple(reasons), products=tuple(products), source=source,
        hash=hashlib.sha256(raw).hexdigest(), text=decoded)


def _reason(doc: Doc, data: Any, path: KeyPath, category: str, taken: set[str],
            products: set[str]) -> Reason:
    f = Fields(doc, data, path, f"a subcategory of {category!r}")
    f.check_keys(REASON_FIELDS)
    sid = _id(f, taken, "subcategory")
    code = f"{category}.{sid}"
    f.what = f"reason {code!r}"
    product = f.string("product", None)
    if product is not None and product not in products:
        known = ", ".join(sorted(products)) or "none: add a 'products' list"
        f.fail(f"product {product!r} is not one of the taxonomy's products ({known})",
               "product")
    examples = _examples(f)
    return Reason(category=category, subcategory=sid,
                  titles=f.text("title", language="en")[1],
                  rules=_rules(f, f"reason {code!r}", examples), line=doc.line(path),
                  examples=examples, product=product,
                  complaint=f.boolean("complaint", False))


def _examples(f: Fields) -> tuple[tuple[str, tuple[str, ...]], ...]:
    ex = f.sub("examples", f"{f.what}'s examples")
    if ex is None:
        return ()
    ex.check_keys(TITLE_LANGUAGES)
    return tuple((str(lang), ex.strings(str(lang), single=False)) for lang in ex.data)


def _keywords(r: Fields, common: dict[str, Any]) -> Rule:
    groups = []
    for g, item in enumerate(_list(r, "all", "keyword groups")):
        items = [item] if isinstance(item, str) else item
        if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
            r.fail(f"keyword group {g + 1} must be a list of word stems, such as "
                   "[yüksek, fazla]", "all")
        stems = stem_group(tuple(items))
        if not stems:
            r.fail(f"keyword group {g + 1} has no word in it; give it stems such as "
                   "[fatura] or [yüksek, fazla]", "all")
        groups.append(stems)
    within = int(r.number("within", 20, gt=0, le=200))
    return Rule(**common, groups=tuple(groups), party=r.string("party", "customer",
                                                              choices=PARTIES),
                within=within)


def _rules(f: Fields, owner: str, examples: tuple[tuple[str, tuple[str, ...]], ...]
           ) -> tuple[Rule, ...]:
    out = []
    for i, item in enumerate(_list(f, "rules", "rules")):
        path = (*f.path, "rules", i)
        r = Fields(f.doc, item, path, f"rule {i + 1} of {owner}")
        rtype = r.string("type", choices=RULE_TYPES)
        fields = {"metadata": METADATA_FIELDS, "keywords": KEYWORD_FIELDS}.get(
            rtype) or TYPE_FIELDS[rtype]
        r.check_keys(RULE_COMMON + fields)
        language = r.string("language", None)
        if language is not None and not LANGUAGE_RE.match(language):
            r.fail(f"'language' must be a two-letter code such as tr or en; got {language!r}",
                   "language")
        common = dict(type=rtype, weight=r.number("weight", DEFAULT_WEIGHTS[rtype], gt=0, le=1),
                      line=f.doc.line(path), language=language)
        if rtype == "metadata":
            out.append(Rule(**common, field=r.string("field"),
                            values=tuple(v.casefold() for v in r.strings("equals"))))
            continue
        if rtype == "keywords":
            out.append(_keywords(r, common))
            continue
        criterion_common = dict(id=f"{owner}#{i + 1}", title=owner, titles=(), type=rtype,
                                points=1.0, auto_fail=False, description="", when=When(),
                                line=common["line"])
        given = dict(item)
        if rtype != "metric":
            given.setdefault("party", "customer")  # the customer says why they call
        own = rtype != "semantic" or r.has("examples")
        if not own:
            usable = [s for lang, s in examples if language in (None, lang)]
            if not usable:
                r.fail(f"a semantic rule needs 'examples', or {owner} needs examples"
                       + (f" in {language!r}" if language else ""))
            given["examples"] = [_PLACEHOLDER]
        r = Fields(f.doc, given, path, r.what)
        reader = {"phrase": read_phrase, "semantic": read_semantic, "metric": read_metric}[rtype]
        out.append(Rule(**common, criterion=reader(r, criterion_common), own_examples=own))
    return tuple(out)
