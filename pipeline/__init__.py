"""callqa's processing library: audio in, analysed transcript out. No Prefect, no FastAPI.

    from pipeline import process_file
    analysis = process_file(Path("call.wav"))
    print(analysis.metrics.talk_ratio_agent, [u.text for u in analysis.transcript.utterances])
"""

from pipeline.errors import CallqaError
from pipeline.types import CallMetrics, Diarization, PIIMatch, Role, Transcript, Utterance, Word


def process_file(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`pipeline.process.process_file` (imported lazily: it pulls in numpy)."""
    from pipeline.process import process_file as _process_file

    return _process_file(*args, **kwargs)


__all__ = [
    "CallMetrics", "CallqaError", "Diarization", "PIIMatch", "Role", "Transcript", "Utterance",
    "Word", "process_file",
]
