"""The ``rescore`` flow: apply a rubric (a new version, say) to stored transcripts.

No audio is fetched and no model but the scoring ones is loaded: each call is read back
from the database (redacted transcript, metrics, PII spans) and scored again. The new
scorecard becomes the call's current one; earlier scorecards are kept with the rubric
version that made them.

A call whose current scorecard a person made (a closed review, an accepted dispute) keeps
it: the new automatic scorecard is stored in the history, not current, and the report
says "kept human score" for that call. ``override_human=True`` (``callqa rescore
--override-human``) makes the new automatic scorecard current there too.

The rubric is a file or shipped name (``rubric``: ``callqa rescore --rubric PATH``), a
stored version (``rubric_id``: the admin route, parsed from its stored YAML, so no file is
written), or, with neither, the rubrics in force (:mod:`scoring.in_force`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.score_calls import ScoreOutcome, models_for, score_or_report
from pipeline.db import scores as score_db
from pipeline.db.session import ensure_schema, session_scope
from pipeline.errors import RubricError
from pipeline.process import ProgressHook
from pipeline.settings import get_settings
from scoring import Rubric, load_rubric
from scoring.in_force import rubrics_in_force, stored_rubric

BATCH = 50  # calls per task run: a task costs ~0.1 s of orchestration, a call ~0.05 s


@dataclass
class RescoreReport:
    rubric: str | None
    scored: int = 0
    unscored: int = 0  # no rubric fits, or scoring failed
    kept_human: int = 0  # scored, but a human scorecard stayed current
    outcomes: list[ScoreOutcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rubric": self.rubric, "scored": self.scored, "unscored": self.unscored,
                "kept_human": self.kept_human,
                "outcomes": [o.to_dict() for o in self.outcomes]}


@task(name="rescore-batch", cache_policy=NO_CACHE)
def rescore_batch(call_ids: list[str], rubric: Rubric | None,
                  override_human: bool = False) -> list[ScoreOutcome]:
    """Score these calls again with ``rubric``, or with the rubrics in force when None."""
    settings = get_settings()
    rubrics = (rubric,) if rubric is not None else rubrics_in_force(settings)
    models = models_for(settings)
    return [score_or_report(settings.resolved_database_url, call_id, rubrics, models,
                            override_human)
            for call_id in call_ids]


@flow(name="rescore", log_prints=True)
def rescore(
    rubric: str | None = None,
    call_ids: list[str] | None = None,
    limit: int | None = None,
    hook: ProgressHook | None = None,
    override_human: bool = False,
    rubric_id: int | None = None,
) -> RescoreReport:
    """Score stored calls again: with ``rubric`` (a file or shipped name), the stored
    version ``rubric_id``, or as configured.

    Human scorecards stay current unless ``override_human``."""
    settings = get_settings()
    ensure_schema(settings.resolved_database_url)
    logger = get_run_logger()
    # read (and so checked) once, here: a bad rubric fails the run before any call is touched
    chosen = _chosen(settings.resolved_database_url, rubric, rubric_id)
    if call_ids is None:
        with session_scope(settings.resolved_database_url) as session:
            call_ids = score_db.scored_call_ids(session, limit)
    report = RescoreReport(rubric or (chosen.source if chosen else None))
    if hook:
        hook("rescore", completed=0, total=len(call_ids))
    for start in range(0, len(call_ids), BATCH):
        for outcome in rescore_batch(call_ids[start:start + BATCH], chosen, override_human):
            report.outcomes.append(outcome)
            if outcome.total is None:
                report.unscored += 1
                logger.warning("call %s: %s", outcome.call_id, outcome.note)
            else:
                report.scored += 1
                if outcome.kept_human is not None:
                    report.kept_human += 1
        if hook:
            hook("rescore", completed=len(report.outcomes), total=len(call_ids))
    logger.info("rescore: %d scored (%d kept a human score), %d not scored",
                report.scored, report.kept_human, report.unscored)
    return report


def _chosen(url: str, rubric: str | None, rubric_id: int | None) -> Rubric | None:
    """The rubric to rescore with: a file or shipped name, a stored version, or None (the
    rubrics in force). A stored version's name never becomes a path: it is parsed from the
    database, not written to a file."""
    if rubric and rubric_id is not None:
        raise RubricError("give a rubric file or a stored rubric id to rescore with, not both")
    if rubric:
        return load_rubric(rubric)
    if rubric_id is not None:
        with session_scope(url) as session:
            return stored_rubric(session, rubric_id)
    return None
