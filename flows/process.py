"""The ``process-recording`` flow: one recording from the store to an analysed call.

Tasks are coarse, one per stage of a call (fetch, transcribe, analyse-and-store), because
each task run costs ~0.1 s of orchestration. Idempotency is the recording's content hash,
kept in the database (``calls.content_hash`` is unique): the same recording processed
twice gives one call. Claims (:mod:`pipeline.db.claims`) make sure that many workers never
process one recording at the same time and that a dead worker's recording is taken over.
Prefect's result cache is deliberately not used for transcripts:
it would write un-redacted speech to disk outside callqa's retention controls.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.categorise_calls import taxonomy_in_force
from flows.score_calls import ScoreOutcome, models_for, score_or_report
from pipeline.audio import content_hash
from pipeline.db import calls, claims
from pipeline.db.models import CallStatus
from pipeline.db.session import ensure_schema, session_scope
from pipeline.errors import (
    CallqaError,
    DatabaseUnavailable,
    RecordingError,
    RecordingNotFound,
    StoreError,
    StoreUnavailable,
)
from pipeline.metadata import CallMetadata, parse_metadata
from pipeline.process import (
    CallAnalysis,
    ProcessOptions,
    ProgressHook,
    analyse,
    transcribe_recording,
)
from pipeline.settings import Settings, get_settings
from pipeline.store import open_store_at
from pipeline.types import Transcript
from scoring.in_force import rubrics_in_force
from scoring.prompt_guard import guard_prompt


@dataclass(frozen=True)
class Fetched:
    path: Path
    content_hash: str
    raw_metadata: dict[str, Any] | None
    metadata_error: CallqaError | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one recording; what the CLI prints and ingest counts."""

    key: str
    status: str  # "done", "failed", "skipped"
    call_id: str | None = None
    error: str | None = None
    seconds: float = 0.0
    score: ScoreOutcome | None = None  # None when scoring is off or the call failed
    reason: str | None = None  # why it was skipped

    def to_dict(self) -> dict[str, Any]:
        data = self.__dict__.copy()
        data["score"] = self.score.to_dict() if self.score else None
        return data


def _retry_store_errors(task, task_run, state) -> bool:  # type: ignore[no-untyped-def]
    """Retry transient store failures, not a key that is simply missing."""
    try:
        state.result()
    except RecordingNotFound:
        return False
    except StoreError:
        return True
    except Exception:
        return False
    return False


@task(name="fetch-recording", retries=3, retry_delay_seconds=[1, 5, 15],
      retry_condition_fn=_retry_store_errors, cache_policy=NO_CACHE)
def fetch_recording(key: str, store_url: str, workdir: Path) -> Fetched:
    store = open_store_at(store_url, get_settings())
    try:
        path = store.fetch(key, workdir)
    except RecordingNotFound as exc:
        exc.hint = exc.hint or (
            "It was deleted or moved after it was noticed; put it back and run "
            f"`callqa process {key}` to process it.")
        raise
    digest = content_hash(path)
    try:
        raw = store.read_metadata(key)
    except CallqaError as exc:  # a bad sidecar fails the call, not the fetch
        return Fetched(path, digest, None, exc.with_context(key=key))
    return Fetched(path, digest, raw)


@task(name="transcribe", cache_policy=NO_CACHE)
def transcribe_task(
    path: Path, metadata: CallMetadata, options: ProcessOptions, hook: ProgressHook | None = None
) -> Transcript:
    return transcribe_recording(path, metadata, options, hook=hook or _log_hook())


@task(name="analyse-and-store", cache_policy=NO_CACHE)
def analyse_and_store(
    call_id: str, transcript: Transcript, options: ProcessOptions, started: float,
    claim: claims.Claim,
) -> CallAnalysis:
    """Store the analysis and complete the claim in one transaction, only while it is held."""
    analysis = analyse(transcript, options)
    with session_scope(get_settings().resolved_database_url) as session:
        claims.hold(session, claim)
        claims.complete(session, claim.recording_id, claim.worker, call_id)
        calls.save_analysis(
            session,
            call_id,
            analysis,
            asr_model=options.model.model,
            keep_original=options.keep_original_text,
            seconds=time.perf_counter() - started,
        )
    return analysis


@task(name="score", cache_policy=NO_CACHE)
def score_task(call_id: str) -> ScoreOutcome:
    """Score a stored call; a scoring problem is reported, never fails the processed call."""
    settings = get_settings()
    try:
        taxonomy = taxonomy_in_force(settings)
    except CallqaError as exc:  # a broken taxonomy file must not stop scoring
        get_run_logger().error("call %s: not categorised: %s", call_id, exc)
        taxonomy = None
    outcome = score_or_report(settings.resolved_database_url, call_id,
                              rubrics_in_force(settings), models_for(settings),
                              taxonomy=taxonomy)
    if outcome.note.startswith("not scored"):
        get_run_logger().error("call %s: %s", call_id, outcome.note)
    return outcome


