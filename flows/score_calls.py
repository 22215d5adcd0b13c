"""Scoring a stored call, inside ``process_recording`` and in the ``rescore`` flow.

Scoring always reads the call back from the database, so a first score and a rescore see
the same thing: the redacted transcript, the stored metrics and PII spans. Rescoring a
call with a new rubric version therefore never touches audio or the ASR model.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from dataclasses import dataclass
from typing import Any

from flows.categorise_calls import categorise_view, open_complaint
from pipeline.db import scores as score_db
from pipeline.db.session import session_scope
from pipeline.errors import CallqaError
from pipeline.settings import Settings
from scoring import Rubric, render, score_call, select_rubric
from scoring.models.provider import DefaultModels
from scoring.sentiment import with_sentiment
from scoring.taxonomy import Taxonomy
from scoring.view import view_of_stored

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreOutcome:
    call_id: str
    rubric: str | None  # "name vX", None when no rubric fits the call
    total: float | None = None
    auto_failed: bool = False
    flags: tuple[str, ...] = ()
    note: str = ""
    kept_human: float | None = None  # the human score kept current; total went to history
    reasons: tuple[str, ...] = ()  # contact reasons, the primary first (when categorised)
    product: str | None = None
    complaint: str | None = None  # the case it opened or joined: "CMP-2026-000012 opened"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@functools.lru_cache(maxsize=4)
def _models(embedding: str | None, sentiment: str | None, threads: int) -> DefaultModels:
    return DefaultModels(embedding_model=embedding, sentiment_model=sentiment, threads=threads)


def models_for(settings: Settings) -> DefaultModels:
    """The process's models for these settings: loaded on first use, then kept warm."""
    return _models(settings.embedding_model, settings.sentiment_model, settings.scoring_threads)


def score_stored_call(
    session: Any, call_id: str, rubrics: tuple[Rubric, ...], models: DefaultModels,
    override_human: bool = False, taxonomy: Taxonomy | None = None,
) -> ScoreOutcome:
    """Score one done call with the best-fitting rubric and store the scorecard; with a
    ``taxonomy``, give it its contact reasons first (whether or not a rubric fits).

    When the call's current scorecard is a person's (a closed review, an accepted dispute),
    the new automatic one is stored as history and the human one stays current, unless
    ``override_human``: a rubric change must not silently undo a supervisor's judgement.
    """
    stored = score_db.load_stored_call(session, call_id)
    view = view_of_stored(stored)
    found = None if taxonomy is None else categorise_view(session, stored, view, taxonomy,
                                                          models)
    why: dict[str, Any] = {} if found is None else {
        "reasons": tuple(r.code for r in found.reasons), "product": found.product}
    rubric = select_rubric(rubrics, view)
    if rubric is None:
        names = ", ".join(f"{r.name} ({r.language})" for r in rubrics)
        return ScoreOutcome(call_id, None, note=f"no rubric for a {view.language or 'unknown'}"
                            f"-language {view.direction or ''} call among: {names}", **why,
                            complaint=_complaint(session, call_id))
    view, _, sentiment_error = with_sentiment(view, models)
    if sentiment_error is not None:
        log.warning("%s: sentiment not computed: %s", view.key, render(sentiment_error, "en"))
    card = score_call(view, rubric, models)
    record = score_db.upsert_rubric(
        session, name=rubric.name, version=rubric.version, language=rubric.language,
        hash=rubric.hash, source=rubric.text, path=rubric.source,
    )
    sentiment = [None if s is None else s.to_dict() for s in view.sentiment] or None
    human = None if override_human else score_db.current_human_total(session, call_id)
    score_db.save_scorecard(session, call_id, record.id, card.to_dict(), sentiment,
                            current=human is None)
    return ScoreOutcome(call_id, rubric.label, card.total, card.auto_failed,
                        tuple(f.code for f in card.flags),
                        note="" if human is None else f"kept human score {human:g}",
                        kept_human=human, **why,
                        complaint=_complaint(session, call_id))


def _complaint(session: Any, call_id: str) -> str | None:
    """Open or join the call's complaint case now that its reasons and scorecard are
    stored (also for a call with no rubric, when categorised)."""
    opened = open_complaint(session, call_id)
    return None if opened is None else f"{opened.reference} {opened.why}"


def score_or_report(
    db_url: str, call_id: str, rubrics: tuple[Rubric, ...], models: DefaultModels,
    override_human: bool = False, taxonomy: Taxonomy | None = None,
) -> ScoreOutcome:
    """Score one call in its own transaction; a failure is the outcome's note, never raised,
    so a scoring problem neither fails a processed call nor stops a rescore batch."""
    try:
        with session_scope(db_url) as session:
            return score_stored_call(session, call_id, rubrics, models, override_human,
                                     taxonomy)
    except Exception as exc:
        message = str(exc) if isinstance(exc, CallqaError) else f"{type(exc).__name__}: {exc}"
        return ScoreOutcome(call_id, None, note=f"not scored: {message}")
