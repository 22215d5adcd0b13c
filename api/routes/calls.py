"""Calls: the searchable list, one call with its transcript and scorecard, its recording."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel

from api.deps import (
    Credentials,
    CurrentUser,
    PageDep,
    ReaderLanguage,
    SessionDep,
    SettingsDep,
    get_current_user,
)
from api.errors import ApiError
from api.reason_views import product_title, reasons_public, titles_taxonomy
from api.schemas import UtcDatetime
from api.schemas.calls import (
    CallDetail,
    CallPublic,
    CallsPublic,
    PIISpanPublic,
    UtterancePublic,
)
from api.scorecards import score_public
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.reasons import reasons_of
from pipeline.db.scores import current_score
from pipeline.db.search import CallFilters, search_calls
from scoring.work.access import allow_original, read_as, scope_of, visible_call
from scoring.work.audio_links import audio_link, user_for_audio_link
from scoring.work.authorship import scored_by
from scoring.work.calibration import blind_session
from scoring.work.call_audio import call_audio, may_hear
from scoring.work.credentials import TokenProblem
from scoring.work.customer_view import customer_calls_count
from scoring.work.downloads import range_starts

log = logging.getLogger("callqa.api.calls")

router = APIRouter(prefix="/api/v1/calls", tags=["calls"])

Text = Annotated[str | None, Query(max_length=200)]


def call_filters(
    team: Text = None, agent: Annotated[str | None, Query(
        max_length=200, description="Agent external id (agents only ever see their own).")] = None,
    queue: Text = None, language: Text = None,
    direction: Annotated[Literal["inbound", "outbound"] | None, Query()] = None,
    date_from: Annotated[datetime | None, Query(description="started_at >= this")] = None,
    date_to: Annotated[datetime | None, Query(description="started_at < this")] = None,
    score_min: Annotated[float | None, Query(ge=0, le=100)] = None,
    score_max: Annotated[float | None, Query(ge=0, le=100)] = None,
    flag: Annotated[str | None, Query(max_length=40, description="A flag code.")] = None,
    q: Annotated[str | None, Query(max_length=200,
                                   description="Words in the redacted transcript.")] = None,
    criterion: Annotated[str | None, Query(max_length=100)] = None,
    verdict: Annotated[Literal["pass", "fail", "na"] | None, Query()] = None,
    sentiment: Annotated[Literal["positive", "neutral", "negative"] | None, Query(
        description="A customer utterance with this sentiment.")] = None,
    disputed: Annotated[bool | None, Query()] = None,
    reason: Annotated[str | None, Query(max_length=120, description=(
        "Primary contact reason: a code (billing.high_bill) or a category (billing)."))] = None,
    product: Annotated[str | None, Query(max_length=60)] = None,
    region: Annotated[str | None, Query(max_length=60)] = None,
    channel: Annotated[str | None, Query(max_length=60,
                                         description="voice, chat ... (metadata)")] = None,
) -> CallFilters:
    return CallFilters(team=team, agent=agent, queue=queue, language=language,
                       direction=direction, date_from=date_from, date_to=date_to,
                       score_min=score_min, score_max=score_max, flag=flag, text=q,
                       criterion=criterion, verdict=verdict, sentiment=sentiment,
                       disputed=disputed, reason=reason, product=product, region=region,
                       channel=channel)


FiltersDep = Annotated[CallFilters, Depends(call_filters)]


def call_public(call: Call, score: ScoreRecord | None) -> CallPublic:
    return CallPublic(
        id=call.id, status=call.status,
        agent=call.agent.external_id if call.agent else None,
        agent_name=call.agent.name if call.agent else None,
        team=call.team.name if call.team else None, queue=call.queue, direction=call.direction,
        started_at=call.started_at, language=call.language, duration=call.duration,
        score=score.total if score else None, auto_failed=score.auto_failed if score else None,
        priority=score.priority if score else None,
        flags=[f.code for f in score.flags] if score else [],
        contact_reason=call.contact_reason, product=call.product,
    )


@router.get("", summary="Search calls (filters, transcript text, paginated)")
def list_calls(user: CurrentUser, session: SessionDep, page: PageDep,
               filters: FiltersDep, response: Response) -> CallsPublic:
    """Newest first. ``q`` finds words anywhere in the redacted transcript, ignoring case,
    accents and punctuation (Turkish letters included: "sikayet" finds "Şikâyet"). For
    words that many calls contain the count stops at skip + 1000 and the response carries
    ``X-Count-Capped: true``: "that many or more"."""
    scope = scope_of(user)
    rows, count, capped = search_calls(session, filters, agent_ids=scope.agent_ids,
                                       team_ids=scope.team_ids, offset=page.skip,
                                       limit=page.limit)
    if capped:
        response.headers["X-Count-Capped"] = "true"
    return CallsPublic(data=[call_public(c, s) for c, s in rows], count=count)


@router.get("/{call_id}",
            summary="One call: metrics, redacted transcript, current scorecard and flags")
def get_call(
    call_id: str, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    lang: ReaderLanguage,
    original: Annotated[bool, Query(description="Add the un-redacted text (audited).")] = False,
) -> CallDetail:
    """The scorecard's titles, explanations and flag reasons come in the reader's language
    (the user's stored language, else ``Accept-Language``, else English)."""
    call = visible_call(session, user, call_id, full=True)
    if original:
        allow_original(session, user, call, kept=settings.keep_original_text)
    blind = blind_session(session, user, call.id)
    taxonomy = titles_taxonomy(settings)
    score = None if blind is not None else current_score(session, call.id)
    m = call.metrics
    return CallDetail(
        **call_public(call, score).model_dump(), source_key=call.source_key, error=call.error,
        language_source=call.language_source, language_reason=call.language_reason,
        asr_model=call.asr_model, channels=call.channels, diarization=call.diarization,
        notes=call.notes,
        metrics=({c.key: getattr(m, c.key) for c in m.__table__.columns if c.key != "call_id"}
                 if m else None),
        utterances=[UtterancePublic(
            idx=u.idx, speaker=u.speaker, role=u.role, start=u.start, end=u.end,
            text=u.redacted_text, original_text=u.text if original else None,
            sentiment=u.sentiment, sentiment_label=u.sentiment_label) for u in call.utterances],
        pii=[PIISpanPublic(kind=p.kind, utterance=p.utterance_idx, start=p.start, end=p.end)
             for p in call.pii],
        scorecard=score_public(score, lang, scored_by(session, [score.id]).get(score.id))
        if score else None,
        reasons=reasons_public(reasons_of(session, call.id), taxonomy, lang),
        product_title=product_title(taxonomy, call.product, lang),
        repeat_of=call.repeat_of, customer_calls=customer_calls_count(session, user, call),
        blind_calibration=blind,
    )


@router.get(
    "/{call_id}/audio", response_class=FileResponse, response_model=None,
    summary="The call's recording, every PII span silenced (HTTP Range supported); "
            "the original with original=true and a reason, for CALLQA_ORIGINAL_AUDIO_ROLES",
    responses={206: {"description": "Partial content (Range)"},
               307: {"description": "Presigned URL of the S3 object (nothing to silence, "
                                    "or the original)"},
               403: {"description": "The original, without the permission or a reason"}},
)
def get_audio(
    call_id: str, session: SessionDep, settings: SettingsDep, credentials: Credentials,
    range_: Annotated[str | None, Header(alias="range", description="bytes=START-END")] = None,
    original: Annotated[bool, Query(description="the un-redacted recording")] = False,
    reason: Annotated[str | None, Query(max_length=500,
                                        description="why the original is needed")] = None,
    access: Annotated[str | None, Query(max_length=300, description=(
        "A signed link's token (POST /calls/{call_id}/audio-link) instead of the bearer "
        "header"))] = None,
) -> FileResponse | RedirectResponse:
    if access is None:
        user = get_current_user(session, credentials, settings)
    else:
        try:
            user = user_for_audio_link(session, settings.home, access, call_id,
                                       original=original, reason=reason or "")
        except TokenProblem as exc:
            raise ApiError(401, str(exc)) from None
        user = read_as(user, team_scoping=settings.resolved_team_scoping)
    answer = call_audio(session, user, call_id, settings, original=original, reason=reason,
                        range_header=range_)
    if answer.url is not None:
        return RedirectResponse(answer.url, status_code=307)
    assert answer.path is not None
    _check_range(range_, answer.path.stat().st_size)
    return FileResponse(answer.path, media_type=answer.media_type, filename=answer.filename,
                        content_disposition_type="inline")


class AudioLinkPublic(BaseModel):
    url: str
    expires_at: UtcDatetime


@router.post("/{call_id}/audio-link",
             summary="A link to the recording for the browser's player (5 minutes; Range "
                     "requests without the bearer header)")
def post_audio_link(
    call_id: str, user: CurrentUser, session: SessionDep, settings: SettingsDep,
    original: Annotated[bool, Query(description="the un-redacted recording")] = False,
    reason: Annotated[str | None, Query(max_length=500,
                                        description="why the original is needed")] = None,
) -> AudioLinkPublic:
    """``url`` plays as ``GET /calls/{call_id}/audio`` would for this user (same visibility,
    redaction and original rules; a play is audited when it starts) until ``expires_at``."""
    call = may_hear(session, user, call_id, settings, original=original, reason=reason)
    link = audio_link(settings.home, user, call.id, original=original,
                      reason=(reason or "").strip() if original else "")
    return AudioLinkPublic(url=link.url, expires_at=link.expires_at)


def _check_range(header: str | None, size: int) -> None:
    """Refuse a range past the end with the API's error body (Starlette's would be plain)."""
    starts = [s for s in range_starts(header) or () if s is not None]
    if starts and min(starts) >= size:
        raise ApiError(416, f"the range starts past the end of the recording ({size} bytes)",
                       headers={"Content-Range": f"bytes */{size}"})
