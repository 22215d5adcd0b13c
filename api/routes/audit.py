"""The audit log (admins): who did what to which object, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from api.deps import AdminUser, PageDep, SessionDep
from api.schemas.users import AuditPublic, AuditsPublic
from pipeline.db.people import AuditLog, User

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", summary="Audit log entries, newest first (filter by action, object, user)")
def list_audit(
    admin: AdminUser, session: SessionDep, page: PageDep,
    action: Annotated[str | None, Query(max_length=60)] = None,
    object_type: Annotated[str | None, Query(max_length=40)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    user_id: Annotated[int | None, Query()] = None,
    since: Annotated[datetime | None, Query()] = None,
) -> AuditsPublic:
    query = select(AuditLog, User.username).outerjoin(User, User.id == AuditLog.user_id)
    for column, value in ((AuditLog.action, action), (AuditLog.object_type, object_type),
                          (AuditLog.object_id, object_id), (AuditLog.user_id, user_id)):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditLog.at >= since)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(AuditLog.id.desc()).offset(page.skip)
                           .limit(page.limit)).all()
    return AuditsPublic(data=[
        AuditPublic(id=e.id, at=e.at, user_id=e.user_id, username=name, action=e.action,
                    object_type=e.object_type, object_id=e.object_id, detail=e.detail)
        for e, name in rows], count=count)
