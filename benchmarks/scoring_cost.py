"""What scoring costs beside transcription, on the same calls.

For each bundled English sample call (and the tiled long call): transcription time (decode,
VAD, faster-whisper, merge; model loaded beforehand) against scoring time (per-utterance
sentiment, every rubric criterion including the semantic ones, flags; models loaded
beforehand, as in a worker that stays warm). Model loading is reported apart.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.audio import SAMPLES
from pipeline.metadata import parse_metadata
from pipeline.process import ProcessOptions, analyse, transcribe_recording
from pipeline.settings import get_settings

CALLS = ["en_billing_stereo", "en_sales_outbound_stereo", "en_complaint_mono"]


def run(extra: list[Path] | None = None, repeats: int = 3) -> dict[str, Any]:
    from scoring.models.provider import DefaultModels

    started = time.perf_counter()
    models = DefaultModels(threads=get_settings().scoring_threads)
    models.sentiment().predict(["warm up"])  # loads MiniLM and embeds the prototypes
    load_s = time.perf_counter() - started
    paths = [SAMPLES / f"{n}.ogg" for n in CALLS] + list(extra or [])
    return {"load_s": load_s, "rows": [measure(p, models, repeats) for p in paths]}


def measure(audio: Path, models: Any, repeats: int) -> dict[str, Any]:
    from scoring import builtin_rubrics, select_rubric
    from scoring.scorer import score_call
    from scoring.sentiment import utterance_sentiment
    from scoring.view import view_of_analysis

    options = ProcessOptions()
    metadata = parse_metadata(json.loads(Path(f"{audio}.json").read_text()), key=audio.name)
    transcribe_recording(audio, metadata, options)  # warm
    asr = best(lambda: transcribe_recording(audio, metadata, options), repeats)
    analysis = analyse(transcribe_recording(audio, metadata, options), options)
    view = view_of_analysis(analysis, metadata, audio.name)
    rubric = select_rubric(builtin_rubrics(), view)
    if rubric is None:
        raise RuntimeError(f"no shipped rubric for {audio.name}")
    memo = models.embedder()._memo

    def score() -> None:
        for u in view.utterances:  # each run embeds the call's utterances afresh
            memo.pop(u.text, None)
        scores = utterance_sentiment(view.utterances, models.sentiment())
        score_call(dataclasses.replace(view, sentiment=tuple(scores)), rubric, models)

    score()  # the rubric's example sentences are embedded once per worker
    scoring = best(score, repeats)
    return {"call": audio.stem, "audio_s": view.duration, "utterances": len(view.utterances),
            "rubric": rubric.label, "asr_s": asr, "score_s": scoring, "share": scoring / asr}


def best(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)
