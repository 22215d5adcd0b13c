"""A call's whole recording with every spoken-PII span silenced, as a 16 kHz 16-bit WAV file
made once and kept in a cache folder (``CALLQA_HOME/redacted``).

The file is named ``<call id>-<digest>.wav``; the digest covers the recording (store, key,
content hash) and the spans, so new or changed PII findings make a new file and the old one
is removed. It is written to a temporary name in the same folder and renamed into place, so
a reader never sees half a file and two first plays at once only do the work twice.

The recording is decoded in chunks (:func:`pipeline.clip_audio.decode_span`, which seeks a
little before each chunk so the resampler is warm at its start), so a two-hour call never
sits in memory whole. Silencing is :func:`pipeline.clip_audio.silence`, as for clips.

:func:`remove_redacted` deletes a call's files; erasure (and so retention) calls it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import wave
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from pipeline.audio import SAMPLE_RATE
from pipeline.clip_audio import clip_spans, decode_span, silence

__all__ = ["CHUNK_SECONDS", "redacted_dir", "redacted_wav", "remove_redacted", "spans_digest"]

CHUNK_SECONDS = 300.0  # decoded at a time: 5 min of 16 kHz stereo float32 is ~38 MB
_VERSION = "1"  # part of the digest: bump when the output format changes


def redacted_dir(home: Path) -> Path:
    """The cache folder of redacted recordings under ``CALLQA_HOME``."""
    return home / "redacted"


def spans_digest(source: Iterable[object], pii: Iterable[Any]) -> str:
    """A short digest of the recording's identity (``source``: store URL, key, content hash)
    and of the spans (objects with ``start`` and ``end`` in seconds)."""
    spans = sorted((round(float(p.start), 3), round(float(p.end), 3)) for p in pii)
    text = repr((_VERSION, [str(s) for s in source], spans))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _name_pattern(call_id: str) -> re.Pattern[str]:
    return re.compile(rf"\.?{re.escape(call_id)}-[0-9a-f]+(\.wav|\.[^.]*\.tmp)")


def redacted_wav(folder: Path, call_id: str, digest: str, pii: Iterable[Any],
                 open_reader: Callable[[], BinaryIO],
                 sample_rate: int = SAMPLE_RATE) -> Path:
    """The redacted WAV of the call: the cached file, or one made now from the recording
    (``open_reader`` opens it afresh each call) with every span of ``pii`` (objects with
    ``kind``, ``start``, ``end`` in call time) silenced. Older files of the call go."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{call_id}-{digest}.wav"
    if path.is_file():
        return path
    spans = list(pii)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{call_id}-{digest}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            _write(raw, spans, open_reader, sample_rate)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _remove(folder, call_id, keep=path.name, temporary=False)
    return path


def _write(raw: BinaryIO, spans: list[Any],
           open_reader: Callable[[], BinaryIO],
           sample_rate: int) -> None:
    """Decode, silence and append chunk after chunk; the WAV header is started only once
    the first chunk decoded (so a missing or damaged recording raises its own error)."""
    start, chunk = 0.0, _chunk(spans, open_reader, 0.0, sample_rate)
    with wave.open(raw, "wb") as out:
        out.setnchannels(chunk.shape[0])
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        while True:
            end = start + CHUNK_SECONDS
            pcm = np.clip(np.round(chunk * 32768.0), -32768, 32767).astype("<i2")
            out.writeframes(pcm.T.tobytes())  # interleaved frames
            if chunk.shape[1] < round(end * sample_rate) - round(start * sample_rate):
                return  # the recording ended inside this chunk
            start, chunk = end, _chunk(spans, open_reader, end, sample_rate)


def _chunk(spans: list[Any], open_reader: Callable[[], BinaryIO],
           start: float, sample_rate: int) -> np.ndarray:
    """``CHUNK_SECONDS`` of the recording from ``start``, its PII spans silenced."""
    end = start + CHUNK_SECONDS
    with open_reader() as reader:
        samples = decode_span(reader, start, end, sample_rate)
    return silence(samples, clip_spans(spans, start, end), sample_rate)


def remove_redacted(folder: Path, call_id: str) -> int:
    """Delete every cached redacted file of the call (and half-written ones); how many."""
    return _remove(folder, call_id, keep=None, temporary=True)


def _remove(folder: Path, call_id: str, *, keep: str | None, temporary: bool) -> int:
    if not folder.is_dir():
        return 0
    pattern, removed = _name_pattern(call_id), 0
    for entry in folder.iterdir():
        if entry.name == keep or not pattern.fullmatch(entry.name):
            continue
        if entry.name.endswith(".tmp") and not temporary:
            continue  # another request may be writing it right now
        with contextlib.suppress(FileNotFoundError):
            entry.unlink()
            removed += 1
    return removed
