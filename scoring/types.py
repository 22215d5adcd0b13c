"""Records of scoring: what a call looks like to a rubric, and what the rubric made of it.

Plain frozen dataclasses with ``to_dict()``, like :mod:`pipeline.types`. The scorer reads a
:class:`CallView` (built from a fresh :class:`pipeline.process.CallAnalysis` or from stored
rows when rescoring) and writes a :class:`Scorecard` with one :class:`CriterionResult` per
criterion and the :class:`Flag` list of the call's review item.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any

from pipeline.types import CallMetrics, PIIMatch, Role, Utterance
from scoring.messages import Message


class Verdict(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NA = "na"  # not applicable, or could not be evaluated (the explanation says which)

    def __str__(self) -> str:
        return self.value


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class SentimentScore:
    """Sentiment of one text: a label and a signed score (-1 negative .. +1 positive)."""

    label: str  # "negative", "neutral", "positive"
    score: float  # -1..1
    confidence: float = 1.0  # 0..1, the model's probability of ``label``

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class PartySentiment:
    """One party's sentiment over the call: mean score at start, middle and end thirds."""

    role: Role
    start: float | None  # None where the party said nothing in that part
    middle: float | None
    end: float | None
    overall: float | None
    trajectory: str  # "improving", "worsening", "steady", "unknown"

    @property
    def change(self) -> float | None:
        return None if self.start is None or self.end is None else round(self.end - self.start, 3)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["role"] = self.role.value
        d["change"] = self.change
        return d


@dataclass(frozen=True)
class CallView:
    """Everything a rubric may look at in one call (no audio)."""

    key: str  # the recording's key, for messages
    language: str  # ISO 639-1, "en", "tr", "az"
    direction: str | None  # "inbound" / "outbound" / None when unknown
    queue: str | None
    duration: float
    utterances: tuple[Utterance, ...]  # original text, role-labelled, time-ordered
    metrics: CallMetrics
    redacted: tuple[str, ...] = ()  # redacted text of each utterance (evidence shows these)
    pii: tuple[PIIMatch, ...] = ()
    sentiment: tuple[SentimentScore | None, ...] = ()  # per utterance, filled by the scorer
    call_id: str | None = None

    def display_text(self, index: int) -> str:
        """The text of utterance ``index`` as evidence may show it (redacted)."""
        if index < len(self.redacted):
            return self.redacted[index]
        return self.utterances[index].text


@dataclass(frozen=True)
class Evidence:
    """What made a verdict: utterances and a time span, or the window that was searched."""

    start: float
    end: float
    utterance_indexes: tuple[int, ...] = ()
    quote: str = ""  # redacted text of the utterance(s), shortened
    role: str | None = None
    note: str = ""  # e.g. "searched: agent, first 30 s" (English)
    note_message: Message | None = None  # the note, for each reader's language

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["utterance_indexes"] = list(self.utterance_indexes)
        if self.note_message is None:
            del d["note_message"]
        else:
            d["note_message"] = self.note_message.to_dict()
        return d


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    section_id: str
    type: str  # phrase, metric, sentiment, semantic, classifier
    verdict: Verdict
    points: float  # awarded (0 for fail and N/A)
    max_points: float  # 0 for N/A: left out of the maximum
    explanation: str  # one line a supervisor reads (English)
    evidence: tuple[Evidence, ...] = ()
    confidence: float | None = None
    auto_fail: bool = False  # the criterion is an auto-fail item
    explanation_message: Message | None = None  # the explanation, for each reader's language

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["verdict"] = self.verdict.value
        d["evidence"] = [e.to_dict() for e in self.evidence]
        d["explanation_message"] = (None if self.explanation_message is None
                                    else self.explanation_message.to_dict())
        return d


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    title: str
    weight: float
    points: float
    max_points: float

    @property
    def percent(self) -> float | None:
        return None if self.max_points <= 0 else round(100 * self.points / self.max_points, 1)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["percent"] = self.percent
        return d


@dataclass(frozen=True)
class Flag:
    """One reason a person must hear the call."""

    code: str  # e.g. "low_score", "auto_fail", "legal_threat", "negative_end", "long_silence"
    severity: Severity
    priority: float  # 0..100, higher first in the review queue
    reason: str  # one line (English)
    evidence: tuple[Evidence, ...] = ()
    reason_message: Message | None = None  # the reason, for each reader's language

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["severity"] = self.severity.value
        d["evidence"] = [e.to_dict() for e in self.evidence]
        d["reason_message"] = (None if self.reason_message is None
                               else self.reason_message.to_dict())
        return d


@dataclass(frozen=True)
class Scorecard:
    rubric: str  # rubric name
    rubric_version: str
    rubric_hash: str  # sha256 of the rubric file's bytes
    total: float  # 0..100, weighted by section; 0 when auto-failed
    auto_failed: bool
    sections: tuple[SectionScore, ...]
    results: tuple[CriterionResult, ...]
    sentiment: tuple[PartySentiment, ...] = ()
    flags: tuple[Flag, ...] = ()
    notes: tuple[str, ...] = field(default=())  # e.g. "2 criteria N/A: sentiment model missing"

    @property
    def priority(self) -> float:
        """The review item's priority: its most urgent flag's, 0 when not flagged."""
        return max((f.priority for f in self.flags), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.rubric,
            "rubric_version": self.rubric_version,
            "rubric_hash": self.rubric_hash,
            "total": self.total,
            "auto_failed": self.auto_failed,
            "priority": self.priority,
            "sections": [s.to_dict() for s in self.sections],
            "results": [r.to_dict() for r in self.results],
            "sentiment": [p.to_dict() for p in self.sentiment],
            "flags": [f.to_dict() for f in self.flags],
            "notes": list(self.notes),
        }
