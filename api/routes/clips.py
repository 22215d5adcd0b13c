"""The trainers' example library: clips (a time span of a call, a tag, a note, a criterion)
with their transcript, always redacted. Agents see only clips of their own calls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.deps import CurrentUser, PageDep, SessionDep, StaffUser, agent_scope, visible_call
from api.errors import ApiError, forbidden, not_found
from api.schemas.work import ClipCreate, ClipDetail, ClipLine, ClipPublic, ClipsPublic
from pipeline.db.models import Call, UtteranceRecord
from pipeline.db.people import Clip, Role, User, audit

router = APIRouter(prefix="/api/v1/clips", tags=["clips"])


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
def create_clip(body: ClipCreate, user: StaffUser, session: SessionDep) -> ClipDetail:
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
def get_clip(clip_id: int, user: CurrentUser, session: SessionDep) -> ClipDetail:
    clip = _visible(session, user, clip_id)
    lines = session.scalars(
        select(UtteranceRecord).where(UtteranceRecord.call_id == clip.call_id,
                                      UtteranceRecord.end > clip.start,
                                      UtteranceRecord.start < clip.end)
        .order_by(UtteranceRecord.idx))
    return ClipDetail(**clip_public(clip).model_dump(), transcript=[
        ClipLine(idx=u.idx, role=u.role, start=u.start, end=u.end, text=u.redacted_text)
        for u in lines])


@router.delete("/{clip_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a clip from the library (its author or an admin)")
def delete_clip(clip_id: int, user: StaffUser, session: SessionDep) -> None:
    clip = _visible(session, user, clip_id)
    if clip.created_by != user.id and user.role != Role.ADMIN:
        raise forbidden(f"clip {clip_id} was saved by someone else")
    audit(session, user, "clip.delete", "clip", clip.id, call_id=clip.call_id, tag=clip.tag)
    session.delete(clip)
    session.commit()
