"""A :class:`CallView` from a fresh analysis, as the database would give it back.

Scoring always sees the redacted transcript: a call scored right after processing and the
same call rescored later from the database get the same verdicts.
"""

from __future__ import annotations

import dataclasses

from pipeline.metadata import CallMetadata
from pipeline.process import CallAnalysis
from scoring.types import CallView


def view_of_analysis(
    analysis: CallAnalysis, metadata: CallMetadata, key: str, call_id: str | None = None
) -> CallView:
    transcript = analysis.transcript
    utterances = tuple(
        dataclasses.replace(u, text=red)
        for u, red in zip(transcript.utterances, analysis.redacted, strict=True)
    )
    return CallView(
        key=key, language=transcript.language, direction=metadata.direction,
        queue=metadata.queue, duration=transcript.duration, utterances=utterances,
        metrics=analysis.metrics, redacted=analysis.redacted, pii=analysis.pii, call_id=call_id,
    )
