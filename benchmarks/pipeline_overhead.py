"""What the pipeline around faster-whisper costs: bare model time vs the whole flow.

On the same recording, in one process, with the model already loaded for both:

- bare: ``WhisperModel.transcribe`` on each channel with the pipeline's own options
  (beam 5, VAD, word timestamps), the generator consumed, nothing else;
- pipeline: the ``process_recording`` Prefect flow on that recording in the local store:
  fetch, hash, decode, transcribe, clip timestamps, merge channels, roles, metrics, PII,
  database write, flow and task orchestration.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from benchmarks.audio import sidecar, tiled_call
from pipeline.audio import load_audio
from pipeline.metadata import parse_metadata
from pipeline.process import ProcessOptions


def bare_whisper_seconds(model: Any, audio: Any, options: ProcessOptions) -> float:
    t = options.transcribe
    started = time.perf_counter()
    for channel in audio:
        segments, _ = model.transcribe(
            channel, language=None, beam_size=t.beam_size, vad_filter=t.vad,
            vad_parameters={"threshold": t.vad_threshold,
                            "min_silence_duration_ms": t.vad_min_silence_ms,
                            "speech_pad_ms": t.vad_speech_pad_ms},
            word_timestamps=True, condition_on_previous_text=False,
        )
        for _ in segments:
            pass
    return time.perf_counter() - started


def run(workdir: Path, minutes: float = 5.0, repeats: int = 2) -> dict[str, Any]:
    from flows.process import process_recording
    from pipeline.settings import get_settings
    from pipeline.transcribe import get_transcriber

    settings = get_settings()
    options = ProcessOptions.from_settings(settings)
    store = Path(settings.resolved_store_url)
    path = tiled_call(workdir / "audio", minutes=minutes)
    parse_metadata(sidecar(path), key=path.name)  # a bad sidecar fails here, not mid-run
    audio = load_audio(path)
    duration = audio.shape[1] / 16_000
    model = get_transcriber(options.model).model  # type: ignore[attr-defined]

    # Warm up: model loaded, Prefect's ephemeral API started, database created.
    warm = tiled_call(workdir / "warm", minutes=0.5)
    store.mkdir(parents=True, exist_ok=True)
    for f in (warm, Path(f"{warm}.json")):
        shutil.copyfile(f, store / f.name)
    process_recording(warm.name)

    bare, flow = [], []
    for i in range(repeats):  # interleaved, so both see the same machine
        bare.append(bare_whisper_seconds(model, audio, options))
        key = f"bench-{i}-{path.name}"
        shutil.copyfile(path, store / key)
        shutil.copyfile(f"{path}.json", store / f"{key}.json")
        started = time.perf_counter()
        outcome = process_recording(key, force=True)
        flow.append(time.perf_counter() - started)
        if outcome.status != "done":
            raise RuntimeError(f"benchmark call not processed: {outcome}")
        # each repeat is new content for idempotency: flip one sample
        path.write_bytes(path.read_bytes()[:-2] + bytes([i % 256, 0]))
    best_bare, best_flow = min(bare), min(flow)
    return {"path": path, "audio_s": duration, "bare_s": best_bare, "pipeline_s": best_flow,
            "ratio": best_flow / best_bare, "rtf_bare": best_bare / duration,
            "rtf_pipeline": best_flow / duration}
