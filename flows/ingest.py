"""The ``ingest`` flow, the scheduled sweep: notice what bucket events missed, then process
(or hand to workers) every due recording. One failure never stops the batch.

    sweep (cursor pass; full pass when due)  ->  notice new keys  ->  dispatch due ones

The sweep never lists a whole bucket each time (see :mod:`pipeline.sweep` for the cursor,
the periodic full pass and what they mean for how recorders name keys); bucket events
(:mod:`flows.events`) notice most recordings within a minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.dispatch import dispatch
from flows.process import Outcome
from pipeline.db import recordings
from pipeline.db.session import ensure_schema, session_scope
from pipeline.process import ProgressHook
from pipeline.settings import get_settings
from pipeline.store import open_store_at
from pipeline.sweep import SweepReport, sweep


@dataclass
class IngestReport:
    store_url: str
    found: int = 0  # recordings of the store callqa knows, after this sweep
    new: int = 0  # due recordings this run processed or handed on
    done: int = 0
    failed: int = 0
    skipped: int = 0  # already processed (or the same content under another key)
    listed: int = 0  # keys the sweep listed (the cursor pass lists only new ones)
    noticed: int = 0  # keys first seen by this sweep
    full_pass: bool = False
    runs: list[str] = field(default_factory=list)  # CALLQA_DISPATCH=deployment: runs started
    outcomes: list[Outcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "outcomes"}
        data["outcomes"] = [o.to_dict() for o in self.outcomes]
        return data


@task(name="sweep-store", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def sweep_store(store_url: str, full_pass: bool | None = None) -> SweepReport:
    """List what is new in the store (everything, on a full pass) and notice it."""
    settings = get_settings()
    store = open_store_at(store_url, settings)
    return sweep(
        store, settings.resolved_database_url, store_url=store_url, full_pass=full_pass,
        full_pass_every=timedelta(hours=settings.sweep_full_pass_hours),
    )


@flow(name="ingest", log_prints=True)
def ingest(
    store_url: str | None = None,
    retry_failed: bool = True,
    limit: int | None = None,
    hook: ProgressHook | None = None,
    full_pass: bool | None = None,
) -> IngestReport:
    """Sweep the store and process every recording that has no finished call yet.

    ``retry_failed`` puts failed recordings back in the queue first (the CLI's default;
    the scheduled deployment turns it off). ``full_pass``: None lists everything when
    CALLQA_SWEEP_FULL_PASS_HOURS have passed, True always, False never.
    """
    settings = get_settings()
    store_url = store_url or settings.resolved_store_url
    db_url = settings.resolved_database_url
    ensure_schema(db_url)
    logger = get_run_logger()
    swept = sweep_store(store_url, full_pass)
    with session_scope(db_url) as session:
        retried = recordings.retry_failed(session, store_url) if retry_failed else 0
        found = recordings.count_known(session, store_url)
    logger.info("%s: %s pass listed %d, %d new to callqa, %d failed ones retried; %d known",
                store_url, "full" if swept.full_pass else "cursor", swept.listed,
                len(swept.noticed), retried, found)
    handed = dispatch(store_url, limit=limit, hook=hook, settings=settings)
    new = len(handed.outcomes) if handed.mode == "inline" else handed.due
    report = IngestReport(
        store_url, found=found, new=new, skipped=found - handed.due, listed=swept.listed,
        noticed=len(swept.noticed), full_pass=swept.full_pass, runs=handed.runs,
        outcomes=handed.outcomes,
    )
    for outcome in handed.outcomes:
        if outcome.status == "done":
            report.done += 1
        elif outcome.status == "skipped":  # same content under another key, or taken
            report.skipped += 1
        else:
            report.failed += 1
    logger.info("ingest: %d done, %d failed, %d skipped, %d run(s) submitted",
                report.done, report.failed, report.skipped, len(report.runs))
    return report
