"""What the pipeline around faster-whisper costs: bare model time vs the whole flow.

On the same recording, in one process, with the model already loaded for both:

- bare: ``WhisperModel.transcribe`` on each channel with the pipeline's own options
  (the model the pipeline picks for the call's language, beam 5, VAD, word timestamps,
  the same fallback temperatures), the generator consumed, nothing else;
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


def bare_whisper_seconds(model: Any, audio: Any, options: ProcessOptions,
                         language: str | None = None) -> float:
    from pipeline.transcribe import TEMPERATURES

    t = options.transcribe
    started = time.perf_counter()
    for channel in audio:
        segments, _ = model.transcribe(
            channel, language=language if model.model.is_multilingual else None,
            beam_size=t.beam_size, vad_filter=t.vad,
            vad_parameters={"threshold": t.vad_threshold,
                            "min_silence_duration_ms": t.vad_min_silence_ms,
                            "speech_pad_ms": t.vad_speech_pad_ms},
            word_timestamps=True, condition_on_previous_text=False,
            temperature=TEMPERATURES, no_speech_threshold=None,
        )
        for _ in segments:
            pass
    return time.perf_counter() - started


def run(workdir: Path, minutes: float = 5.0, repeats: int = 2,
        name: str = "en_billing_stereo", threads: int | None = None) -> dict[str, Any]:
    """``name``: the sample tiled to ``minutes``; ``threads``: the ASR's CPU threads
    (default: the settings'), for the bare model and the flow alike."""
    from pipeline.settings import settings_for

    env = {"CALLQA_ASR_CPU_THREADS": str(threads)} if threads else {}
    with settings_for(env):
        return _run(workdir, minutes, repeats, name)


def _run(workdir: Path, minutes: float, repeats: int, name: str) -> dict[str, Any]:
    from flows.process import process_recording
    from pipeline.settings import get_settings
    from pipeline.transcribe import get_transcriber

    settings = get_settings()
    options = ProcessOptions.from_settings(settings)
    store = Path(settings.resolved_store_url)
    path = tiled_call(workdir / "audio", name=name, minutes=minutes)
    metadata = parse_metadata(sidecar(path), key=path.name)  # a bad sidecar fails here
    audio = load_audio(path)
    duration = audio.shape[1] / 16_000
    transcriber = get_transcriber(options.language.model_for(metadata.language, options.model))
    model = transcriber.model  # type: ignore[attr-defined]

    # Warm up: model loaded, Prefect's ephemeral API started, database created.
    warm = tiled_call(workdir / "warm", name=name, minutes=0.5)
    store.mkdir(parents=True, exist_ok=True)
    for f in (warm, Path(f"{warm}.json")):
        shutil.copyfile(f, store / f.name)
    process_recording(warm.name)

    bare, flow = [], []
    for i in range(repeats):  # interleaved, so both see the same machine
        bare.append(bare_whisper_seconds(model, audio, options, metadata.language))
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
    return {"path": path, "model": transcriber.name, "threads": options.model.cpu_threads,
            "audio_s": duration, "bare_s": best_bare, "pipeline_s": best_flow,
            "ratio": best_flow / best_bare, "rtf_bare": best_bare / duration,
            "rtf_pipeline": best_flow / duration}
