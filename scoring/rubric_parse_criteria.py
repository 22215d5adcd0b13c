"""Reading one criterion of a rubric (see :mod:`scoring.rubric_parse` for the rest)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from scoring.rubric_types import (
    CRITERION_TYPES,
    DIRECTIONS,
    METRICS,
    PARTIES,
    SENTIMENT_WINDOWS,
    ClassifierCriterion,
    Criterion,
    MetricCriterion,
    PhraseCriterion,
    PhraseRef,
    Section,
    SemanticCriterion,
    SentimentCriterion,
    When,
    Window,
)
from scoring.yamlfields import Doc, Fields, KeyPath, suggest

__all__ = ["COMMON_FIELDS", "CRITERION_FIELDS", "ID_RE", "LANGUAGE_RE", "TYPE_FIELDS",
           "metric_bounds", "read_criterion", "read_metric", "read_phrase", "read_semantic",
           "resolve_refs"]

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
COMMON_FIELDS = ("id", "title", "type", "points", "auto_fail", "description", "when")
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "phrase": ("party", "match", "phrases", "patterns", "window", "in_order", "fuzzy",
               "before", "after"),
    "metric": ("metric", "min", "max"),
    "sentiment": ("party", "window", "min", "max", "min_change"),
    "semantic": ("party", "examples", "threshold", "match", "window"),
    "classifier": ("model", "task", "label", "threshold", "party", "candidate_labels",
                   "match", "window"),
}
CRITERION_FIELDS = tuple(dict.fromkeys(COMMON_FIELDS + sum(TYPE_FIELDS.values(), ())))
WHEN_FIELDS = ("direction", "queue", "language", "min_duration", "max_duration", "said",
               "metric_min", "metric_max")
CLASSIFIER_TASKS = ("text-classification", "zero-shot-classification")
_METRIC_RANGE = {"talk_ratio_agent": (0.0, 1.0), "silence_pct": (0.0, 100.0)}


def read_criterion(doc: Doc, data: Any, path: KeyPath, language: str = "") -> Criterion:
    """One criterion; ``language`` is the rubric's (a plain ``title`` is in it)."""
    probe = Fields(doc, data, path, "a criterion", check_duplicates=False)  # to read the id
    cid = probe.string("id")
    if not ID_RE.match(cid):
        probe.fail(f"criterion id {cid!r} may hold only letters, digits, '_', '-' and '.'",
                   "id")
    f = Fields(doc, data, path, "a criterion", criterion=cid)
    ctype = f.string("type", choices=CRITERION_TYPES)
    allowed = COMMON_FIELDS + TYPE_FIELDS[ctype]
    elsewhere = {k: " and ".join(f"{t}" for t, ks in TYPE_FIELDS.items() if k in ks)
                 + " criteria" for k in CRITERION_FIELDS if k not in allowed}
    f.what = f"{ctype} criteria"
    f.check_keys(allowed, elsewhere)
    f.what = "a criterion"
    title, titles = f.text("title", language=language)
    common: dict[str, Any] = dict(
        id=cid, title=title, titles=titles, type=ctype, points=f.number("points", gt=0),
        auto_fail=f.boolean("auto_fail", False), description=f.string("description", ""),
        when=_when(f.sub("when", "when")), line=doc.line(path),
    )
    reader = {"phrase": read_phrase, "metric": read_metric, "sentiment": _sentiment,
              "semantic": read_semantic, "classifier": _classifier}[ctype]
    return reader(f, common)


def _window(f: Fields) -> Window:
    w = f.sub("window", "window")
    if w is None:
        return Window()
    w.check_keys(("first", "last"))
    if w.has("first") == w.has("last"):
        w.fail("'window' needs exactly one of 'first: N' or 'last: N' (seconds)")
    return Window(first=w.number("first", None, gt=0), last=w.number("last", None, gt=0))


def _phrase_ref(f: Fields, key: str) -> PhraseRef | None:
    """``key: criterion_id`` or ``key: {party, phrases, fuzzy}``; ids resolve later."""
    if not f.has(key):
        return None
    value = f.raw(key)
    if isinstance(value, str):
        if not value.strip():
            f.fail(f"{key!r} must name a phrase criterion or be a mapping", key)
        return PhraseRef(party="", phrases=(), criterion=value)
    r = Fields(f.doc, value, (*f.path, key), f"'{key}'", f.criterion)
    r.check_keys(("party", "phrases", "fuzzy"))
    return PhraseRef(party=r.string("party", "agent", choices=PARTIES),
                     phrases=r.strings("phrases"),
                     fuzzy=r.number("fuzzy", 100.0, gt=0, le=100))


