"""Voice activity: Silero VAD run once per channel, read two ways.

faster-whisper runs Silero inside ``transcribe(vad_filter=True)`` and keeps the speech
regions to itself; the pipeline also needs tight regions (without the generous padding
given to the recogniser) to pull word timestamps back onto heard speech. Running the
network twice cost about 8% of the transcription time, so the pipeline runs it once
here, turns its frame probabilities into both region sets, and hands faster-whisper the
padded speech itself (``collect_chunks`` / ``restore_speech_timestamps``, exactly what
``vad_filter=True`` does inside).

:func:`regions` follows ``faster_whisper.vad.get_speech_timestamps`` (faster-whisper 1.2.1,
MIT licence) after its model call, line for line, so the padded regions are the ones
faster-whisper would have used.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

SAMPLE_RATE = 16_000
_WINDOW = 512  # samples per Silero frame at 16 kHz

__all__ = ["Speech", "detect", "regions"]


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    from faster_whisper.vad import get_vad_model

    return get_vad_model()  # an ONNX session: build it once per process


@dataclass(frozen=True)
class Speech:
    """Silero's speech probability per 32 ms frame of one channel."""

    probabilities: np.ndarray
    samples: int


def detect(audio: np.ndarray) -> Speech:
    """Run Silero over a mono 16 kHz float32 channel."""
    padded = np.pad(audio, (0, _WINDOW - audio.shape[0] % _WINDOW))
    return Speech(np.asarray(_model()(padded)).reshape(-1), int(audio.shape[0]))


def regions(
    speech: Speech,
    threshold: float = 0.5,
    min_silence_ms: int = 2000,
    speech_pad_ms: int = 400,
    min_speech_ms: int = 0,
    max_speech_s: float = float("inf"),
) -> list[dict[str, int]]:
    """Speech regions ``[{"start": sample, "end": sample}]`` as faster-whisper computes them."""
    sr = SAMPLE_RATE
    min_speech_samples = sr * min_speech_ms / 1000
    pad = sr * speech_pad_ms / 1000
    max_speech_samples = sr * max_speech_s - _WINDOW - 2 * pad
    min_silence_samples = sr * min_silence_ms / 1000
    min_silence_at_max = sr * 98 / 1000
    n = speech.samples
    neg_threshold = max(threshold - 0.15, 0.01)

    triggered = False
    speeches: list[dict[str, int]] = []
    current: dict[str, int] = {}
    temp_end = prev_end = next_start = 0
    for i, p in enumerate(speech.probabilities):
        at = _WINDOW * i
        if p >= threshold and temp_end:
            temp_end = 0
            if next_start < prev_end:
                next_start = at
        if p >= threshold and not triggered:
            triggered = True
            current["start"] = at
            continue
        if triggered and at - current["start"] > max_speech_samples:
            if prev_end:
                current["end"] = prev_end
                speeches.append(current)
                current = {}
                if next_start < prev_end:
                    triggered = False
                else:
                    current["start"] = next_start
                prev_end = next_start = temp_end = 0
            else:
                current["end"] = at
                speeches.append(current)
                current = {}
                prev_end = next_start = temp_end = 0
                triggered = False
                continue
        if p < neg_threshold and triggered:
            if not temp_end:
                temp_end = at
            if at - temp_end > min_silence_at_max:
                prev_end = temp_end
            if at - temp_end < min_silence_samples:
                continue
            current["end"] = temp_end
            if current["end"] - current["start"] > min_speech_samples:
                speeches.append(current)
            current = {}
            prev_end = next_start = temp_end = 0
            triggered = False
    if current and n - current["start"] > min_speech_samples:
        current["end"] = n
        speeches.append(current)

    for i, s in enumerate(speeches):
        if i == 0:
            s["start"] = int(max(0, s["start"] - pad))
        if i != len(speeches) - 1:
            gap = speeches[i + 1]["start"] - s["end"]
            if gap < 2 * pad:
                s["end"] += int(gap // 2)
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - gap // 2))
            else:
                s["end"] = int(min(n, s["end"] + pad))
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - pad))
        else:
            s["end"] = int(min(n, s["end"] + pad))
    return speeches
