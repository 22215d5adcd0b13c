"""A clip's audio: its time span of the call's recording as 16 kHz 16-bit WAV, with every
spoken-PII span of the call that overlaps it silenced.

Only the clip's part is decoded: the demuxer seeks to (just before) the clip's start and
decoding stops at its end. The recording comes from the store's ``open_reader``: a local
file read in place, or an S3 object read in ranged GETs
(:class:`pipeline.store_s3.S3RangeReader`), so a 20 s cut of a 2-hour call fetches a few
blocks, not the whole object.
"""

from __future__ import annotations

import io
import math
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from pipeline.audio import SAMPLE_RATE
from pipeline.errors import AudioDecodeError

FADE_SECONDS = 0.005  # ramp in the audio around a silenced span, so cuts do not click
MAX_CLIP_SECONDS = 15 * 60.0
_SEEK_MARGIN = 0.5  # seek this far before the start: a seek may land on a later frame


@dataclass(frozen=True)
class Span:
    """A silenced span, in seconds relative to the clip's start."""

    kind: str
    start: float
    end: float


def clip_spans(pii: Iterable[Any], start: float, end: float) -> list[Span]:
    """The PII spans (objects with kind, start, end in call time) overlapping
    ``[start, end)``, clamped to the clip and made relative to its start."""
    spans = [Span(p.kind, max(p.start, start) - start, min(p.end, end) - start)
             for p in pii if p.end > start and p.start < end and p.end > p.start]
    return sorted(spans, key=lambda s: (s.start, s.end))


def decode_span(source: Path | BinaryIO | io.RawIOBase, start: float, end: float,
                sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Samples ``[start, end)`` of the recording as ``(channels, n)`` float32 at
    ``sample_rate`` (stereo stays stereo; more channels are mixed to mono). Shorter than
    ``end - start`` only where the recording ends first."""
    import av

    first, last = round(start * sample_rate), round(end * sample_rate)
    try:
        container = av.open(str(source) if isinstance(source, Path) else source, mode="r",
                            metadata_errors="ignore")
    except Exception as exc:
        raise AudioDecodeError(f"not a readable audio file ({type(exc).__name__}: {exc})",
                               hint="The recording is damaged.") from exc
    with container:
        if not container.streams.audio:
            raise AudioDecodeError("file has no audio stream")
        stream = container.streams.audio[0]
        channels = 2 if (stream.codec_context.channels or 1) == 2 else 1
        resampler = av.AudioResampler(format="fltp", layout="stereo" if channels == 2
                                      else "mono", rate=sample_rate)
        seek_to = max(0.0, start - _SEEK_MARGIN)
        if seek_to > 0 and stream.time_base is not None:
            try:
                container.seek(int(seek_to / stream.time_base), stream=stream, backward=True)
            except Exception:  # not seekable: decode from the beginning
                container.seek(0, stream=stream)
        parts: list[np.ndarray] = []
        pos: int | None = None  # output sample index (call time) of the next resampled sample
        try:
            for packet in container.demux(stream):
                for frame in packet.decode():
                    if pos is None:
                        pos = round(frame.time * sample_rate) if frame.time is not None else 0
                        if pos > first:  # landed after the start: keep the timeline exact
                            parts.append(np.zeros((channels, min(pos, last) - first),
                                                  np.float32))
                    for out in resampler.resample(frame):
                        pos = _keep(out, channels, pos, first, last, parts)
                    if pos >= last:
                        break
                else:
                    continue
                break
            else:
                for out in resampler.resample(None):
                    pos = _keep(out, channels, pos or 0, first, last, parts)
        except Exception as exc:
            raise AudioDecodeError(f"audio could not be decoded ({type(exc).__name__}: {exc})",
                                   hint="The recording is damaged.") from exc
    if not parts:
        return np.zeros((channels, 0), np.float32)
    return np.concatenate(parts, axis=1)


def _keep(out: Any, channels: int, pos: int, first: int, last: int,
          parts: list[np.ndarray]) -> int:
    block = out.to_ndarray().astype(np.float32, copy=False).reshape(channels, -1)
    lo, hi = max(first - pos, 0), min(last - pos, block.shape[1])
    if hi > lo:
        parts.append(block[:, lo:hi])
    return pos + block.shape[1]


def silence(samples: np.ndarray, spans: Iterable[Span], sample_rate: int = SAMPLE_RATE,
            fade: float = FADE_SECONDS) -> np.ndarray:
    """Zero every span (rounded outwards to whole samples), with a short linear ramp in the
    audio just outside each span. Works in place and returns ``samples``."""
    n = samples.shape[1]
    ramp = max(0, int(fade * sample_rate))
    gain = np.ones(n, np.float32)
    for span in spans:
        a = max(0, math.floor(span.start * sample_rate))
        b = min(n, math.ceil(span.end * sample_rate))
        if b <= a:
            continue
        gain[a:b] = 0.0
        if ramp:
            before = np.arange(max(0, a - ramp), a)
            gain[before] = np.minimum(gain[before], (a - before) / (ramp + 1))
            after = np.arange(b, min(n, b + ramp))
            gain[after] = np.minimum(gain[after], (after - b + 1) / (ramp + 1))
    samples *= gain
    return samples


def wav_bytes(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    """``(channels, n)`` float32 in [-1, 1] as a 16-bit PCM WAV file."""
    pcm = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(samples.shape[0])
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.T.tobytes())  # interleaved frames
    return buffer.getvalue()