@flow(name="process-recording", log_prints=True)
def process_recording(
    key: str, store_url: str | None = None, force: bool = False, hook: ProgressHook | None = None
) -> Outcome:
    """Fetch, transcribe, diarise, measure and store one recording.

    The recording is claimed first, so no two workers process it at once: it is skipped
    while another worker holds a live lease on it, and when it is done (unless ``force``)
    or erased. A recording that cannot be processed is stored as a failed call with its
    error and the flow run fails; the same content already done is skipped unless ``force``.
    """
    settings = get_settings()
    db_url = settings.resolved_database_url
    store_url = store_url or settings.resolved_store_url
    ensure_schema(db_url)
    with session_scope(db_url) as session:
        taken = claims.claim_key(session, store_url, key, claims.worker_identity(),
                                 settings.claim_lease_seconds, force=force)
    if isinstance(taken, claims.ClaimRefused):
        outcome = Outcome(key, "skipped", taken.call_id, reason=taken.reason)
    else:
        outcome = process_claimed(taken, force=force, hook=hook)
    if outcome.status == "done":
        get_run_logger().info("%s: done as call %s in %.1f s", key, outcome.call_id,
                              outcome.seconds)
    else:
        get_run_logger().info("%s: skipped: %s", key, outcome.reason)
    return outcome


def process_claimed(
    claim: claims.Claim, force: bool = False, hook: ProgressHook | None = None
) -> Outcome:
    """Process a recording this worker has claimed, inside a flow run.

    A heartbeat renews the lease while the work runs, and every transaction that writes
    the work's results first proves the lease is still held (:func:`claims.hold`), so a
    worker that lost its lease stores nothing over the new holder's work; it raises
    :class:`~pipeline.errors.LeaseLost`. The recording is completed in the transaction
    that stores the analysis, and released (pending again, or failed after
    ``CALLQA_CLAIM_MAX_ATTEMPTS``, or at once when the recording itself is bad; deferred
    without spending an attempt when the store is unavailable) on failure.
    """
    started = time.perf_counter()
    settings = get_settings()
    db_url = settings.resolved_database_url
    options, prompt_notes = guarded_options(settings)
    logger = get_run_logger()
    key, store_url = claim.key, claim.store_url
    call_id: str | None = None
    call_open = False  # a processing call exists that a failure must mark failed

    with claims.Heartbeat(db_url, claim) as beat, \
            tempfile.TemporaryDirectory(prefix="callqa-") as tmp:
        try:
            fetched = fetch_recording(key, store_url, Path(tmp))
            beat.check()
            with session_scope(db_url) as session:
                claims.hold(session, claim)
                existing = calls.call_by_hash(session, fetched.content_hash)
                if existing is not None and existing.status == CallStatus.DONE and not force:
                    claims.complete(session, claim.recording_id, claim.worker, existing.id)
                    reason = f"the same recording was already processed as call {existing.id}"
                    return Outcome(key, "skipped", existing.id, reason=reason)
                if existing is not None and existing.status == CallStatus.PROCESSING and (
                        other := claims.holder_elsewhere(
                            session, existing.store_url, existing.source_key, claim.worker)):
                    # The same audio under another key, on another worker right now: one
                    # transcription is enough. Look again once that one has ended.
                    wait = settings.claim_lease_seconds
                    claims.defer(session, claim.recording_id, claim.worker, wait,
                                 f"same audio as {existing.source_key}")
                    reason = (f"the same audio is being processed as call {existing.id} "
                              f"({existing.source_key!r}, {other}); looked at again in {wait} s")
                    return Outcome(key, "skipped", existing.id, reason=reason)
                error, metadata = fetched.metadata_error, CallMetadata()
                if error is None:
                    try:
                        metadata = parse_metadata(fetched.raw_metadata, key)
                    except CallqaError as exc:
                        error = exc
                if error is not None:  # stored as a failed call, committed before raising
                    call_id = calls.record_unreadable(
                        session, content_hash=fetched.content_hash, key=key,
                        store_url=store_url, error=error,
                    ).id
                else:
                    call_id = calls.begin_call(
                        session, content_hash=fetched.content_hash, key=key,
                        store_url=store_url, metadata=metadata,
                        customer_salt=settings.customer_salt_value,
                    ).id
            if error is not None:
                raise _failed(error, call_id)
            call_open = True
            transcript = transcribe_task(fetched.path, metadata, options, hook)
            if prompt_notes:
                transcript = dataclasses.replace(transcript,
                                                 notes=(*transcript.notes, *prompt_notes))
            beat.check()
            analyse_and_store(call_id, transcript, options, started, claim)
        except claims.LeaseLost as exc:  # the new holder's work stands: touch nothing
            logger.warning("%s", exc)
            raise
        except BaseException as exc:
            failure: BaseException = (
                exc.with_context(key=key, call_id=call_id) if isinstance(exc, CallqaError)
                else exc
            )
            _give_back(db_url, claim, failure, call_id if call_open else None,
                       settings.claim_max_attempts)
            if call_open and not isinstance(failure, DatabaseUnavailable):  # deferred
                logger.error("%s: failed: %s", key, failure)
            raise
    score = score_task(call_id) if settings.scoring else None
    return Outcome(key, "done", call_id, seconds=time.perf_counter() - started, score=score)


