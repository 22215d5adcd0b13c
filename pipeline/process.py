"""One recording in, one analysed call out: the library behind the Prefect flows.

    transcript = transcribe_recording(path, metadata, options)   # decode, ASR, diarise, roles
    analysis = analyse(transcript, options)                        # metrics, PII

Both stages are plain functions, usable from a notebook; progress goes to an optional
``hook(stage, completed=..., total=...)`` so the library never knows who listens.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.audio import SAMPLE_RATE, iter_chunks, probe
from pipeline.diarize import Diarizer, assign_words, get_diarizer, words_to_turns
from pipeline.errors import (
    AudioTooLong,
    AudioTooShort,
    ConfigError,
    LanguageNotSupported,
    NoSpeech,
)
from pipeline.language import (
    LANGUAGE_NAMES,
    LanguageDecision,
    LanguageOptions,
    decide,
    detect,
    refuse_if_unsupported,
)
from pipeline.metadata import CallMetadata
from pipeline.metrics import MetricsOptions, compute_metrics
from pipeline.pii import PIIOptions, find_pii, redact_utterances
from pipeline.roles import RoleOptions, assign_roles_mono, assign_roles_stereo
from pipeline.settings import Settings
from pipeline.transcribe import (
    BUNDLED_MULTILINGUAL,
    ModelOptions,
    TranscribeOptions,
    Transcriber,
    get_transcriber,
)
from pipeline.types import CallMetrics, Diarization, PIIMatch, Transcript, Utterance, Word

ProgressHook = Callable[..., None]

__all__ = ["LANGUAGE_NAMES", "CallAnalysis", "ProcessOptions", "analyse", "process_file",
           "transcribe_recording"]
# An English-only model fed another language still writes English-looking words, but with
# low confidence; measured on our Turkish samples vs English ones (see tests).
MIN_MEAN_WORD_PROBABILITY = 0.45


def _no_hook(stage: str, **_: Any) -> None:
    return None


@dataclass(frozen=True)
class ProcessOptions:
    # The default ASR model (any language); LanguageOptions.models lays per-language
    # choices over it (English: tiny.en).
    model: ModelOptions = ModelOptions(model=BUNDLED_MULTILINGUAL)
    transcribe: TranscribeOptions = TranscribeOptions()
    language: LanguageOptions = LanguageOptions()
    chunk_seconds: float = 600.0
    min_duration: float = 1.0
    max_duration: float = 4 * 3600.0
    diarization_model: str | None = None
    hf_token: str | None = field(default=None, repr=False)
    roles: RoleOptions = RoleOptions()
    metrics: MetricsOptions = MetricsOptions()
    pii: PIIOptions = PIIOptions()
    keep_original_text: bool = False

    @classmethod
    def from_settings(cls, s: Settings) -> ProcessOptions:
        return cls(
            model=ModelOptions(
                model=s.asr_model or BUNDLED_MULTILINGUAL,
                device=s.asr_device,
                compute_type=s.asr_compute_type,
                cpu_threads=s.asr_cpu_threads,
            ),
            language=LanguageOptions(
                expected=tuple(s.languages),
                fixed=s.asr_language,
                queues=tuple(s.queue_languages.items()),
                models=tuple(s.resolved_asr_models.items()),
            ),
            transcribe=TranscribeOptions(
                beam_size=s.asr_beam_size,
                vad=s.asr_vad,
                hotwords=s.asr_hotwords,
                initial_prompt=s.asr_initial_prompt,
                batch_size=s.asr_batch_size,
            ),
            chunk_seconds=s.chunk_seconds,
            min_duration=s.min_duration,
            max_duration=s.max_duration,
            diarization_model=s.diarization_model,
            hf_token=s.hf_token.get_secret_value() if s.hf_token else None,
            roles=RoleOptions(agent_channel=s.agent_channel, company_names=tuple(s.company_names)),
            keep_original_text=s.keep_original_text,
        )


@dataclass(frozen=True)
class CallAnalysis:
    transcript: Transcript
    metrics: CallMetrics
    pii: tuple[PIIMatch, ...]
    redacted: tuple[str, ...]  # redacted text per utterance

    def utterance_rows(self, keep_original: bool) -> list[dict[str, Any]]:
        """Utterances as stored: redacted text always, original text and words only if kept."""
        rows = []
        for i, (utt, red) in enumerate(zip(self.transcript.utterances, self.redacted, strict=True)):
            spans = [(m.start, m.end, m.placeholder) for m in self.pii if m.utterance_index == i]
            rows.append(
                {
                    "idx": i,
                    "speaker": utt.speaker,
                    "role": utt.role.value,
                    "channel": utt.channel,
                    "start": utt.start,
                    "end": utt.end,
                    "text": utt.text if keep_original else None,
                    "redacted_text": red,
                    "words": [
                        w.to_dict() if keep_original else _redact_word(w, spans) for w in utt.words
                    ],
                }
            )
        return rows

    def to_dict(self, keep_original: bool = False) -> dict[str, Any]:
        return {
            "language": self.transcript.language,
            "language_probability": self.transcript.language_probability,
            "duration": self.transcript.duration,
            "diarization": self.transcript.diarization.value,
            "channels": self.transcript.channels,
            "notes": list(self.transcript.notes),
            "metrics": self.metrics.to_dict(),
            "pii": [
                {k: v for k, v in m.to_dict().items() if keep_original or k != "text"}
                for m in self.pii
            ],
            "utterances": self.utterance_rows(keep_original),
        }


def _redact_word(word: Word, spans: list[tuple[float, float, str]]) -> dict[str, Any]:
    data = word.to_dict()
    for start, end, placeholder in spans:
        if word.start < end and word.end > start:
            data["text"] = placeholder
    return data


def transcribe_recording(
    path: Path,
    metadata: CallMetadata,
    options: ProcessOptions,
    *,
    transcriber: Transcriber | None = None,
    diarizer: Diarizer | None = None,
    hook: ProgressHook = _no_hook,
) -> Transcript:
    """Decode, recognise, diarise and label the roles of one recording."""
    info = probe(path)
    _check_duration(info.duration, options)
    given = transcriber
    choice = options.language
    if options.transcribe.language and not choice.fixed:  # a notebook's TranscribeOptions
        choice = dataclasses.replace(choice, fixed=options.transcribe.language)
    decision = decide(metadata, choice)

    def transcriber_for(language: str) -> Transcriber:
        chosen = given or get_transcriber(choice.model_for(language, options.model))
        refuse_if_unsupported(language, chosen)
        return chosen

    if decision.language is not None:
        transcriber = transcriber_for(decision.language)

    stereo = info.channels == 2
    words: dict[int, list[Word]] = {0: [], 1: []} if stereo else {0: []}
    mono_parts: list[np.ndarray] = []
    keep_mono = not stereo and options.diarization_model is not None
    probability, decoded, model_seconds = 0.0, 0.0, 0.0
    hook("transcribe", completed=0.0, total=info.duration)
    for offset, chunk in iter_chunks(path, options.chunk_seconds):
        if stereo and offset == 0.0 and _dual_mono(chunk):
            stereo, words = False, {0: []}  # the same signal on both channels
            keep_mono = options.diarization_model is not None
        channels = [chunk[0], chunk[1]] if stereo else [chunk.mean(axis=0)]
        if decision.language is None:  # detected once, from the first chunk, then held
            started = time.perf_counter()
            decision = detect(chunk.mean(axis=0), given or get_transcriber(options.model),
                              choice)
            model_seconds += time.perf_counter() - started
            transcriber = transcriber_for(decision.language or "en")
        assert transcriber is not None
        for ch, audio in enumerate(channels):
            started = time.perf_counter()
            result = transcriber.transcribe(
                audio, dataclasses.replace(options.transcribe, language=decision.language)
            )
            model_seconds += time.perf_counter() - started
            probability = probability or result.language_probability
            words[ch].extend(
                Word(round(w.start + offset, 3), round(w.end + offset, 3), w.text, w.probability)
                for w in result.words
            )
        if keep_mono:
            mono_parts.append(channels[0])
        decoded = offset + chunk.shape[1] / SAMPLE_RATE
        hook("transcribe", completed=decoded, total=max(info.duration, decoded))
    _check_duration(decoded, options)
    if transcriber is None or decision.language is None:  # no audio at all
        raise NoSpeech("no audio could be decoded from the recording",
                       hint="Check that the file is a complete recording.")
    language = decision.language
    if decision.probability is not None:
        probability = decision.probability

    all_words = [w for ws in words.values() for w in ws]
    if not all_words:
        raise NoSpeech(
            f"no speech found in {decoded:.1f} s of audio",
            hint="Check that the recording is not silent or only noise.",
        )
    _check_confidence(all_words, transcriber, decision)

    notes: list[str] = []
    if stereo:
        turns = words_to_turns({"ch0": words[0], "ch1": words[1]}, {"ch0": 0, "ch1": 1})
        utterances, assignment = assign_roles_stereo(turns, metadata.channels, options.roles)
        diarization = Diarization.STEREO
    else:
        try:
            diarizer = diarizer or get_diarizer(
                options.diarization_model, options.hf_token, options.model.cpu_threads
            )
        except ConfigError as exc:
            notes.append(str(exc))
            utterances = words_to_turns({"S0": words[0]}, sentence_gap=0.2)
            assignment = None
            diarization = Diarization.NONE
        else:
            hook("diarize", completed=0.0, total=decoded)
            audio = np.concatenate(mono_parts) if mono_parts else _mono(path)
            started = time.perf_counter()
            speaker_turns = diarizer.diarize(audio, SAMPLE_RATE)
            model_seconds += time.perf_counter() - started
            del audio
            turns = words_to_turns(assign_words(words[0], speaker_turns))
            utterances, assignment = assign_roles_mono(turns, options.roles)
            diarization = Diarization.PYANNOTE
            hook("diarize", completed=decoded, total=decoded)
    if assignment is not None:
        notes.append(f"roles by {assignment.method}: {assignment.evidence}")
    return Transcript(
        utterances=tuple(utterances),
        language=language,
        language_probability=round(probability, 3),
        duration=round(decoded, 3),
        diarization=diarization,
        channels=2 if stereo else 1,
        notes=tuple(notes),
        model_seconds=round(model_seconds, 3),
        language_source=decision.source,
        language_reason=decision.reason,
        asr_model=transcriber.name,
    )


def analyse(transcript: Transcript, options: ProcessOptions) -> CallAnalysis:
    """Call metrics and PII of a transcript (no audio needed)."""
    utterances: tuple[Utterance, ...] = transcript.utterances
    metrics = compute_metrics(utterances, transcript.duration, options.metrics)
    pii = find_pii(utterances, options.pii)
    redacted = redact_utterances(utterances, pii)
    return CallAnalysis(transcript, metrics, tuple(pii), tuple(redacted))


def process_file(
    path: Path, metadata: CallMetadata | None = None, options: ProcessOptions | None = None,
    hook: ProgressHook = _no_hook,
) -> CallAnalysis:
    """Both stages in one call: for notebooks and scripts."""
    options = options or ProcessOptions()
    transcript = transcribe_recording(path, metadata or CallMetadata(), options, hook=hook)
    return analyse(transcript, options)


def _check_duration(duration: float, options: ProcessOptions) -> None:
    if 0 < duration < options.min_duration:
        raise AudioTooShort(
            f"recording is {duration:.1f} s long, "
            f"shorter than the {options.min_duration:.1f} s minimum",
            hint="Check the recorder; lower CALLQA_MIN_DURATION to accept such calls.",
        )
    if duration > options.max_duration:
        raise AudioTooLong(
            f"recording is {duration / 3600:.1f} h long, "
            f"over the {options.max_duration / 3600:.1f} h maximum",
            hint="Raise CALLQA_MAX_DURATION to accept it.",
        )


def _check_confidence(words: list[Word], transcriber: Transcriber,
                      decision: LanguageDecision) -> None:
    """An English-only model writes English-looking words for any speech, with low
    confidence: refuse them unless a setting says every call is English."""
    if transcriber.multilingual or decision.source == "setting":
        return
    mean = float(np.mean([w.probability for w in words]))
    if mean < MIN_MEAN_WORD_PROBABILITY:
        raise LanguageNotSupported(
            f"speech was not recognised as English (mean word confidence {mean:.2f}); "
            f"ASR model {transcriber.name} transcribes English only",
            hint="Set the call's language in its metadata and CALLQA_ASR_MODEL to a "
            "multilingual model (small, medium, large-v3-turbo).",
        )


def _dual_mono(chunk: np.ndarray) -> bool:
    return chunk.shape[0] == 2 and float(np.max(np.abs(chunk[0] - chunk[1]), initial=0.0)) < 1e-3


def _mono(path: Path) -> np.ndarray:
    parts = [c.mean(axis=0) for _, c in iter_chunks(path, 1e9)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
