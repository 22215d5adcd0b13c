"""The ``recategorise`` flow: apply a taxonomy (a changed one, say) to stored calls.

No audio is fetched and no ASR model loaded: each done call is read back from the
database (redacted transcript, metrics, metadata) and given its reasons again, replacing
the old ones. By default only the calls the taxonomy has not categorised yet (another
taxonomy's hash, or none); ``every_call`` does them all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.categorise_calls import categorise_view, open_complaint, taxonomy_in_force
from flows.score_calls import models_for
from pipeline.db import reasons as reason_db
from pipeline.db import scores as score_db
from pipeline.db.session import ensure_schema, session_scope
from pipeline.errors import CallqaError, TaxonomyError
from pipeline.process import ProgressHook
from pipeline.settings import get_settings
from scoring.taxonomy import Taxonomy, load_taxonomy
from scoring.view import view_of_stored

BATCH = 50


@dataclass
class RecategoriseReport:
    taxonomy: str  # "name version"
    categorised: int = 0
    uncategorised: int = 0  # no reason reached the threshold
    failed: dict[str, str] = field(default_factory=dict)  # call id -> why
    primary: Counter[str] = field(default_factory=Counter)  # reason code -> calls

    def to_dict(self) -> dict[str, Any]:
        return {"taxonomy": self.taxonomy, "categorised": self.categorised,
                "uncategorised": self.uncategorised, "failed": self.failed,
                "primary": dict(self.primary.most_common())}


@task(name="recategorise-batch", cache_policy=NO_CACHE)
def recategorise_batch(call_ids: list[str], taxonomy: Taxonomy
                       ) -> list[tuple[str, str | None, str | None]]:
    """(call id, primary reason or None, error or None) for each call."""
    settings = get_settings()
    models = models_for(settings)
    out: list[tuple[str, str | None, str | None]] = []
    for call_id in call_ids:
        try:
            with session_scope(settings.resolved_database_url) as session:
                stored = score_db.load_stored_call(session, call_id)
                found = categorise_view(session, stored, view_of_stored(stored), taxonomy,
                                        models)
                open_complaint(session, call_id, settings)  # none twice: see its doc
                out.append((call_id, found.primary.code if found.primary else None, None))
        except CallqaError as exc:
            out.append((call_id, None, str(exc)))
    return out


@flow(name="recategorise", log_prints=True)
def recategorise(taxonomy: str | None = None, call_ids: list[str] | None = None,
                 every_call: bool = False, limit: int | None = None,
                 hook: ProgressHook | None = None) -> RecategoriseReport:
    """Give stored calls their contact reasons again with ``taxonomy`` (a file or shipped
    name; default ``CALLQA_TAXONOMY``)."""
    settings = get_settings()
    url = settings.resolved_database_url
    ensure_schema(url)
    logger = get_run_logger()
    chosen = load_taxonomy(taxonomy) if taxonomy else taxonomy_in_force(settings)
    if chosen is None:
        raise TaxonomyError("no taxonomy: CALLQA_TAXONOMY is 'none'",
                            hint="Give one with --taxonomy FILE, or set CALLQA_TAXONOMY.")
    if call_ids is None:
        with session_scope(url) as session:
            call_ids = reason_db.stale_calls(session, None if every_call else chosen.hash,
                                             limit)
    report = RecategoriseReport(chosen.label)
    if hook:
        hook("recategorise", completed=0, total=len(call_ids))
    done = 0
    for start in range(0, len(call_ids), BATCH):
        for call_id, primary, error in recategorise_batch(call_ids[start:start + BATCH],
                                                          chosen):
            if error is not None:
                report.failed[call_id] = error
                logger.warning("call %s: not categorised: %s", call_id, error)
            elif primary is None:
                report.uncategorised += 1
            else:
                report.categorised += 1
                report.primary[primary] += 1
            done += 1
        if hook:
            hook("recategorise", completed=done, total=len(call_ids))
    logger.info("recategorise with %s: %d categorised, %d without a reason, %d failed",
                chosen.label, report.categorised, report.uncategorised, len(report.failed))
    return report
