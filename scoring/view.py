"""The one builder of a :class:`CallView`: what a rubric may look at in one call.

Scoring always sees the redacted transcript. A call scored right after processing
(:func:`view_of_analysis`) and the same call read back from the database for a rescore or
a person's verdicts (:func:`view_of_stored`) are built by the same function
(:func:`call_view`), so they get the same verdicts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pipeline.db.scores import StoredCall
from pipeline.metadata import CallMetadata
from pipeline.process import CallAnalysis
from pipeline.types import CallMetrics, PIIMatch, Utterance
from scoring.types import CallView

__all__ = ["call_view", "view_of_analysis", "view_of_stored"]


def call_view(
    *, key: str, language: str | None, direction: str | None, queue: str | None,
    duration: float, utterances: Sequence[Utterance], metrics: CallMetrics,
    pii: Sequence[PIIMatch], call_id: str | None = None,
) -> CallView:
    """A view of ``utterances`` whose text is already redacted."""
    utterances = tuple(utterances)
    return CallView(
        key=key, language=language or "", direction=direction, queue=queue,
        duration=duration, utterances=utterances, metrics=metrics,
        redacted=tuple(u.text for u in utterances), pii=tuple(pii), call_id=call_id,
    )


def view_of_analysis(
    analysis: CallAnalysis, metadata: CallMetadata, key: str, call_id: str | None = None
) -> CallView:
    """The view of a fresh analysis, as the database will give it back."""
    transcript = analysis.transcript
    utterances = tuple(
        dataclasses.replace(u, text=red)
        for u, red in zip(transcript.utterances, analysis.redacted, strict=True)
    )
    return call_view(
        key=key, language=transcript.language, direction=metadata.direction,
        queue=metadata.queue, duration=transcript.duration, utterances=utterances,
        metrics=analysis.metrics, pii=analysis.pii, call_id=call_id,
    )


def view_of_stored(stored: StoredCall) -> CallView:
    """The view of a done call read back from the database."""
    call = stored.call
    return call_view(
        key=call.source_key, language=call.language, direction=call.direction,
        queue=call.queue, duration=call.duration or stored.metrics.duration,
        utterances=stored.utterances, metrics=stored.metrics, pii=stored.pii, call_id=call.id,
    )
