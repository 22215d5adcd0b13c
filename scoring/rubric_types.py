"""The records a rubric file becomes: frozen dataclasses, validated by :mod:`scoring.rubric_parse`.

The YAML format is documented in ``docs/rubrics.md``; field names here are the YAML keys.
A :class:`Rubric` is a tree ``sections -> criteria`` plus the call-level ``flags`` rules;
each criterion type has its own record (:class:`PhraseCriterion`, :class:`MetricCriterion`,
:class:`SentimentCriterion`, :class:`SemanticCriterion`, :class:`ClassifierCriterion`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.types import CallMetrics
from scoring.types import Severity

__all__ = [
    "CRITERION_TYPES", "DIRECTIONS", "FLAG_TYPES", "METRICS", "PARTIES", "SENTIMENT_WINDOWS",
    "TITLE_LANGUAGES", "AppliesTo", "ClassifierCriterion", "Criterion", "FlagRule",
    "MetricCriterion", "PhraseCriterion", "PhraseRef", "Rubric", "Section",
    "SemanticCriterion", "SentimentCriterion", "Titles", "When", "Window", "title_in",
]

PARTIES = ("agent", "customer", "any")
DIRECTIONS = ("inbound", "outbound")
CRITERION_TYPES = ("phrase", "metric", "sentiment", "semantic", "classifier")
METRICS = tuple(f.name for f in dataclasses.fields(CallMetrics))
SENTIMENT_WINDOWS = ("start", "end", "whole", "change")
FLAG_TYPES = (
    "score_below", "auto_fail", "criterion_failed", "sentiment_end", "sentiment_drop",
    "phrases", "metric", "pii",
)
TITLE_LANGUAGES = ("tr", "en", "az")  # the languages a title may be given in

# A title per language, ``(("tr", "Açılış"), ("en", "Opening"))``, the rubric's language first.
Titles = tuple[tuple[str, str], ...]


def title_in(titles: Titles, fallback: str, language: str) -> str:
    """The title in ``language``, else ``fallback`` (the title in the rubric's language)."""
    return next((text for lang, text in titles if lang == language), fallback)


@dataclass(frozen=True)
class Window:
    """A time window of the call: the first N seconds, the last N seconds, or all of it."""

    first: float | None = None
    last: float | None = None

    def bounds(self, duration: float) -> tuple[float, float]:
        if self.first is not None:
            return 0.0, min(self.first, duration) if duration > 0 else self.first
        if self.last is not None:
            return max(0.0, duration - self.last), duration
        return 0.0, duration

    def describe(self) -> str:
        if self.first is not None:
            return f"first {self.first:g} s"
        if self.last is not None:
            return f"last {self.last:g} s"
        return "whole call"


@dataclass(frozen=True)
class PhraseRef:
    """Phrases a party says somewhere in the call (for ``before``, ``after``, ``when.said``)."""

    party: str
    phrases: tuple[str, ...]
    fuzzy: float = 100.0
    criterion: str | None = None  # set when the reference names a phrase criterion by id


@dataclass(frozen=True)
class When:
    """When a criterion applies; a criterion that does not apply is N/A (out of the maximum)."""

    direction: tuple[str, ...] = ()
    queue: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    min_duration: float | None = None
    max_duration: float | None = None
    said: PhraseRef | None = None  # applies only when this party said one of these phrases
    metric_min: tuple[tuple[str, float], ...] = ()  # applies only when metric >= value
    metric_max: tuple[tuple[str, float], ...] = ()  # applies only when metric <= value


@dataclass(frozen=True, kw_only=True)
class Criterion:
    id: str
    title: str
    type: str
    points: float
    auto_fail: bool = False
    description: str = ""
    when: When = When()
    line: int | None = None  # where the criterion starts in the rubric file
    titles: Titles = ()  # the title per language; ``title`` is the rubric language's

    def title_in(self, language: str) -> str:
        return title_in(self.titles, self.title, language)


@dataclass(frozen=True, kw_only=True)
class PhraseCriterion(Criterion):
    party: str = "agent"
    match: str = "any"  # any | all | none
    phrases: tuple[tuple[str, ...], ...] = ()  # items; each item is a tuple of alternatives
    patterns: tuple[str, ...] = ()  # regular expressions over folded text, one item each
    window: Window = Window()
    in_order: bool = False
    fuzzy: float = 100.0  # rapidfuzz score 0..100 a fuzzy match needs; 100 = exact
    before: PhraseRef | None = None  # the match must come before the first of these
    after: PhraseRef | None = None  # the match must come after the first of these


@dataclass(frozen=True, kw_only=True)
class MetricCriterion(Criterion):
    metric: str
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, kw_only=True)
class SentimentCriterion(Criterion):
    party: str = "customer"
    window: str = "end"  # start | end | whole | change
    min: float | None = None
    max: float | None = None
    min_change: float | None = None  # for window: change


@dataclass(frozen=True, kw_only=True)
class SemanticCriterion(Criterion):
    party: str = "agent"
    examples: tuple[str, ...] = ()
    threshold: float = 0.6  # cosine similarity
    match: str = "any"  # any | none
    window: Window = Window()


@dataclass(frozen=True, kw_only=True)
class ClassifierCriterion(Criterion):
    model: str
    task: str = "text-classification"  # or zero-shot-classification
    label: str
    threshold: float = 0.5
    party: str = "agent"
    candidate_labels: tuple[str, ...] = ()  # zero-shot only
    match: str = "any"  # any | none
    window: Window = Window()


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    weight: float
    criteria: tuple[Criterion, ...]
    description: str = ""
    line: int | None = None
    titles: Titles = ()  # the title per language; ``title`` is the rubric language's

    def title_in(self, language: str) -> str:
        return title_in(self.titles, self.title, language)


@dataclass(frozen=True)
class AppliesTo:
    """Which calls a rubric is for (see :func:`scoring.rubric.select_rubric`)."""

    direction: tuple[str, ...] = ()
    queue: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FlagRule:
    """One rule that puts a call in the review queue; fields used depend on ``type``."""

    code: str
    type: str
    severity: Severity
    priority: float  # 0..100
    description: str = ""
    threshold: float | None = None  # score_below
    criteria: tuple[str, ...] = ()  # criterion_failed
    party: str = "customer"  # sentiment_*, phrases, pii
    below: float | None = None  # sentiment_end: the party's end sentiment is below this
    min_drop: float | None = None  # sentiment_drop: end - start <= -min_drop
    phrases: tuple[str, ...] = ()  # phrases
    fuzzy: float = 100.0
    metric: str | None = None  # metric
    min: float | None = None
    max: float | None = None
    kinds: tuple[str, ...] = ()  # pii: kinds that must not be spoken by the party (() = all)
    line: int | None = None
    descriptions: Titles = ()  # the description per language

    def description_text(self) -> dict[str, str] | str:
        """The description as a message argument: per language when given so."""
        return dict(self.descriptions) if self.descriptions else self.description


@dataclass(frozen=True)
class Rubric:
    name: str
    version: str
    language: str
    sections: tuple[Section, ...]
    description: str = ""
    applies_to: AppliesTo = AppliesTo()
    flags: tuple[FlagRule, ...] = ()  # the effective rules: defaults merged unless turned off
    source: str = ""  # the file it was loaded from
    hash: str = ""  # sha256 of the file's bytes
    text: str = field(default="", repr=False)  # the YAML source, for storing with scores

    def criteria(self) -> Iterator[tuple[Section, Criterion]]:
        for section in self.sections:
            for criterion in section.criteria:
                yield section, criterion

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for _, c in self.criteria() if c.id == criterion_id), None)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"
