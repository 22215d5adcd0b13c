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
from pathlib import Path

from benchmarks.audio import SAMPLES
from pipeline.metadata import parse_metadata
from pipeline.process import ProcessOptions, analyse, transcribe_recording
from pipeline.settings import get_settings
from pipeline.types import CallMetrics

CALLS = ["en_billing_stereo", "en_sales_outbound_stereo", "en_complaint_mono"]


def _view(key: str, analysis, metadata):  # type: ignore[no-untyped-def]
    from scoring.types import CallView

    transcript = analysis.transcript
    metrics: CallMetrics = analysis.metrics
    utterances = tuple(dataclasses.replace(u, text=r)
                       for u, r in zip(transcript.utterances, analysis.redacted, strict=True))
    return CallView(key=key, language=transcript.language, direction=metadata.direction,
                    queue=metadata.queue, duration=transcript.duration, utterances=utterances,
                    metrics=metrics, redacted=analysis.redacted, pii=analysis.pii)


def run(extra: list[Path] | None = None, repeats: int = 3) -> dict[str, object]:
    from scoring import builtin_rubrics, select_rubric
    from scoring.models.provider import DefaultModels
    from scoring.scorer import score_call
    from scoring.sentiment import utterance_sentiment

    options = ProcessOptions()
    started = time.perf_counter()
    models = DefaultModels(threads=get_settings().scoring_threads)
    models.sentiment().predict(["warm up"])  # loads MiniLM and embeds the prototypes
    load_s = time.perf_counter() - started
    rubrics = builtin_rubrics()

    paths = [(SAMPLES / f"{n}.ogg", SAMPLES / f"{n}.ogg.json") for n in CALLS]
    paths += [(p, Path(f"{p}.json")) for p in extra or []]
    rows = []
    for audio, sidecar in paths:
        metadata = parse_metadata(json.loads(sidecar.read_text()), key=audio.name)
        transcribe_recording(audio, metadata, options)  # warm
        asr = min(_timed(lambda: transcribe_recording(audio, metadata, options))
                  for _ in range(repeats))
        analysis = analyse(transcribe_recording(audio, metadata, options), options)
        view = _view(audio.name, analysis, metadata)
        rubric = select_rubric(rubrics, view)
        assert rubric is not None, audio.name

        memo = models.embedder()._memo  # type: ignore[attr-defined]

        def score() -> None:
            for u in view.utterances:  # each run embeds the call's utterances afresh
                memo.pop(u.text, None)
            scores = utterance_sentiment(view.utterances, models.sentiment())
            score_call(dataclasses.replace(view, sentiment=tuple(scores)), rubric, models)

        score()  # the rubric's example sentences are embedded once per worker
        scoring = min(_timed(score) for _ in range(repeats))
        rows.append({"call": audio.stem, "audio_s": view.duration,
                     "utterances": len(view.utterances), "rubric": rubric.label,
                     "asr_s": asr, "score_s": scoring, "share": scoring / asr})
    return {"load_s": load_s, "rows": rows}


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
