"""The real bundled tiny.en model on a real phone conversation (pyannote's sample)."""

from __future__ import annotations

import itertools
import re

import jiwer
import pytest

from pipeline.audio import load_audio
from pipeline.transcribe import TranscribeOptions
from tests.conftest import pyannote_sample

pytestmark = pytest.mark.slow


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def reference_text() -> str:
    lines = (pyannote_sample() / "sample.stm").read_text().splitlines()
    rows = [line.split(maxsplit=5) for line in lines if line.strip()]
    rows.sort(key=lambda r: float(r[3]))
    return " ".join(r[5] for r in rows)


def test_wer_on_a_real_phone_call_is_within_15_percent(whisper) -> None:  # type: ignore[no-untyped-def]
    audio = load_audio(pyannote_sample() / "sample.wav")[0]
    result = whisper.transcribe(audio, TranscribeOptions())
    hypothesis = " ".join(w.text for w in result.words)
    wer = jiwer.wer(normalise(reference_text()), normalise(hypothesis))
    assert wer <= 0.15, f"WER {wer:.1%}: {hypothesis}"
    assert result.language == "en"


def test_words_have_increasing_timestamps_inside_the_call(whisper) -> None:  # type: ignore[no-untyped-def]
    audio = load_audio(pyannote_sample() / "sample.wav")[0]
    words = whisper.transcribe(audio, TranscribeOptions()).words
    assert len(words) > 40
    assert all(0 <= w.start <= w.end <= 30.5 for w in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    # The first words are spoken at 6.7 s ("Hello?"): VAD and timestamps agree with the reference.
    assert 6.0 <= words[0].start <= 7.5


def test_batched_decoding_hears_the_same_call(whisper) -> None:  # type: ignore[no-untyped-def]
    """CALLQA_ASR_BATCH_SIZE: faster-whisper's batched pipeline on the same VAD regions."""
    audio = load_audio(pyannote_sample() / "sample.wav")[0]
    result = whisper.transcribe(audio, TranscribeOptions(batch_size=4))
    hypothesis = " ".join(w.text for w in result.words)
    wer = jiwer.wer(normalise(reference_text()), normalise(hypothesis))
    assert wer <= 0.18, f"WER {wer:.1%}: {hypothesis}"
    words = result.words
    assert all(0 <= w.start <= w.end <= 30.5 for w in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert 6.0 <= words[0].start <= 7.5  # timestamps are absolute, not per window


def test_batched_decoding_of_silence_finds_no_words(whisper) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    result = whisper.transcribe(np.zeros(16_000 * 5, dtype=np.float32),
                                TranscribeOptions(batch_size=4))
    assert result.words == ()
