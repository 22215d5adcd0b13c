"""MinIO's bucket notifications, by webhook: ``POST /api/v1/events/s3``.

MinIO cannot publish to SQS, so it posts each event to a webhook target instead:

    mc admin config set ALIAS notify_webhook:callqa \\
        endpoint="https://callqa.example/api/v1/events/s3" auth_token="$CALLQA_EVENTS_TOKEN"
    mc event add ALIAS/calls arn:minio:sqs::callqa:webhook --event put

MinIO sends the token as ``Authorization: Bearer <token>``; it is compared in constant
time and never logged. Without ``CALLQA_EVENTS_TOKEN`` the route answers 503 and says so.
A malformed record (a size that is no number) answers 422 naming it; the post's other
records are noticed all the same (a retry notices nothing twice).
The keys are noticed (pending, once each) and the answer is 202: processing happens in
the next sweep or watcher run, or at once on workers with ``CALLQA_DISPATCH=deployment``.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from api.deps import SessionDep, SettingsDep
from api.errors import ApiError
from pipeline.db import claims, recordings
from pipeline.events import parse_records, store_objects
from pipeline.settings import Settings

log = logging.getLogger("callqa.api.events")

router = APIRouter(prefix="/api/v1/events", tags=["events"])

webhook_bearer = HTTPBearer(auto_error=False, scheme_name="EventsToken",
                            description="CALLQA_EVENTS_TOKEN, as MinIO's webhook auth_token.")


class EventsAccepted(BaseModel):
    events: int  # ObjectCreated events in the body
    in_store: int  # of those, objects in CALLQA_STORE_URL
    noticed: list[str]  # keys new to callqa (sidecars and known keys are not)


def check_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(webhook_bearer)],
) -> None:
    if settings.events_token is None:
        raise ApiError(503, "the bucket-event webhook is off: set CALLQA_EVENTS_TOKEN and "
                            "give MinIO's webhook target the same auth_token")
    if credentials is None:
        raise ApiError(401, "send the webhook secret as `Authorization: Bearer <token>`",
                       headers={"WWW-Authenticate": "Bearer"})
    expected = settings.events_token.get_secret_value().encode()
    if not hmac.compare_digest(credentials.credentials.encode(), expected):
        raise ApiError(401, "wrong webhook token", headers={"WWW-Authenticate": "Bearer"})


@router.post("/s3", status_code=202, dependencies=[Depends(check_token)],
             summary="Notice new recordings from a MinIO bucket notification (webhook)")
def s3_event(
    session: SessionDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    body: Annotated[dict[str, Any], Body(description="MinIO's event JSON, as sent.")],
) -> EventsAccepted:
    events, problems = parse_records(body)
    store_url = settings.resolved_store_url
    objects = store_objects(events, store_url)
    noticed = recordings.notice(session, store_url, objects, source="event")
    session.commit()
    if noticed:
        log.info("bucket event: %d new recording(s) in %s", len(noticed), store_url)
        if settings.dispatch == "deployment":
            background.add_task(_hand_on, store_url, settings)
    if problems:  # the well-formed records above were noticed all the same
        raise ApiError(422, f"{len(problems)} record(s) of the event were left out: "
                            f"{'; '.join(problems[:5])}; the other {len(events)} were "
                            "noticed. Send the bucket's event JSON as MinIO writes it.")
    return EventsAccepted(events=len(events), in_store=len(objects), noticed=noticed)


def _hand_on(store_url: str, settings: Settings) -> None:
    """Start process-queue runs for what was noticed (after the answer was sent)."""
    from flows.dispatch import submit_runs
    from pipeline.db.session import session_scope

    try:
        with session_scope(settings.resolved_database_url) as session:
            due = claims.due_count(session, store_url)
        submit_runs(store_url, due, settings)
    except Exception:  # the next sweep hands them on
        log.exception("could not start process-queue runs for %s", store_url)
