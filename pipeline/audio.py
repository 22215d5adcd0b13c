"""Decode a recording into 16 kHz float32 chunks, one row per channel, with bounded memory.

PyAV (the decoder faster-whisper itself uses) reads any container ffmpeg reads. A long
call is yielded in chunks of about ``chunk_seconds``, each cut at the quietest moment
near the chunk's end so that a word is rarely split in two.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from pipeline.errors import AudioDecodeError

SAMPLE_RATE = 16_000
_CUT_SEARCH = 5.0  # seconds before a chunk's nominal end searched for a quiet cut point
_CUT_WINDOW = 0.05


@dataclass(frozen=True)
class AudioInfo:
    duration: float  # seconds, as the container declares it
    channels: int  # 1 or 2 after decoding (more than two are mixed down to one)
    source_channels: int
    sample_rate: int
    codec: str
    size: int


def content_hash(path: Path) -> str:
    """SHA-256 of the file's bytes: the idempotency key of a recording."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def probe(path: Path) -> AudioInfo:
    """Open the file and read what it declares, without decoding it."""
    import av

    size = path.stat().st_size
    if size == 0:
        raise AudioDecodeError("file is empty (0 bytes)", hint="Upload the complete recording.")
    _check_wav_complete(path, size)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioDecodeError(
                    "file has no audio stream",
                    hint="Upload an audio recording (wav, mp3, ogg, flac).",
                )
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000
            else:
                duration = 0.0
            source_channels = stream.codec_context.channels or 1
            return AudioInfo(
                duration=duration,
                channels=2 if source_channels == 2 else 1,
                source_channels=source_channels,
                sample_rate=stream.codec_context.sample_rate or 0,
                codec=stream.codec_context.name,
                size=size,
            )
    except AudioDecodeError:
        raise
    except Exception as exc:  # av.error.InvalidDataError and friends
        raise AudioDecodeError(
            f"not a readable audio file ({type(exc).__name__}: {exc})",
            hint="Upload an audio recording (wav, mp3, ogg, flac).",
        ) from exc


def _check_wav_complete(path: Path, size: int) -> None:
    """A WAV whose data chunk is shorter than its header says was cut off in transfer."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return
        offset = 12
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                raise AudioDecodeError(
                    "WAV file is truncated: no audio data", hint="Upload the complete recording."
                )
            cid, csize = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            offset += 8
            if cid == b"data":
                present = size - offset
                # 0 and 0xFFFFFFFF mark a stream whose size was never written back.
                if csize not in (0, 0xFFFFFFFF) and present < csize * 0.98:
                    raise AudioDecodeError(
                        f"WAV file is truncated: header declares {csize} bytes of audio, "
                        f"file holds {present}",
                        hint="Upload the complete recording.",
                    )
                if csize not in (0, 0xFFFFFFFF) and present > csize * 1.02:
                    _check_wav_tail(fh, offset + csize + (csize & 1), size, csize, present)
                return
            offset += csize + (csize & 1)
            fh.seek(offset)


def _check_wav_tail(fh: BinaryIO, at: int, size: int, declared: int, present: int) -> None:
    """Bytes after the declared data chunk must be chunks (LIST, id3...), not more audio
    that a decoder trusting the header would silently drop."""
    fh.seek(at)
    head = fh.read(8)
    if len(head) == 8 and all(32 <= b < 127 for b in head[:4]) and (
            at + 8 + struct.unpack("<I", head[4:])[0] <= size):
        return
    raise AudioDecodeError(
        f"WAV header declares {declared} bytes of audio but {present} follow it: only "
        f"{declared / present:.0%} of the recording would be heard",
        hint="The recorder wrote a wrong header; fix or re-save the file and upload it again.",
    )


def iter_chunks(
    path: Path, chunk_seconds: float = 600.0, sample_rate: int = SAMPLE_RATE
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(offset_seconds, samples)`` with samples shaped ``(channels, n)`` float32.

    Memory stays around one chunk whatever the length of the recording.
    """
    import av

    info = probe(path)
    layout = "stereo" if info.channels == 2 else "mono"
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)
    chunk_len = int(chunk_seconds * sample_rate)
    search = int(min(_CUT_SEARCH, chunk_seconds / 4) * sample_rate)
    pending: list[np.ndarray] = []
    pending_len = 0
    offset = 0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            for frame in _frames(container, stream):
                for out in resampler.resample(frame):
                    block = out.to_ndarray().astype(np.float32, copy=False)
                    pending.append(block.reshape(info.channels, -1))
                    pending_len += block.shape[-1]
                while pending_len >= chunk_len + search:
                    buffer = np.concatenate(pending, axis=1)
                    cut = _quiet_cut(buffer, chunk_len, search, sample_rate)
                    yield offset / sample_rate, buffer[:, :cut]
                    offset += cut
                    pending, pending_len = [buffer[:, cut:]], buffer.shape[1] - cut
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().astype(np.float32).reshape(info.channels, -1))
                pending_len += out.samples
    except AudioDecodeError:
        raise
    except Exception as exc:
        raise AudioDecodeError(
            f"audio could not be decoded past {offset / sample_rate:.1f} s "
            f"({type(exc).__name__}: {exc})",
            hint="The file is damaged; upload it again.",
        ) from exc
    if pending_len:
        yield offset / sample_rate, np.concatenate(pending, axis=1)
    decoded = (offset + pending_len) / sample_rate
    if info.duration > 2.0 and decoded < info.duration * 0.9:
        raise AudioDecodeError(
            f"audio is truncated: declares {info.duration:.1f} s, decodes to {decoded:.1f} s",
            hint="Upload the complete recording.",
        )


def _frames(container, stream):  # type: ignore[no-untyped-def]
    for packet in container.demux(stream):
        yield from packet.decode()


def _quiet_cut(buffer: np.ndarray, nominal: int, search: int, sample_rate: int) -> int:
    """The sample index near ``nominal`` where the mixed signal is quietest."""
    if search <= 0:
        return nominal
    region = np.abs(buffer[:, nominal - search : nominal]).mean(axis=0)
    window = max(1, int(_CUT_WINDOW * sample_rate))
    usable = (len(region) // window) * window
    if usable == 0:
        return nominal
    energy = region[:usable].reshape(-1, window).mean(axis=1)
    quietest = int(np.argmin(energy))
    return nominal - search + quietest * window + window // 2


def load_audio(path: Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The whole recording as ``(channels, n)``: for short files, tests and benchmarks."""
    parts = [chunk for _, chunk in iter_chunks(path, chunk_seconds=1e9, sample_rate=sample_rate)]
    if not parts:
        return np.zeros((1, 0), dtype=np.float32)
    return np.concatenate(parts, axis=1)
