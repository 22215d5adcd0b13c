"""faster-whisper's batched pipeline against the sequential one callqa uses, same audio.

Both run in one process on one loaded model, over every channel of the English sample
and behaviour calls (tiny.en is English only) plus one long call:

- sequential: :class:`pipeline.transcribe.WhisperTranscriber` as the pipeline runs it
  (Silero VAD once, speech chunks decoded one 30 s window at a time, beam 5, words);
- batched: the same transcriber with ``batch_size`` set: faster-whisper's
  ``BatchedInferencePipeline`` on the same model, the same VAD regions (cut at 30 s),
  beam 5 and word timestamps, ``batch_size`` windows decoded together;
- sequential on 1 thread, beside the default of one thread per core: whether a worker
  should get every core, or each core its own 1-thread worker.

Word error rate against each call's scripted reference says what a speed-up costs.
The choice it informs is ``CALLQA_ASR_BATCH_SIZE`` (0: sequential).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.audio import SAMPLES, tiled_call
from pipeline.audio import load_audio
from pipeline.process import ProcessOptions
from pipeline.transcribe import WhisperTranscriber, get_transcriber

BEHAVIOUR = Path(__file__).resolve().parents[1] / "tests" / "data" / "behaviour"


def _channels(path: Path) -> list[tuple[np.ndarray, str]]:
    """Each channel of a call with its reference text (mono: the whole script)."""
    ref = json.loads(path.with_suffix(".ref.json").read_text())
    audio = load_audio(path)
    out = []
    for c in range(audio.shape[0]):
        turns = [t for t in ref["turns"] if audio.shape[0] == 1 or t.get("channel") == c]
        out.append((audio[c], " ".join(t["text"] for t in sorted(turns, key=lambda t: t["start"]))))
    return out


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']", " ", text.lower())).strip()


def _wer(refs: list[str], hyps: list[str]) -> float:
    import jiwer

    return float(jiwer.wer([_normalise(r) for r in refs], [_normalise(h) or "-" for h in hyps]))


def run(workdir: Path, batch_sizes: tuple[int, ...] = (4, 8), minutes: float = 5.0,
        repeats: int = 1) -> dict[str, Any]:
    from pipeline.settings import get_settings

    options = ProcessOptions.from_settings(get_settings())
    transcriber = get_transcriber(options.model)
    assert isinstance(transcriber, WhisperTranscriber)
    t = options.transcribe
    calls = sorted(p for p in SAMPLES.glob("en_*.ogg")) + sorted(BEHAVIOUR.glob("*.ogg"))
    long_call = tiled_call(workdir / "audio", minutes=minutes)
    channels = [ch for p in calls for ch in _channels(p)]
    long_ref = json.loads((SAMPLES / "en_billing_stereo.ref.json").read_text())
    long_audio = load_audio(long_call)
    for c in range(long_audio.shape[0]):
        text = " ".join(x["text"] for x in long_ref["turns"] if x["channel"] == c)
        reps = round(long_audio.shape[1] / 16_000 / long_ref["duration"])
        channels.append((long_audio[c], " ".join([text] * reps)))
    audio_s = sum(len(a) for a, _ in channels) / 16_000
    refs = [r for _, r in channels]

    transcriber.transcribe(channels[0][0], replace(t, batch_size=4))  # warm-up
    transcriber.transcribe(channels[0][0], t)

    def words(a: np.ndarray, batch_size: int, on: WhisperTranscriber = transcriber) -> str:
        result = on.transcribe(a, replace(t, batch_size=batch_size))
        return " ".join(w.text for w in result.words)

    def timed(fn: Any) -> tuple[float, list[str]]:
        best, hyps = float("inf"), []
        for _ in range(repeats):
            started = time.perf_counter()
            hyps = [fn(a) for a, _ in channels]
            best = min(best, time.perf_counter() - started)
        return best, hyps

    seq_s, seq_h = timed(lambda a: words(a, 0))
    rows: list[dict[str, Any]] = [
        {"mode": "sequential (callqa)", "seconds": seq_s, "wer": _wer(refs, seq_h)}]
    for b in batch_sizes:
        s, h = timed(lambda a, b=b: words(a, b))
        rows.append({"mode": f"batched, batch_size={b}", "seconds": s, "wer": _wer(refs, h)})
    if options.model.cpu_threads > 1:  # is one more thread worth it? (one worker per core?)
        one = get_transcriber(replace(options.model, cpu_threads=1))
        assert isinstance(one, WhisperTranscriber)
        words(channels[0][0], 0, one)  # warm-up
        s, h = timed(lambda a: words(a, 0, one))
        rows.append({"mode": "sequential, 1 thread", "seconds": s, "wer": _wer(refs, h)})
    for row in rows:
        row["rtf"] = row["seconds"] / audio_s
        row["ratio"] = row["seconds"] / seq_s
    return {"audio_s": audio_s, "channels": len(channels), "calls": len(calls) + 1,
            "rows": rows, "threads": options.model.cpu_threads}


def report(r: dict[str, Any]) -> None:
    print(f"\n== batched faster-whisper (issue 5): {r['calls']} calls, {r['channels']} channels, "
          f"{r['audio_s']:.0f} s of audio, tiny.en int8 on {r['threads']} CPU threads")
    print(f"{'mode':26} {'seconds':>8} {'RTF':>7} {'/ seq':>7} {'WER':>7}")
    for row in r["rows"]:
        print(f"{row['mode']:26} {row['seconds']:8.1f} {row['rtf']:7.3f} {row['ratio']:7.2f} "
              f"{row['wer']:7.1%}")
