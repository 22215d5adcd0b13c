"""Benchmark audio: a bundled sample call tiled to a realistic call length."""

from __future__ import annotations

import json
import shutil
import wave
from importlib import resources
from pathlib import Path

import numpy as np

from pipeline.audio import load_audio

# The sample calls are package data of pipeline (pipeline/samples/), found through it
# (callqa installs as files, a wheel or an editable checkout: the resource is a folder).
SAMPLES = Path(str(resources.files("pipeline") / "samples"))


def write_wav(path: Path, audio: np.ndarray) -> Path:
    """``audio`` ((channels, n) float32 at 16 kHz) as a 16-bit PCM WAV at ``path``."""
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").T.copy()
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(audio.shape[0])
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(pcm.tobytes())
    return path


def tiled_call(out_dir: Path, name: str = "en_billing_stereo", minutes: float = 5.0,
               path: Path | None = None, lead_seconds: float = 0.0) -> Path:
    """Write ``<name>_<minutes>min.wav`` (16 kHz, the sample's channels) and its sidecar.

    ``path`` names the file instead; ``lead_seconds`` of silence first make recordings of
    the same sample different files (different content hashes).
    """
    audio = load_audio(SAMPLES / f"{name}.ogg")  # (channels, n) float32 at 16 kHz
    repeats = max(1, round(minutes * 60 / (audio.shape[1] / 16_000)))
    lead = np.zeros((audio.shape[0], round(lead_seconds * 16_000)), dtype=np.float32)
    tiled = np.concatenate([lead, np.tile(audio, (1, repeats))], axis=1)
    path = write_wav(path or out_dir / f"{name}_{minutes:g}min.wav", tiled)
    shutil.copyfile(SAMPLES / f"{name}.ogg.json", Path(f"{path}.json"))
    return path


def sidecar(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(Path(f"{path}.json").read_text())
    return data