def _when(w: Fields | None) -> When:
    if w is None:
        return When()
    w.check_keys(WHEN_FIELDS)
    languages = w.strings("language", ())
    for i, lang in enumerate(languages):
        if not LANGUAGE_RE.match(lang):
            w.doc.fail(f"'language' item {i + 1} must be a two-letter code such as en, tr "
                       f"or az; got {lang!r}", (*w.path, "language", i), w.criterion)
    low = w.number("min_duration", None, ge=0)
    high = w.number("max_duration", None, gt=0)
    if low is not None and high is not None and high <= low:
        w.fail(f"'max_duration' ({high:g}) must be greater than 'min_duration' ({low:g})",
               "max_duration")
    if not w.data:
        w.fail("'when' is empty: remove it or give a condition")
    return When(direction=w.strings("direction", (), choices=DIRECTIONS),
                queue=w.strings("queue", ()), language=languages,
                min_duration=low, max_duration=high, said=_phrase_ref(w, "said"),
                metric_min=_metric_map(w, "metric_min"), metric_max=_metric_map(w, "metric_max"))


def _metric_map(w: Fields, key: str) -> tuple[tuple[str, float], ...]:
    """``metric_min: {longest_silence: 10}``: metric names to thresholds."""
    m = w.sub(key, f"'{key}'")
    if m is None:
        return ()
    if not m.data:
        m.fail(f"{key!r} is empty: give 'metric_name: value' lines")
    m.check_keys(METRICS)
    return tuple((str(name), m.number(str(name), ge=0)) for name in m.data)


def _match(f: Fields, choices: tuple[str, ...]) -> str:
    return f.string("match", "any", choices=choices)  # type: ignore[no-any-return]


def read_phrase(f: Fields, common: dict[str, Any]) -> Criterion:
    items: list[tuple[str, ...]] = []
    raw = f.raw("phrases", None)
    if raw is not None:
        if not isinstance(raw, list) or not raw:
            f.fail("'phrases' must be a non-empty list (an item may be a list of "
                   "alternatives)", "phrases")
        for i, item in enumerate(raw):
            alts = item if isinstance(item, list) else [item]
            if not alts:
                f.fail(f"'phrases' item {i + 1} is an empty list", "phrases")
            for j, alt in enumerate(alts):
                where = (*f.path, "phrases", i) + ((j,) if isinstance(item, list) else ())
                f.check_string_item("phrases", i, alt, path=where)
            items.append(tuple(alts))
    patterns = f.strings("patterns", ())
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            f.doc.fail(f"'patterns' item {i + 1} is not a valid regular expression: {exc}",
                       (*f.path, "patterns", i), f.criterion)
    if not items and not patterns:
        f.fail("a phrase criterion needs 'phrases' (or 'patterns')")
    match = _match(f, ("any", "all", "none"))
    in_order = f.boolean("in_order", False)
    if in_order and match != "all":
        f.fail("'in_order: true' needs 'match: all'", "in_order")
    before, after = _phrase_ref(f, "before"), _phrase_ref(f, "after")
    if match == "none" and (before or after):
        f.fail("'before'/'after' cannot be used with 'match: none'",
               "before" if before else "after")
    return PhraseCriterion(
        **common, party=f.string("party", "agent", choices=PARTIES), match=match,
        phrases=tuple(items), patterns=patterns, window=_window(f), in_order=in_order,
        fuzzy=f.number("fuzzy", 100.0, gt=0, le=100), before=before, after=after)


def metric_bounds(f: Fields, metric: str) -> tuple[float | None, float | None]:
    ge, le = _METRIC_RANGE.get(metric, (0.0, None))
    low, high = f.number("min", None, ge=ge, le=le), f.number("max", None, ge=ge, le=le)
    if low is None and high is None:
        f.fail(f"metric {metric!r} needs 'min' and/or 'max'")
    if low is not None and high is not None and low > high:
        f.fail(f"'min' ({low:g}) is greater than 'max' ({high:g})", "min")
    return low, high


