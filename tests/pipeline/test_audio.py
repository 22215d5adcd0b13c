from __future__ import annotations

import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import content_hash, iter_chunks, load_audio, probe
from pipeline.errors import AudioDecodeError

RATE = 16_000


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """samples: (channels, n) float in -1..1."""
    samples = np.atleast_2d(samples)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").T.copy()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[0])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def tone(seconds: float, freq: float = 440.0, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_stereo_channels_stay_apart(tmp_path: Path) -> None:
    left, right = tone(2.0, 300), np.zeros(int(2.0 * RATE), np.float32)
    path = write_wav(tmp_path / "s.wav", np.stack([left, right]))
    info = probe(path)
    assert (info.channels, info.sample_rate) == (2, RATE)
    audio = load_audio(path)
    assert audio.shape == (2, 2 * RATE)
    assert np.abs(audio[0]).mean() > 0.1 and np.abs(audio[1]).max() < 1e-3


def test_resamples_8khz_telephone_audio(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "t.wav", tone(3.0, rate=8000)[None, :], rate=8000)
    audio = load_audio(path)
    assert audio.shape[0] == 1 and abs(audio.shape[1] - 3 * RATE) < 200


def test_chunks_cut_in_quiet_places_and_cover_everything(tmp_path: Path) -> None:
    # 1 s bursts of tone separated by 0.5 s of silence: cuts must fall in the silences.
    burst = np.concatenate([tone(1.0), np.zeros(RATE // 2, np.float32)])
    signal = np.tile(burst, 20)
    path = write_wav(tmp_path / "b.wav", signal[None, :])
    chunks = list(iter_chunks(path, chunk_seconds=7.0))
    assert len(chunks) >= 3
    assert sum(c.shape[1] for _, c in chunks) == signal.size
    for offset, _chunk in chunks[1:]:
        edge = int(offset * RATE)
        assert np.abs(signal[edge - 80 : edge + 80]).max() < 0.05, f"cut at {offset} s is in speech"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioDecodeError, match="empty"):
        probe(path)


def test_non_audio_bytes(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp3"
    path.write_bytes(b"this is a meeting note, not audio\n" * 100)
    with pytest.raises(AudioDecodeError, match="not a readable audio file"):
        probe(path)


def test_truncated_wav(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "t.wav", tone(10.0)[None, :])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(AudioDecodeError, match="truncated") as err:
        list(iter_chunks(path))
    assert "Upload the complete recording" in str(err.value)


def test_content_hash_is_of_content(tmp_path: Path) -> None:
    a = write_wav(tmp_path / "a.wav", tone(1.0)[None, :])
    b = tmp_path / "b.wav"
    b.write_bytes(a.read_bytes())
    c = write_wav(tmp_path / "c.wav", tone(1.0, 500)[None, :])
    assert content_hash(a) == content_hash(b) != content_hash(c)


@pytest.mark.slow
def test_two_hour_call_decodes_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    minute = (np.random.default_rng(0).standard_normal(60 * RATE) * 0.01).astype(np.float32)
    pcm = (minute * 32767).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        for _ in range(120):
            w.writeframes(pcm)
    whole_call_bytes = 120 * 60 * RATE * 4  # what decoding it in one piece would hold
    tracemalloc.start()
    total = 0
    for _, chunk in iter_chunks(path, chunk_seconds=600):
        total += chunk.shape[1]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == 120 * 60 * RATE
    chunk_bytes = 600 * RATE * 4
    # Memory is a few chunks' worth (the chunk, its look-ahead, one concatenation copy),
    # whatever the length of the call: here under a third of the whole call.
    assert peak < 4 * chunk_bytes < whole_call_bytes, f"peak {peak / 2**20:.0f} MiB"
