"""Rubric YAML -> :class:`~scoring.rubric_types.Rubric`, refusing a malformed file precisely.

Every error is a :class:`~pipeline.errors.RubricError` whose message starts with
``file:line:`` and, inside a criterion, ``criterion 'id':``. The format is documented in
``docs/rubrics.md``; the criterion types are read in :mod:`scoring.rubric_parse_criteria`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

from pipeline.errors import RubricError
from pipeline.pii import KINDS as PII_KINDS
from scoring.flag_defaults import DEFAULT_FLAG_RULES
from scoring.rubric_parse_criteria import (
    CRITERION_FIELDS,
    ID_RE,
    LANGUAGE_RE,
    metric_bounds,
    read_criterion,
    resolve_refs,
)
from scoring.rubric_types import (
    DIRECTIONS,
    FLAG_TYPES,
    METRICS,
    PARTIES,
    AppliesTo,
    Criterion,
    FlagRule,
    Rubric,
    Section,
)
from scoring.types import Severity
from scoring.yamlfields import Doc, Fields, KeyPath, read_yaml, suggest

__all__ = ["FLAG_FIELDS", "RUBRIC_FIELDS", "SECTION_FIELDS", "parse_rubric"]

RUBRIC_FIELDS = ("name", "version", "language", "description", "applies_to", "sections", "flags")
SECTION_FIELDS = ("id", "title", "weight", "description", "criteria")
_FLAG_COMMON = ("code", "type", "severity", "priority", "description")
FLAG_FIELDS: dict[str, tuple[str, ...]] = {
    "score_below": ("threshold",),
    "auto_fail": (),
    "criterion_failed": ("criteria",),
    "sentiment_end": ("party", "below"),
    "sentiment_drop": ("party", "min_drop"),
    "phrases": ("party", "phrases", "fuzzy"),
    "metric": ("metric", "min", "max"),
    "pii": ("party", "kinds"),
}
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_rubric(text: str | bytes, source: str = "<string>") -> Rubric:
    """Parse and validate one rubric; ``source`` names the file in error messages."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RubricError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                          path=source) from exc
    data, doc = read_yaml(decoded, source)
    rubric = _rubric(doc, data, source, raw, decoded)
    doc.check_duplicates()
    return rubric


def _rubric(doc: Doc, data: Any, source: str, raw: bytes, decoded: str) -> Rubric:
    top = Fields(doc, data, (), "a rubric")
    top.check_keys(RUBRIC_FIELDS)
    name = top.string("name")
    version = top.string("version")
    language = top.string("language")
    if not LANGUAGE_RE.match(language):
        top.fail(f"'language' must be a two-letter ISO 639-1 code such as en, tr or az; "
                 f"got {language!r}", "language")
    description = top.string("description", "")
    applies_to = _applies_to(top.sub("applies_to", "applies_to"))

    sections_raw = top.raw("sections")
    if not isinstance(sections_raw, list) or not sections_raw:
        top.fail("'sections' must be a non-empty list of sections", "sections")
    sections: list[Section] = []
    criterion_paths: dict[str, KeyPath] = {}
    for i, item in enumerate(sections_raw):
        sections.append(_section(doc, item, ("sections", i), sections, criterion_paths,
                                 language))
    sections = resolve_refs(doc, sections, criterion_paths)

    all_ids = {c.id for s in sections for c in s.criteria}
    flags = _flags(top.sub("flags", "flags"), all_ids, language)
    return Rubric(
        name=name, version=version, language=language, description=description,
        applies_to=applies_to, sections=tuple(sections), flags=flags, source=source,
        hash=hashlib.sha256(raw).hexdigest(), text=decoded,
    )


def _applies_to(f: Fields | None) -> AppliesTo:
    if f is None:
        return AppliesTo()
    f.check_keys(("direction", "queue"))
    return AppliesTo(
        direction=f.strings("direction", (), choices=DIRECTIONS),
        queue=f.strings("queue", ()),
    )


