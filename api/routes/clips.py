"""The trainers' example library: clips (a time span of a call, a tag, a note, a criterion)
with their transcript and audio, always redacted. Agents see only clips of their own calls.
The rules are :mod:`scoring.work.clips`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import CurrentUser, IdPath, PageDep, SessionDep, SettingsDep, StaffUser
from api.schemas.work import ClipCreate, ClipDetail, ClipLine, ClipPublic, ClipsPublic
from pipeline.db.review_records import Clip
from scoring.work import clips

router = APIRouter(prefix="/api/v1/clips", tags=["clips"])


class SilencedSpan(BaseModel):
    kind: str = Field(description="What kind of personal data was spoken there.")
    start: float = Field(description="Seconds from the clip's start.")
    end: float = Field(description="Seconds from the clip's start.")


class ClipDetailSilenced(ClipDetail):
    silenced: list[SilencedSpan] = Field(
        default_factory=list,
        description="Spans of spoken personal data, silenced in the clip's audio.")


def clip_public(clip: Clip) -> ClipPublic:
    return ClipPublic(id=clip.id, call_id=clip.call_id, start=clip.start, end=clip.end,
                      tag=clip.tag, note=clip.note, criterion_id=clip.criterion_id,
                      created_by=clip.created_by, created_at=clip.created_at)


def clip_detail(session: Session, clip: Clip) -> ClipDetailSilenced:
    lines = clips.clip_lines(session, clip)
    spans = clips.clip_silenced(session, clip)
    return ClipDetailSilenced(**clip_public(clip).model_dump(), transcript=[
        ClipLine(idx=u.idx, role=u.role, start=u.start, end=u.end, text=u.redacted_text)
        for u in lines], silenced=[SilencedSpan(kind=s.kind, start=round(s.start, 3),
                                                end=round(s.end, 3)) for s in spans])


@router.post("", status_code=status.HTTP_201_CREATED,
             summary="Save a clip of a call into the library (trainers, supervisors)")
def create_clip(body: ClipCreate, user: StaffUser, session: SessionDep) -> ClipDetailSilenced:
    clip = clips.create_clip(session, user, call_id=body.call_id, start=body.start,
                             end=body.end, tag=body.tag, note=body.note,
                             criterion_id=body.criterion_id)
    return clip_detail(session, clip)


@router.get("", summary="Search the clip library (tag, criterion, call, note text)")
def list_clips(
    user: CurrentUser, session: SessionDep, page: PageDep,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    criterion_id: Annotated[str | None, Query(max_length=100)] = None,
    call_id: Annotated[str | None, Query(max_length=36)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the note.")] = None,
) -> ClipsPublic:
    rows, count = clips.list_clips(session, user, tag=tag, criterion_id=criterion_id,
                                   call_id=call_id, words=q, skip=page.skip, limit=page.limit)
    return ClipsPublic(data=[clip_public(c) for c in rows], count=count)


@router.get("/{clip_id}", summary="One clip with its redacted transcript")
def get_clip(clip_id: IdPath, user: CurrentUser, session: SessionDep) -> ClipDetailSilenced:
    return clip_detail(session, clips.visible_clip(session, user, clip_id))


@router.get(
    "/{clip_id}/audio", response_class=Response, response_model=None,
    summary="The clip's audio as 16 kHz WAV, with spoken personal data silenced",
    responses={200: {"content": {"audio/wav": {}},
                     "description": "16-bit PCM WAV of the clip's span (stereo stays stereo)"}},
)
def get_clip_audio(
    clip_id: IdPath, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    download: Annotated[bool, Query(description="As an attachment, not inline.")] = False,
) -> Response:
    body = clips.clip_wav(session, user, clip_id, settings)
    disposition = "attachment" if download else "inline"
    return Response(body, media_type="audio/wav", headers={
        "Content-Disposition": f'{disposition}; filename="clip-{clip_id}.wav"',
        "Cache-Control": "private, no-store"})


@router.delete("/{clip_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a clip from the library (its author or an admin)")
def delete_clip(clip_id: IdPath, user: StaffUser, session: SessionDep) -> None:
    clips.delete_clip(session, user, clip_id)
