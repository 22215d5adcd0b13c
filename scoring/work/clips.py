"""The trainers' example library: clips (a time span of a call, a tag, a note, a criterion)
with their transcript and audio, always redacted. Each user sees the clips of the calls in
their sight (:func:`scoring.work.access.scope_of`): an agent their own calls', a
team-scoped supervisor or trainer their teams'.

A clip's audio is its span of the call's recording as 16 kHz WAV with every spoken-PII
span silenced (:mod:`pipeline.clip_audio`); only that span is read from the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.clip_audio import MAX_CLIP_SECONDS, Span, clip_spans, decode_span, silence, wav_bytes
from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.models import Call, PIIRecord, UtteranceRecord
from pipeline.db.review_records import Clip
from pipeline.errors import Forbidden, Invalid
from pipeline.settings import Settings
from pipeline.store import open_store_at
from scoring.work.access import count_rows, scope_of, seen_through_call, visible_call
from scoring.work.downloads import record_download

__all__ = ["clip_lines", "clip_silenced", "clip_wav", "create_clip", "delete_clip",
           "list_clips", "visible_clip"]


def visible_clip(session: Session, user: User, clip_id: int) -> Clip:
    """The clip if ``user`` may see its call; :class:`NotFound` otherwise."""
    return seen_through_call(session, user, session.get(Clip, clip_id), f"clip {clip_id}")


def create_clip(session: Session, user: User, *, call_id: str, start: float, end: float,
                tag: str, note: str | None = None, criterion_id: str | None = None) -> Clip:
    """Save a clip of a call the user may see; its end is kept inside the call."""
    call = visible_call(session, user, call_id)
    if call.duration is not None and start >= call.duration:
        raise Invalid(f"the clip starts after the call ends ({call.duration:.1f} s)")
    end = min(end, call.duration) if call.duration is not None else end
    clip = Clip(call_id=call.id, start=start, end=end, tag=tag, note=note,
                criterion_id=criterion_id, created_by=user.id, created_at=datetime.now(UTC))
    session.add(clip)
    session.flush()
    audit(session, user, "clip.create", "clip", clip.id, call_id=call.id, tag=tag)
    session.commit()
    return clip


def list_clips(session: Session, user: User, *, tag: str | None = None,
               criterion_id: str | None = None, call_id: str | None = None,
               words: str | None = None, skip: int = 0,
               limit: int = 50) -> tuple[Sequence[Clip], int]:
    """A page of the clips ``user`` may see, newest first, and how many there are."""
    query = select(Clip)
    scope = scope_of(user)
    query = scope.narrow(query, Clip.call_id)
    if tag is not None:
        query = query.where(Clip.tag == tag)
    if criterion_id is not None:
        query = query.where(Clip.criterion_id == criterion_id)
    if call_id is not None:
        query = query.where(Clip.call_id == call_id)
    if words:
        query = query.where(Clip.note.icontains(words, autoescape=True))
    count = count_rows(session, query)
    clips = session.scalars(query.order_by(Clip.id.desc()).offset(skip).limit(limit)).all()
    return clips, count


def clip_lines(session: Session, clip: Clip) -> Sequence[UtteranceRecord]:
    """The utterances the clip overlaps, in order (show their ``redacted_text``)."""
    return session.scalars(
        select(UtteranceRecord).where(UtteranceRecord.call_id == clip.call_id,
                                      UtteranceRecord.end > clip.start,
                                      UtteranceRecord.start < clip.end)
        .order_by(UtteranceRecord.idx)).all()


def clip_silenced(session: Session, clip: Clip) -> list[Span]:
    """The spoken-PII spans silenced in the clip, in seconds from its start."""
    pii = session.scalars(select(PIIRecord).where(
        PIIRecord.call_id == clip.call_id, PIIRecord.end > clip.start,
        PIIRecord.start < clip.end))
    return clip_spans(pii, clip.start, clip.end)


def clip_wav(session: Session, user: User, clip_id: int, settings: Settings) -> bytes:
    """The clip's audio as 16-bit WAV with its PII spans silenced."""
    clip = visible_clip(session, user, clip_id)
    if clip.end - clip.start > MAX_CLIP_SECONDS:
        raise Invalid(f"the clip is longer than {MAX_CLIP_SECONDS / 60:.0f} minutes")
    call = session.get(Call, clip.call_id)
    assert call is not None  # the foreign key cascades
    store = open_store_at(call.store_url, settings, create=False)
    with store.open_reader(call.source_key) as reader:  # in place, or ranged GETs on S3
        samples = decode_span(reader, clip.start, clip.end)
    body = wav_bytes(silence(samples, clip_silenced(session, clip)))
    record_download(session, user, "clip.audio", "clip", clip.id, call_id=clip.call_id)
    return body


def delete_clip(session: Session, user: User, clip_id: int) -> None:
    """Remove a clip from the library: its author or an admin."""
    clip = visible_clip(session, user, clip_id)
    if clip.created_by != user.id and user.role != Role.ADMIN:
        raise Forbidden(f"clip {clip_id} was saved by someone else")
    audit(session, user, "clip.delete", "clip", clip.id, call_id=clip.call_id, tag=clip.tag)
    session.delete(clip)
    session.commit()