def _section(doc: Doc, data: Any, path: KeyPath, done: list[Section],
             criterion_paths: dict[str, KeyPath], language: str) -> Section:
    f = Fields(doc, data, path, "a section")
    sid = f.string("id")
    if not ID_RE.match(sid):
        f.fail(f"section id {sid!r} may hold only letters, digits, '_', '-' and '.'", "id")
    if any(s.id == sid for s in done):
        f.fail(f"duplicate section id {sid!r}", "id")
    f.check_keys(SECTION_FIELDS, {k: "criteria" for k in CRITERION_FIELDS})
    title, titles = f.text("title", language=language)
    weight = f.number("weight", 1.0, gt=0)
    items = f.raw("criteria")
    if not isinstance(items, list) or not items:
        f.fail(f"section {sid!r}: 'criteria' must be a non-empty list of criteria", "criteria")
    criteria: list[Criterion] = []
    for i, item in enumerate(items):
        cpath = (*path, "criteria", i)
        criterion = read_criterion(doc, item, cpath, language)
        if criterion.id in criterion_paths:
            other = doc.line(criterion_paths[criterion.id])
            doc.fail(f"duplicate criterion id (first defined on line {other})",
                     (*cpath, "id"), criterion.id)
        criterion_paths[criterion.id] = cpath
        criteria.append(criterion)
    return Section(id=sid, title=title, weight=weight, criteria=tuple(criteria),
                   description=f.string("description", ""), line=doc.line(path),
                   titles=titles)


def _flags(f: Fields | None, criterion_ids: set[str], language: str) -> tuple[FlagRule, ...]:
    if f is None:
        return DEFAULT_FLAG_RULES
    f.check_keys(("defaults", "rules"))
    use_defaults = f.boolean("defaults", True)
    items = f.raw("rules", [])
    if not isinstance(items, list):
        f.fail("'rules' must be a list of flag rules", "rules")
    default_codes = {r.code for r in DEFAULT_FLAG_RULES}
    rules: list[FlagRule] = []
    off: set[str] = set()
    for i, item in enumerate(items):
        rf = Fields(f.doc, item, (*f.path, "rules", i), "a flag rule")
        code = rf.string("code")
        if not _CODE_RE.match(code):
            rf.fail(f"flag code {code!r} must be lower_snake_case", "code")
        if code in {r.code for r in rules} | off:
            rf.fail(f"duplicate flag code {code!r}", "code")
        if rf.has("enabled"):
            rf.check_keys(("code", "enabled"))
            if rf.boolean("enabled", True) is False:
                if code not in default_codes:
                    rf.fail(f"no default flag rule {code!r} to turn off; defaults: "
                            f"{', '.join(sorted(default_codes))}", "code")
                off.add(code)
                continue
        rules.append(_flag_rule(rf, code, criterion_ids, language))
    if use_defaults:
        taken = {r.code for r in rules} | off
        rules.extend(r for r in DEFAULT_FLAG_RULES if r.code not in taken)
    return tuple(rules)


def _flag_rule(f: Fields, code: str, criterion_ids: set[str], language: str) -> FlagRule:
    ftype = f.string("type", choices=FLAG_TYPES)
    allowed = (*_FLAG_COMMON, *FLAG_FIELDS[ftype])
    f.check_keys(allowed, {k: f"{t} rules" for t, ks in FLAG_FIELDS.items() for k in ks
                           if k not in allowed})
    sev = f.string("severity", "medium", choices=[s.value for s in Severity])
    description, descriptions = f.text("description", "", language=language)
    rule = FlagRule(code=code, type=ftype, severity=Severity(sev),
                    priority=f.number("priority", 50.0, ge=0, le=100),
                    description=description, descriptions=descriptions,
                    line=f.doc.line(f.path))
    if ftype == "score_below":
        return dataclasses.replace(rule, threshold=f.number("threshold", ge=0, le=100))
    if ftype == "criterion_failed":
        ids = f.strings("criteria")
        for i, cid in enumerate(ids):
            if cid not in criterion_ids:
                f.doc.fail(f"'criteria' item {i + 1}: no criterion {cid!r} in this rubric"
                           f"{suggest(cid, criterion_ids)}", (*f.path, "criteria", i))
        return dataclasses.replace(rule, criteria=ids)
    if ftype in ("sentiment_end", "sentiment_drop"):
        party = f.string("party", "customer", choices=("agent", "customer"))
        if ftype == "sentiment_end":
            return dataclasses.replace(rule, party=party, below=f.number("below", ge=-1, le=1))
        return dataclasses.replace(rule, party=party,
                                   min_drop=f.number("min_drop", gt=0, le=2))
    if ftype == "phrases":
        return dataclasses.replace(rule, party=f.string("party", "customer", choices=PARTIES),
                                   phrases=f.strings("phrases"),
                                   fuzzy=f.number("fuzzy", 100.0, gt=0, le=100))
    if ftype == "metric":
        metric = f.string("metric", choices=METRICS)
        low, high = metric_bounds(f, metric)
        return dataclasses.replace(rule, metric=metric, min=low, max=high)
    if ftype == "pii":
        return dataclasses.replace(rule, party=f.string("party", "agent", choices=PARTIES),
                                   kinds=f.strings("kinds", (), choices=PII_KINDS))
    return rule  # auto_fail
