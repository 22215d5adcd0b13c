"""Domain records of an analysed call: plain frozen dataclasses with ``to_dict()``.

Times are seconds from the start of the recording. Text offsets are Python string
indices into ``Utterance.text``.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any


class Role(enum.StrEnum):
    """Who is speaking on the call."""

    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class Diarization(enum.StrEnum):
    """How the speakers of a call were separated."""

    STEREO = "stereo"  # one party per channel
    PYANNOTE = "pyannote"  # mono, speaker diarisation model
    NONE = "none"  # mono, undiarised: one speaker for the whole call

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str  # as the ASR wrote it, leading space stripped
    probability: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Utterance:
    """One speaker turn."""

    speaker: str  # "ch0", "ch1" for stereo; "SPEAKER_00"... for pyannote; "S0" undiarised
    role: Role
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    channel: int | None = None

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "role": self.role.value,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "channel": self.channel,
            "words": [w.to_dict() for w in self.words],
        }


@dataclass(frozen=True)
class PIIMatch:
    """A piece of personal data found in an utterance."""

    kind: str  # "card", "iban", "tckn", "phone", "email"
    utterance_index: int
    char_start: int  # offsets into Utterance.text
    char_end: int
    text: str  # the original text that matched
    start: float  # time span of the words that carry it
    end: float

    @property
    def placeholder(self) -> str:
        return f"[{self.kind.upper()}]"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CallMetrics:
    """What a supervisor measures on a call, computed from word timestamps."""

    duration: float
    talk_agent: float  # seconds of speech
    talk_customer: float
    talk_ratio_agent: float  # agent talk / (agent + customer talk), 0..1
    silence: float  # seconds where nobody speaks
    silence_pct: float  # 0..100 of the duration
    longest_silence: float
    overtalk: float  # seconds where both speak at once
    interruptions_agent: int  # times the agent cut in on the customer
    interruptions_customer: int
    wpm_agent: float  # words per minute of the party's own talk time
    wpm_customer: float
    hold_gaps: int  # silences long enough to be a hold
    utterances: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Transcript:
    """The diarised, role-labelled transcript of one call."""

    utterances: tuple[Utterance, ...]
    language: str
    language_probability: float
    duration: float
    diarization: Diarization
    channels: int = 1
    notes: tuple[str, ...] = field(default=())  # e.g. why the call is undiarised
    # Seconds spent inside the ASR and diarisation models: what the rest of the pipeline
    # (and Prefect) is measured against.
    model_seconds: float = 0.0
    # What decided the language (pipeline.language: metadata, queue, setting, only,
    # detected, assumed), why, and the ASR model that transcribed the call.
    language_source: str = ""
    language_reason: str = ""
    asr_model: str = ""

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.utterances)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "language_probability": self.language_probability,
            "language_source": self.language_source,
            "language_reason": self.language_reason,
            "asr_model": self.asr_model,
            "duration": self.duration,
            "diarization": self.diarization.value,
            "channels": self.channels,
            "notes": list(self.notes),
            "utterances": [u.to_dict() for u in self.utterances],
        }