def read_metric(f: Fields, common: dict[str, Any]) -> Criterion:
    metric = f.string("metric", choices=METRICS)
    low, high = metric_bounds(f, metric)
    return MetricCriterion(**common, metric=metric, min=low, max=high)


def _sentiment(f: Fields, common: dict[str, Any]) -> Criterion:
    party = f.string("party", "customer", choices=("agent", "customer"))
    window = f.string("window", "end", choices=SENTIMENT_WINDOWS)
    if window == "change":
        for key in ("min", "max"):
            if f.has(key):
                f.fail(f"window 'change' uses 'min_change', not {key!r}", key)
        return SentimentCriterion(**common, party=party, window=window,
                                  min_change=f.number("min_change", ge=-2, le=2))
    if f.has("min_change"):
        f.fail(f"'min_change' needs 'window: change' (window is {window!r})", "min_change")
    low, high = f.number("min", None, ge=-1, le=1), f.number("max", None, ge=-1, le=1)
    if low is None and high is None:
        f.fail("a sentiment criterion needs 'min' and/or 'max' (scores are -1..1)")
    if low is not None and high is not None and low > high:
        f.fail(f"'min' ({low:g}) is greater than 'max' ({high:g})", "min")
    return SentimentCriterion(**common, party=party, window=window, min=low, max=high)


def read_semantic(f: Fields, common: dict[str, Any]) -> Criterion:
    return SemanticCriterion(
        **common, party=f.string("party", "agent", choices=PARTIES),
        examples=f.strings("examples", single=False),
        threshold=f.number("threshold", 0.6, gt=0, le=1), match=_match(f, ("any", "none")),
        window=_window(f))


def _classifier(f: Fields, common: dict[str, Any]) -> Criterion:
    task = f.string("task", "text-classification", choices=CLASSIFIER_TASKS)
    label = f.string("label")
    labels: tuple[str, ...] = ()
    if task == "zero-shot-classification":
        labels = f.strings("candidate_labels", single=False)
        if label not in labels:
            f.fail(f"'label' {label!r} must be one of the candidate_labels", "label")
    elif f.has("candidate_labels"):
        f.fail("'candidate_labels' is for task: zero-shot-classification", "candidate_labels")
    return ClassifierCriterion(
        **common, model=f.string("model"), task=task, label=label,
        threshold=f.number("threshold", 0.5, gt=0, le=1),
        party=f.string("party", "agent", choices=PARTIES), candidate_labels=labels,
        match=_match(f, ("any", "none")), window=_window(f))


def resolve_refs(doc: Doc, sections: list[Section],
                 paths: dict[str, KeyPath]) -> list[Section]:
    """Turn ``before: <criterion id>`` (and after, when.said) into that criterion's phrases."""
    by_id = {c.id: c for s in sections for c in s.criteria}

    def resolve(c: Criterion, ref: PhraseRef | None, where: KeyPath) -> PhraseRef | None:
        if ref is None or ref.criterion is None:
            return ref
        target = by_id.get(ref.criterion)
        if target is None:
            doc.fail(f"{where[-1]!r}: no criterion {ref.criterion!r} in this rubric"
                     f"{suggest(ref.criterion, by_id)}", where, c.id)
        if target.id == c.id:
            doc.fail(f"{where[-1]!r} cannot name the criterion itself", where, c.id)
        if not isinstance(target, PhraseCriterion) or not target.phrases:
            doc.fail(f"{where[-1]!r}: criterion {target.id!r} is not a phrase criterion "
                     "with phrases", where, c.id)
        phrases = tuple(dict.fromkeys(p for item in target.phrases for p in item))
        return PhraseRef(party=target.party, phrases=phrases, fuzzy=target.fuzzy,
                         criterion=target.id)

    out = []
    for s in sections:
        criteria = []
        for c in s.criteria:
            p = paths[c.id]
            said = resolve(c, c.when.said, (*p, "when", "said"))
            c = dataclasses.replace(c, when=dataclasses.replace(c.when, said=said))
            if isinstance(c, PhraseCriterion):
                c = dataclasses.replace(c, before=resolve(c, c.before, (*p, "before")),
                                        after=resolve(c, c.after, (*p, "after")))
            criteria.append(c)
        out.append(dataclasses.replace(s, criteria=tuple(criteria)))
    return out
