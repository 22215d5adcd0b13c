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
from pathlib import Path
from typing import Any

from pipeline.db import scores as score_db
from pipeline.db.session import session_scope
from pipeline.errors import CallqaError, ModelError, RubricError
from pipeline.settings import Settings
from scoring import Rubric, builtin_rubrics, load_rubric, score_call, select_rubric
from scoring.models.provider import DefaultModels
from scoring.rubric import parse_rubric
from scoring.types import CallView
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

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def rubric_candidates(settings: Settings) -> tuple[Rubric, ...]:
    """The rubrics a call may be scored with: the configured one, a folder's, or the shipped.

    A stored rubric version an admin made active (``POST /api/v1/admin/rubrics/{id}/activate``)
    takes the place of the folder's or shipped rubric of the same name, and an active one
    with a new name joins them. ``CALLQA_RUBRIC`` (one file for every call) is left as is.
    """
    if settings.rubric:
        return (load_rubric(settings.rubric),)
    base = _folder_rubrics(str(settings.rubrics_dir)) if settings.rubrics_dir else builtin_rubrics()
    active = active_rubrics(settings.resolved_database_url)
    if not active:
        return base
    names = {r.name for r in active}
    return tuple(r for r in base if r.name not in names) + active


def active_rubrics(url: str) -> tuple[Rubric, ...]:
    """The stored rubric versions marked active, parsed from their stored YAML."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from pipeline.db.models import RubricRecord
    from pipeline.db.session import session_scope

    try:
        with session_scope(url) as session:
            rows = session.execute(
                select(RubricRecord.id, RubricRecord.hash, RubricRecord.source)
                .where(RubricRecord.active).order_by(RubricRecord.name)
            ).all()
    except SQLAlchemyError as exc:  # a database not yet migrated: no active rubrics
        log.warning("active rubrics not read: %s", type(exc).__name__)
        return ()
    return tuple(_stored_rubric(row.id, row.hash, row.source) for row in rows)


@functools.lru_cache(maxsize=64)
def _stored_rubric(record_id: int, hash: str, source: str) -> Rubric:
    return parse_rubric(source, source=f"stored rubric #{record_id}")


@functools.lru_cache(maxsize=4)
def _folder_rubrics(folder: str) -> tuple[Rubric, ...]:
    paths = sorted(Path(folder).glob("*.yaml")) + sorted(Path(folder).glob("*.yml"))
    if not paths:
        raise RubricError(f"no rubric files (*.yaml) in {folder}",
                          hint="Check CALLQA_RUBRICS_DIR.")
    return tuple(load_rubric(p) for p in paths)


@functools.lru_cache(maxsize=4)
def _models(embedding: str | None, sentiment: str | None, threads: int) -> DefaultModels:
    return DefaultModels(embedding_model=embedding, sentiment_model=sentiment, threads=threads)


def models_for(settings: Settings) -> DefaultModels:
    """The process's models for these settings: loaded on first use, then kept warm."""
    return _models(settings.embedding_model, settings.sentiment_model, settings.scoring_threads)


def with_sentiment(view: CallView, models: DefaultModels) -> CallView:
    """The view with per-utterance sentiment; unchanged when the model cannot be had."""
    from scoring.sentiment import utterance_sentiment

    try:
        scores = utterance_sentiment(view.utterances, models.sentiment())
    except ModelError as exc:
        log.warning("%s: sentiment not computed: %s", view.key, exc)
        return view
    return dataclasses.replace(view, sentiment=tuple(scores))


def score_stored_call(
    session: Any, call_id: str, rubrics: tuple[Rubric, ...], models: DefaultModels,
    override_human: bool = False,
) -> ScoreOutcome:
    """Score one done call with the best-fitting rubric and store the scorecard.

    When the call's current scorecard is a person's (a closed review, an accepted dispute),
    the new automatic one is stored as history and the human one stays current, unless
    ``override_human``: a rubric change must not silently undo a supervisor's judgement.
    """
    stored = score_db.load_stored_call(session, call_id)
    view = view_of_stored(stored)
    rubric = select_rubric(rubrics, view)
    if rubric is None:
        names = ", ".join(f"{r.name} ({r.language})" for r in rubrics)
        return ScoreOutcome(call_id, None, note=f"no rubric for a {view.language or 'unknown'}"
                            f"-language {view.direction or ''} call among: {names}")
    view = with_sentiment(view, models)
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
                        kept_human=human)


def score_or_report(
    db_url: str, call_id: str, rubrics: tuple[Rubric, ...], models: DefaultModels,
    override_human: bool = False,
) -> ScoreOutcome:
    """Score one call in its own transaction; a failure is the outcome's note, never raised,
    so a scoring problem neither fails a processed call nor stops a rescore batch."""
    try:
        with session_scope(db_url) as session:
            return score_stored_call(session, call_id, rubrics, models, override_human)
    except Exception as exc:
        message = str(exc) if isinstance(exc, CallqaError) else f"{type(exc).__name__}: {exc}"
        return ScoreOutcome(call_id, None, note=f"not scored: {message}")
