"""Erasure and retention (KVKK/GDPR; admins only, every change audited).

    DELETE /calls/{call_id}                 erase a call: recording, transcript, scores,
                                            reviews, disputes, clips (a reason is required,
                                            in the body or as ``?reason=``); 404 if unknown
    GET /admin/retention                    the policies per queue and the default
    PUT /admin/retention/{queue}            keep that queue's calls N days ("*": the default)
    DELETE /admin/retention/{queue}         remove a queue's policy (404 if it has none)

After an erasure no route reveals the call: its rows are gone, so every lookup by id
answers 404 and lists, searches and dashboards no longer count it
(tests/api/test_api_erasure.py walks every route). The rules are
:mod:`scoring.work.erasure` over :mod:`pipeline.db.erasure` and :mod:`pipeline.db.retention`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from api.deps import AdminUser, SessionDep, SettingsDep
from api.errors import ApiError
from api.schemas.erasure import (
    ErasurePublic,
    ErasureRequest,
    RetentionPublic,
    RetentionsPublic,
    RetentionUpdate,
)
from pipeline.db.retention import RetentionPolicy, default_days, list_policies
from scoring.work import erasure

router = APIRouter(prefix="/api/v1")

@router.delete("/calls/{call_id}", tags=["calls"],
               summary="Erase a call and its recording for good (admins; reason required)")
def erase(
    call_id: str, admin: AdminUser, session: SessionDep, settings: SettingsDep,
    body: Annotated[ErasureRequest | None, Body()] = None,
    reason: Annotated[str | None, Query(min_length=3, max_length=500, description=(
        "Why (instead of the body's reason); kept in the audit log."))] = None,
) -> ErasurePublic:
    why = body.reason if body is not None else reason
    if not why or not why.strip():
        raise ApiError(422, 'say why the call is erased: send {"reason": "..."} or ?reason=')
    report = erasure.erase(session, settings, admin, call_id, reason=why)
    return ErasurePublic(**{**report.to_dict(), "at": report.at})


def _public(policy: RetentionPolicy) -> RetentionPublic:
    return RetentionPublic(queue=policy.queue, days=policy.days, updated_by=policy.updated_by,
                           updated_at=policy.updated_at)


@router.get("/admin/retention", tags=["admin"],
            summary="Retention policies per queue, and the default for the others")
def list_retention(admin: AdminUser, session: SessionDep,
                   settings: SettingsDep) -> RetentionsPublic:
    policies = list_policies(session)
    days, source = default_days(session, settings.retention_days)
    return RetentionsPublic(data=[_public(p) for p in policies], count=len(policies),
                            default_days=days, default_source=source)


@router.put("/admin/retention/{queue}", tags=["admin"],
            summary='Keep a queue\'s calls this many days ("*": every other queue; audited)')
def put_retention(queue: str, body: RetentionUpdate, admin: AdminUser,
                  session: SessionDep) -> RetentionPublic:
    return _public(erasure.set_retention(session, admin, queue, body.days))


@router.delete("/admin/retention/{queue}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, tags=["admin"],
               summary="Remove a queue's retention policy (audited; 404 if it has none)")
def delete_retention(queue: str, admin: AdminUser, session: SessionDep) -> Response:
    erasure.remove_retention(session, admin, queue)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