def guarded_options(settings: Settings) -> tuple[ProcessOptions, tuple[str, ...]]:
    """The call's options, never with a rubric phrase in the decoding prompt or hotwords.

    Whatever overlaps a phrase of the rubrics in force is removed (the policy is in
    :mod:`scoring.prompt_guard`); the notes say what, for the log and the call. When the
    rubrics cannot be read, nothing is known to be safe: prompt and hotwords are dropped.
    """
    options = ProcessOptions.from_settings(settings)
    asr = options.transcribe
    if not (asr.initial_prompt or asr.hotwords):
        return options, ()
    try:
        guard = guard_prompt(rubrics_in_force(settings), asr.initial_prompt, asr.hotwords,
                             settings.company_names)
        prompt, hotwords, notes = guard.initial_prompt, guard.hotwords, guard.notes
    except CallqaError as exc:
        prompt, hotwords = None, None
        notes = (f"initial prompt and hotwords not used: the rubrics could not be read to "
                 f"check them ({exc})",)
    for note in notes:
        get_run_logger().warning("%s", note)
    asr = dataclasses.replace(asr, initial_prompt=prompt, hotwords=hotwords)
    return dataclasses.replace(options, transcribe=asr), notes


STORE_AWAY_SECONDS = 30  # a recording whose store is away is looked at again this much later
DB_AWAY_SECONDS = 10  # ... and one whose database failed under the work (once it answers)


def _give_back(
    db_url: str, claim: claims.Claim, failure: BaseException, call_id: str | None,
    max_attempts: int,
) -> None:
    """Release the claim after a failure (and mark its call failed), if still held.

    A recording that is itself bad (not audio, bad sidecar, missing) fails at once; a
    store that cannot be reached (after fetch's retries) is no fault of the recording: it
    is looked at again in ``STORE_AWAY_SECONDS`` without spending an attempt, however long
    the outage; nor is a database that failed under the work (a killed connection, a
    restart: :class:`~pipeline.errors.DatabaseUnavailable`), looked at again in
    ``DB_AWAY_SECONDS`` once a write goes through (while it is down nothing can be
    written, and the lease runs out instead); anything else (a crash in a model) goes back
    to pending for another worker, until ``max_attempts``.
    """
    final = isinstance(failure, RecordingError | RecordingNotFound)
    message = str(failure) if isinstance(failure, CallqaError) else (
        f"recording {claim.key!r}: {type(failure).__name__}: {failure}")
    try:
        with session_scope(db_url) as session:
            if isinstance(failure, StoreUnavailable) and call_id is None:
                claims.defer(session, claim.recording_id, claim.worker, STORE_AWAY_SECONDS,
                             f"store unavailable: {failure.message}")
                return
            if isinstance(failure, DatabaseUnavailable):  # its call is taken up again then
                claims.defer(session, claim.recording_id, claim.worker, DB_AWAY_SECONDS,
                             f"database unavailable: {failure.message}")
                return
            held = claims.release(session, claim.recording_id, claim.worker, message,
                                  max_attempts=max_attempts, final=final)
            if held and call_id is not None:
                calls.mark_failed(session, call_id, failure)
    except Exception as exc:  # the lease expires on its own; another worker retries
        get_run_logger().warning("%s: claim not released: %s", claim.key, type(exc).__name__)


def _failed(error: CallqaError, call_id: str) -> CallqaError:
    get_run_logger().error("%s", error)
    return error.with_context(call_id=call_id)


def _log_hook() -> ProgressHook:
    """Progress to the Prefect log, at most every 10% of the call."""
    logger = get_run_logger()
    last = [-1.0]

    def hook(stage: str, completed: float = 0.0, total: float = 0.0, **_: Any) -> None:
        pct = 100.0 * completed / total if total else 0.0
        if pct - last[0] >= 10 or pct >= 100:
            last[0] = pct
            logger.info("%s %.0f%% (%.0f of %.0f s)", stage, pct, completed, total)

    return hook
