"""The trainers' example library: clips (a time span of a call, a tag, a note, a criterion)
with their transcript, always redacted. Agents see only clips of their own calls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clip_audio import (
    MAX_CLIP_SECONDS,
    clip_spans,
    decode_span,
    silence,
    wav_bytes,
)
from api.deps import (
    CurrentUser,
    PageDep,
    SessionDep,
    SettingsDep,
    StaffUser,
    agent_scope,
    visible_call,
)
from api.errors import ApiError, forbidden, not_found
from api.schemas.work import ClipCreate, ClipDetail, ClipLine, ClipPublic, ClipsPublic
from pipeline.db.models import Call, PIIRecord, UtteranceRecord
from pipeline.db.people import Clip, Role, User, audit

router = APIRouter(prefix="/api/v1/clips", tags=["clips"])


class SilencedSpan(BaseModel):
    kind: str = Field(description="What kind of personal data was spoken there.")
    start: float = Field(description="Seconds from the clip's start.")
    end: float = Field(description="Seconds from the clip's start.")


class ClipDetailSilenced(ClipDetail):
    silenced: list[SilencedSpan] = Field(
        default_factory=list,
        description="Spans of spoken personal data, silenced in the clip's audio.")


def _pii(session: Session, clip: Clip) -> list[PIIRecord]:
    return list(session.scalars(select(PIIRecord).where(
        PIIRecord.call_id == clip.call_id, PIIRecord.end > clip.start,
        PIIRecord.start < clip.end)))


def clip_public(clip: Clip) -> ClipPublic:
    return ClipPublic(id=clip.id, call_id=clip.call_id, start=clip.start, end=clip.end,
                      tag=clip.tag, note=clip.note, criterion_id=clip.criterion_id,
                      created_by=clip.created_by, created_at=clip.created_at)


def _visible(session: Session, user: User, clip_id: int) -> Clip:
    clip = session.get(Clip, clip_id)
    if clip is None:
        raise not_found(f"clip {clip_id}")
    try:
        visible_call(session, user, clip.call_id)
    except ApiError:
        raise not_found(f"clip {clip_id}") from None
    return clip


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Save a clip of a call into the library (trainers, supervisors)")
def create_clip(body: ClipCreate, user: StaffUser, session: SessionDep) -> ClipDetailSilenced:
    call = visible_call(session, user, body.call_id)
    if call.duration is not None and body.start >= call.duration:
        raise ApiError(422, f"the clip starts after the call ends ({call.duration:.1f} s)",
                       code="validation_error")
    end = min(body.end, call.duration) if call.duration is not None else body.end
    clip = Clip(call_id=call.id, start=body.start, end=end, tag=body.tag, note=body.note,
                criterion_id=body.criterion_id, created_by=user.id,
                created_at=datetime.now(UTC))
    session.add(clip)
    session.flush()
    audit(session, user, "clip.create", "clip", clip.id, call_id=call.id, tag=body.tag)
    session.commit()
    return get_clip(clip.id, user, session)


@router.get("", summary="Search the clip library (tag, criterion, call, note text)")
def list_clips(
    user: CurrentUser, session: SessionDep, page: PageDep,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    criterion_id: Annotated[str | None, Query(max_length=100)] = None,
    call_id: Annotated[str | None, Query(max_length=36)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the note.")] = None,
) -> ClipsPublic:
    query = select(Clip)
    scope = agent_scope(user)
    if scope is not None:
        query = query.join(Call, Call.id == Clip.call_id).where(Call.agent_id.in_(list(scope)))
    if tag is not None:
        query = query.where(Clip.tag == tag)
    if criterion_id is not None:
        query = query.where(Clip.criterion_id == criterion_id)
    if call_id is not None:
        query = query.where(Clip.call_id == call_id)
    if q:
        query = query.where(Clip.note.icontains(q, autoescape=True))
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    clips = session.scalars(query.order_by(Clip.id.desc()).offset(page.skip).limit(page.limit))
    return ClipsPublic(data=[clip_public(c) for c in clips], count=count)


@router.get("/{clip_id}", summary="One clip with its redacted transcript")
def get_clip(clip_id: int, user: CurrentUser, session: SessionDep) -> ClipDetailSilenced:
    clip = _visible(session, user, clip_id)
    lines = session.scalars(
        select(UtteranceRecord).where(UtteranceRecord.call_id == clip.call_id,
                                      UtteranceRecord.end > clip.start,
                                      UtteranceRecord.start < clip.end)
        .order_by(UtteranceRecord.idx))
    spans = clip_spans(_pii(session, clip), clip.start, clip.end)
    return ClipDetailSilenced(**clip_public(clip).model_dump(), transcript=[
        ClipLine(idx=u.idx, role=u.role, start=u.start, end=u.end, text=u.redacted_text)
        for u in lines], silenced=[SilencedSpan(kind=s.kind, start=round(s.start, 3),
                                                end=round(s.end, 3)) for s in spans])


@router.get(
    "/{clip_id}/audio", response_class=Response, response_model=None,
    summary="The clip's audio as 16 kHz WAV, with spoken personal data silenced",
    responses={200: {"content": {"audio/wav": {}},
                     "description": "16-bit PCM WAV of the clip's span (stereo stays stereo)"}},
)
def get_clip_audio(
    clip_id: int, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    download: Annotated[bool, Query(description="As an attachment, not inline.")] = False,
) -> Response:
    from pipeline.store import open_store_at

    clip = _visible(session, user, clip_id)
    if clip.end - clip.start > MAX_CLIP_SECONDS:
        raise ApiError(422, f"the clip is longer than {MAX_CLIP_SECONDS / 60:.0f} minutes",
                       code="validation_error")
    call = session.get(Call, clip.call_id)
    assert call is not None
    spans = clip_spans(_pii(session, clip), clip.start, clip.end)
    store = open_store_at(call.store_url, settings, create=False)
    with store.open_reader(call.source_key) as reader:  # in place, or ranged GETs on S3
        samples = decode_span(reader, clip.start, clip.end)
    body = wav_bytes(silence(samples, spans))
    disposition = "attachment" if download else "inline"
    return Response(body, media_type="audio/wav", headers={
        "Content-Disposition": f'{disposition}; filename="clip-{clip.id}.wav"',
        "Cache-Control": "private, no-store"})


@router.delete("/{clip_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a clip from the library (its author or an admin)")
def delete_clip(clip_id: int, user: StaffUser, session: SessionDep) -> None:
    clip = _visible(session, user, clip_id)
    if clip.created_by != user.id and user.role != Role.ADMIN:
        raise forbidden(f"clip {clip_id} was saved by someone else")
    audit(session, user, "clip.delete", "clip", clip.id, call_id=clip.call_id, tag=clip.tag)
    session.delete(clip)
    session.commit()
