"""Who spoke when: turn words into speaker turns.

Stereo recordings (the usual call-recorder output) need no model: each channel is one
party, and the channels' words are merged by *word* timestamps (merging by segment start
doubles the error, because a Whisper segment can span the other party's reply). Mono
recordings go through a pyannote.audio pipeline, and each word goes to the speaker turn
it overlaps most.
"""

from __future__ import annotations

import bisect
import functools
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipeline.errors import ConfigError, ModelError
from pipeline.sources import looks_like_path
from pipeline.types import Role, Utterance, Word

log = logging.getLogger(__name__)

TURN_GAP = 1.0  # a pause this long inside one party's speech starts a new turn
SENTENCE_END = (".", "?", "!", "…")
SpeakerTurn = tuple[float, float, str]  # (start, end, speaker)


def words_to_turns(
    words_by_speaker: Mapping[str, Sequence[Word]],
    channels: Mapping[str, int | None] | None = None,
    turn_gap: float = TURN_GAP,
    sentence_gap: float | None = None,
) -> tuple[Utterance, ...]:
    """Group each speaker's words into turns and order all turns by start time.

    A speaker's turn ends at a pause longer than ``turn_gap`` or where another speaker
    starts a word in between, so turns interleave the way the conversation did; turns of
    two parties may overlap (overtalk). With ``sentence_gap`` (for undiarised speech, where
    a speaker change cannot be seen) a sentence end followed by that long a pause also
    ends a turn, so the transcript stays readable.
    """
    channels = channels or {}
    starts = {
        spk: sorted(w.start for other, ws in words_by_speaker.items() if other != spk for w in ws)
        for spk in words_by_speaker
    }
    turns: list[Utterance] = []
    for speaker, words in words_by_speaker.items():
        others = starts[speaker]
        current: list[Word] = []
        for word in sorted(words, key=lambda w: w.start):
            if current:
                prev = current[-1]
                gap = word.start - prev.end
                other_spoke = bisect.bisect_right(others, word.start) > bisect.bisect_right(
                    others, prev.end
                )
                sentence_break = (
                    sentence_gap is not None
                    and prev.text.endswith(SENTENCE_END)
                    and gap >= sentence_gap
                )
                if gap > turn_gap or (other_spoke and gap > 0.05) or sentence_break:
                    turns.append(_turn(speaker, current, channels.get(speaker)))
                    current = []
            current.append(word)
        if current:
            turns.append(_turn(speaker, current, channels.get(speaker)))
    turns.sort(key=lambda u: (u.start, u.end))
    return tuple(turns)


def _turn(speaker: str, words: list[Word], channel: int | None) -> Utterance:
    return Utterance(
        speaker=speaker,
        role=Role.UNKNOWN,
        start=words[0].start,
        end=max(w.end for w in words),
        text=" ".join(w.text for w in words),
        words=tuple(words),
        channel=channel,
    )


def assign_words(words: Sequence[Word], turns: Sequence[SpeakerTurn]) -> dict[str, list[Word]]:
    """Give each word to the speaker turn it overlaps most (the nearest turn if none)."""
    by_speaker: dict[str, list[Word]] = {spk: [] for _, _, spk in turns}
    if not turns:
        return {"S0": list(words)} if words else {}
    ordered = sorted(turns)
    turn_starts = [t[0] for t in ordered]
    for word in words:
        # Only turns starting before the word ends can overlap it; scan back a few.
        hi = bisect.bisect_right(turn_starts, word.end)
        best, best_overlap, best_distance = ordered[max(0, hi - 1)][2], 0.0, float("inf")
        for start, end, spk in ordered[max(0, hi - 8) : hi + 1]:
            overlap = min(end, word.end) - max(start, word.start)
            distance = max(start - word.end, word.start - end, 0.0)
            if overlap > best_overlap or (best_overlap <= 0 and distance < best_distance):
                best, best_overlap, best_distance = spk, max(overlap, 0.0), distance
        by_speaker[best].append(word)
    return {spk: ws for spk, ws in by_speaker.items() if ws}


class Diarizer(Protocol):
    name: str

    def diarize(self, audio: np.ndarray, sample_rate: int) -> list[SpeakerTurn]: ...


class PyannoteDiarizer:
    """A pyannote.audio speaker-diarisation pipeline, by hub name or local directory."""

    def __init__(self, source: str, token: str | None = None, threads: int = 2) -> None:
        if looks_like_path(source) and not Path(source).expanduser().exists():
            raise ModelError(
                f"diarisation pipeline directory {source!r} does not exist",
                hint="Set CALLQA_DIARIZATION_MODEL to a directory holding a pyannote config.yaml.",
            )
        # pyannote.audio 4 sends usage telemetry unless told not to; recordings stay private.
        os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")
        try:
            import torch
            from pyannote.audio import Pipeline
        except ImportError as exc:
            raise ModelError(
                "mono diarisation needs pyannote.audio, which is not installed",
                hint="pip install 'callqa[diarization]'.",
            ) from exc
        torch.set_num_threads(threads)  # one OpenMP pool size beside CTranslate2's
        self.name = source
        try:
            pipeline = Pipeline.from_pretrained(source, token=token)
        except Exception as exc:
            raise ModelError(
                f"cannot load diarisation pipeline {source!r} ({type(exc).__name__}: {exc})",
                hint="Set CALLQA_DIARIZATION_MODEL to a local pyannote pipeline directory, "
                "or a hub name with CALLQA_HF_TOKEN on a machine that reaches the hub.",
            ) from exc
        if pipeline is None:
            raise ModelError(
                f"diarisation pipeline {source!r} was not found",
                hint="Check CALLQA_DIARIZATION_MODEL (a pyannote config.yaml directory or hub id).",
            )
        self.pipeline = pipeline

    def diarize(self, audio: np.ndarray, sample_rate: int) -> list[SpeakerTurn]:
        import torch

        # A preloaded waveform, not a path (pyannote-audio #1523).
        waveform = torch.from_numpy(np.ascontiguousarray(audio.reshape(1, -1)))
        output = self.pipeline({"waveform": waveform, "sample_rate": sample_rate})
        annotation: Any = getattr(output, "speaker_diarization", output)
        return [
            (float(seg.start), float(seg.end), str(label))
            for seg, _, label in annotation.itertracks(yield_label=True)
        ]


@functools.lru_cache(maxsize=2)
def get_diarizer(source: str | None, token: str | None = None, threads: int = 2) -> Diarizer:
    """The process's diarizer, loaded once. Raises ConfigError when none is configured."""
    if not source:
        raise ConfigError(
            "mono recording not diarised: no diarisation model is configured",
            hint="Set CALLQA_DIARIZATION_MODEL to a pyannote pipeline (local path or hub id "
            "with CALLQA_HF_TOKEN), or record calls in stereo.",
        )
    return PyannoteDiarizer(source, token, threads)
