"""Reading and writing calls. Each function works inside the caller's session (transaction)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.customers import customer_key
from pipeline.db import rollups
from pipeline.db.models import (
    Agent,
    Call,
    CallMetricsRecord,
    CallStatus,
    PIIRecord,
    Team,
    UtteranceRecord,
)
from pipeline.errors import CallqaError
from pipeline.metadata import CallMetadata

if TYPE_CHECKING:
    from pipeline.process import CallAnalysis


def call_by_hash(session: Session, content_hash: str) -> Call | None:
    return session.scalar(select(Call).where(Call.content_hash == content_hash))


def get_call(session: Session, ref: str) -> Call | None:
    """A call by id, id prefix (8+ chars), content hash, or source key (newest first)."""
    options = (selectinload(Call.utterances), selectinload(Call.metrics), selectinload(Call.pii),
               selectinload(Call.agent), selectinload(Call.team))
    call = session.get(Call, ref, options=options)
    if call is None and len(ref) >= 8:
        by_prefix = select(Call).options(*options).where(Call.id.startswith(ref)).limit(1)
        call = session.scalar(by_prefix)
    if call is None:
        call = session.scalar(
            select(Call).options(*options)
            .where((Call.content_hash == ref) | (Call.source_key == ref))
            .order_by(Call.created_at.desc()).limit(1)
        )
    return call


def begin_call(
    session: Session, *, content_hash: str, key: str, store_url: str, metadata: CallMetadata,
    customer_salt: str | None = None,
) -> Call:
    """The call for this content, created or reopened for another attempt."""
    call = call_by_hash(session, content_hash)
    before: set[rollups.Key] = set()
    if call is None:
        call = Call(content_hash=content_hash, source_key=key, store_url=store_url, attempts=0)
        session.add(call)
    else:  # new metadata may move a scored call to another agent or day
        before = rollups.keys_of(session, [call.id])
    call.status = CallStatus.PROCESSING
    call.error_code = call.error = None
    call.attempts = (call.attempts or 0) + 1
    apply_metadata(session, call, metadata)
    call.customer_key = customer_key(metadata, customer_salt)
    session.flush()
    if before:
        rollups.refresh_calls(session, [call.id], before)
    return call


def apply_metadata(session: Session, call: Call, metadata: CallMetadata) -> None:
    team = _team(session, metadata.team) if metadata.team else None
    if metadata.agent_id:
        agent = session.scalar(select(Agent).where(Agent.external_id == metadata.agent_id))
        if agent is None:
            agent = Agent(external_id=metadata.agent_id)
            session.add(agent)
        agent.name = metadata.agent_name or agent.name
        agent.team = team or agent.team
        call.agent = agent
    call.team = team
    call.queue = metadata.queue
    call.direction = metadata.direction
    call.started_at = metadata.started_at
    call.customer_ref = metadata.customer_ref
    call.language = metadata.language
    call.region = metadata.region
    call.channel = metadata.channel
    call.acw_seconds = metadata.after_call_work_seconds
    product = metadata.extra.get("product")  # the taxonomy may name one later
    if isinstance(product, str) and product.strip() and call.taxonomy_hash is None:
        call.product = product.strip()[:60]
    call.call_metadata = metadata.to_dict()


def _team(session: Session, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def save_analysis(
    session: Session,
    call_id: str,
    analysis: CallAnalysis,
    *,
    asr_model: str,
    keep_original: bool,
    seconds: float,
) -> Call:
    """Store a finished call's transcript, metrics and PII spans; replaces earlier results."""
    call = session.get(Call, call_id)
    if call is None:
        raise CallqaError(f"call {call_id} vanished while processing", call_id=call_id)
    transcript = analysis.transcript
    call.utterances.clear()
    call.pii.clear()
    session.flush()
    call.utterances.extend(UtteranceRecord(**row) for row in analysis.utterance_rows(keep_original))
    call.pii.extend(
        PIIRecord(utterance_idx=m.utterance_index, kind=m.kind, start=m.start, end=m.end)
        for m in analysis.pii
    )
    call.metrics = CallMetricsRecord(**analysis.metrics.to_dict())
    call.language = transcript.language
    call.language_probability = transcript.language_probability
    call.language_source = transcript.language_source or None
    call.language_reason = (transcript.language_reason or "")[:300] or None
    call.duration = transcript.duration
    call.channels = transcript.channels
    call.diarization = transcript.diarization.value
    call.notes = list(transcript.notes)
    call.asr_model = transcript.asr_model or asr_model
    call.status = CallStatus.DONE
    call.error_code = call.error = None
    call.processed_at = datetime.now(UTC)
    call.processing_seconds = round(seconds, 3)
    call.model_seconds = transcript.model_seconds
    rollups.refresh_calls(session, [call_id])  # duration, language, metrics feed dashboards
    return call


def mark_failed(session: Session, call_id: str, error: BaseException) -> None:
    call = session.get(Call, call_id)
    if call is None:
        return
    call.status = CallStatus.FAILED
    call.error_code = getattr(error, "code", type(error).__name__)
    call.error = str(error) or type(error).__name__
    call.processed_at = datetime.now(UTC)


def record_unreadable(
    session: Session, *, content_hash: str, key: str, store_url: str, error: BaseException
) -> Call:
    """A recording that failed before its call could be opened (e.g. bad sidecar)."""
    call = call_by_hash(session, content_hash)
    if call is None:
        call = Call(content_hash=content_hash, source_key=key, store_url=store_url, attempts=1)
        session.add(call)
    else:
        call.attempts = (call.attempts or 0) + 1
    call.status = CallStatus.FAILED
    call.error_code = getattr(error, "code", type(error).__name__)
    call.error = str(error)
    call.processed_at = datetime.now(UTC)
    session.flush()
    return call


def list_calls(session: Session, limit: int = 100) -> list[Call]:
    return list(
        session.scalars(
            select(Call)
            .options(selectinload(Call.metrics), selectinload(Call.agent), selectinload(Call.pii),
                     selectinload(Call.team))
            .order_by(Call.created_at)
            .limit(limit)
        )
    )
