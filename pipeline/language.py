"""Which language a call is in, who decided it and why, and which ASR model hears it.

A contact centre knows the languages its calls come in (``CALLQA_LANGUAGES=tr,en,az``);
Whisper does not, and left to itself it hears Hungarian in a robotic Turkish voice. The
language is decided by the first of these that has an answer, and the call records which
one did (``source``) and why (``reason``), for a supervisor to see:

1. ``metadata``: the recording's sidecar or object metadata says ``language``;
2. ``queue``: the call's queue is mapped to a language (``CALLQA_QUEUE_LANGUAGES``,
   ``fatura=tr,billing=en``);
3. ``setting``: one language for every call (``CALLQA_ASR_LANGUAGE``);
4. ``only``: the centre expects a single language;
5. ``detected``: Whisper's language probabilities over the first minute of speech, the
   most likely of the expected languages only;
6. ``assumed``: no multilingual model is configured, so English is assumed (and the
   English-only model's confidence check refuses speech it cannot read).

The model for a language is the per-language choice (``CALLQA_ASR_MODELS``, by default
``en=bundled:tiny.en``: as accurate as ``base`` on English calls here and 2-3x faster),
else the default model (``CALLQA_ASR_MODEL``, by default the multilingual
``bundled:base``). A call in a language that no configured model transcribes fails
with :class:`~pipeline.errors.LanguageNotSupported`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from pipeline.errors import LanguageNotSupported
from pipeline.metadata import CallMetadata
from pipeline.transcribe import ModelOptions, Transcriber

LANGUAGE_NAMES = {"en": "English", "tr": "Turkish", "az": "Azerbaijani", "de": "German",
                  "ru": "Russian", "ar": "Arabic", "fr": "French", "es": "Spanish",
                  "hu": "Hungarian", "ku": "Kurdish", "fa": "Persian"}


@dataclass(frozen=True)
class LanguageOptions:
    expected: tuple[str, ...] = ("tr", "en", "az")  # empty: any language the model knows
    fixed: str | None = None  # CALLQA_ASR_LANGUAGE: every call
    queues: tuple[tuple[str, str], ...] = ()  # (queue, language)
    # Per-language models laid over the default model (ProcessOptions.model.model).
    models: tuple[tuple[str, str], ...] = (("en", "bundled:tiny.en"),)

    def model_for(self, language: str | None, default: ModelOptions) -> ModelOptions:
        chosen = dict(self.models).get(language or "", default.model)
        return dataclasses.replace(default, model=chosen)


@dataclass(frozen=True)
class LanguageDecision:
    language: str | None  # None: still to be detected from the audio
    source: str  # metadata, queue, setting, only, detected, assumed
    reason: str
    probability: float | None = None


def name_of(language: str) -> str:
    return LANGUAGE_NAMES.get(language, language)


def decide(metadata: CallMetadata, options: LanguageOptions) -> LanguageDecision:
    """The language, when something other than the audio decides it (steps 1-4)."""
    if metadata.language:
        return LanguageDecision(metadata.language, "metadata", "from the call's metadata")
    queue = metadata.queue
    if queue is not None and (lang := dict(options.queues).get(queue)):
        return LanguageDecision(lang, "queue", f"queue {queue!r} is set to {lang} "
                                "(CALLQA_QUEUE_LANGUAGES)")
    if options.fixed:
        return LanguageDecision(options.fixed, "setting", "CALLQA_ASR_LANGUAGE")
    if len(options.expected) == 1:
        return LanguageDecision(options.expected[0], "only",
                                "the only expected language (CALLQA_LANGUAGES)")
    return LanguageDecision(None, "detected", "")


def detect(audio: np.ndarray, transcriber: Transcriber,
           options: LanguageOptions) -> LanguageDecision:
    """Step 5 or 6: the most likely expected language of this speech, or English assumed."""
    if not transcriber.multilingual:
        return LanguageDecision("en", "assumed", f"ASR model {transcriber.name} is English-only")
    probs = transcriber.detect_language(audio)
    expected = options.expected or tuple(probs)
    among = {lang: probs.get(lang, 0.0) for lang in expected}
    if not probs or not any(among.values()):
        first = expected[0] if expected else "en"
        return LanguageDecision(first, "detected", f"no speech to detect from; {first} "
                                "assumed (the first of CALLQA_LANGUAGES)")
    best = max(among, key=lambda lang: among[lang])
    share = among[best] / sum(among.values())
    shown = ", ".join(f"{lang} {among[lang]:.2f}" for lang in
                      sorted(among, key=lambda lang: -among[lang]))
    top = max(probs, key=lambda lang: probs[lang])
    note = f"; the model's own first choice: {top} {probs[top]:.2f}" if top not in among else ""
    scope = f"among {', '.join(expected)}" if options.expected else "among all languages"
    return LanguageDecision(best, "detected", f"detected {scope}: {shown}{note}",
                            round(share, 3))


def refuse_if_unsupported(language: str, transcriber: Transcriber) -> None:
    """The one-line error for a language no configured model can transcribe."""
    if language != "en" and not transcriber.multilingual:
        raise LanguageNotSupported(
            f"call is in {name_of(language)} ({language}) but ASR model "
            f"{transcriber.name} transcribes English only",
            hint="Set CALLQA_ASR_MODEL to a multilingual model (bundled:base, small, "
            "medium, large-v3-turbo).",
        )
    if language not in getattr(transcriber, "languages", frozenset({language})):
        raise LanguageNotSupported(
            f"call is in {name_of(language)} ({language}) but ASR model "
            f"{transcriber.name} does not transcribe it",
            hint="Correct the call's language in its metadata, or set CALLQA_ASR_MODELS "
            f"to a model for {language}.",
        )
