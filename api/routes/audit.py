"""The audit log (admins): who did what to which object, and when
(read by :mod:`scoring.work.audit_log`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminUser, IdQuery, PageDep, SessionDep
from api.schemas.users import AuditPublic, AuditsPublic
from scoring.work.audit_log import list_entries

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", summary="Audit log entries, newest first (filter by action, object, user)")
def list_audit(
    admin: AdminUser, session: SessionDep, page: PageDep,
    action: Annotated[str | None, Query(max_length=60)] = None,
    object_type: Annotated[str | None, Query(max_length=40)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    user_id: IdQuery = None,
    since: Annotated[datetime | None, Query()] = None,
) -> AuditsPublic:
    rows, count = list_entries(session, action=action, object_type=object_type,
                               object_id=object_id, user_id=user_id, since=since,
                               skip=page.skip, limit=page.limit)
    return AuditsPublic(data=[
        AuditPublic(id=e.id, at=e.at, user_id=e.user_id, username=name, action=e.action,
                    object_type=e.object_type, object_id=e.object_id, detail=e.detail)
        for e, name in rows], count=count)
