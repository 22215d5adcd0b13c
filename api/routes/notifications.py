"""Notifications (admins only): the outbox's deliveries, the dead letters, their retry.

    GET  /api/v1/admin/notifications?status=dead   newest first, paged
    POST /api/v1/admin/notifications/{id}/retry    queue a dead delivery again, due now
                                                   (audited; 409 when sent or sending)

The rules are :mod:`pipeline.notify.dead_letters`; delivery is the ``notify`` flow's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminUser, IdPath, PageDep, SessionDep
from api.schemas.notifications import DeliveriesPublic, DeliveryPublic, DeliveryStatusName
from pipeline.notify import count_deliveries, delivery_public, list_deliveries, retry_delivery

router = APIRouter(prefix="/api/v1/admin/notifications", tags=["admin"])


@router.get("", summary="Notification deliveries; ?status=dead for the dead letters")
def list_notifications(
    admin: AdminUser, session: SessionDep, page: PageDep,
    status: Annotated[DeliveryStatusName | None, Query()] = None,
) -> DeliveriesPublic:
    rows = list_deliveries(session, status, limit=page.limit, offset=page.skip)
    return DeliveriesPublic(data=[DeliveryPublic(**delivery_public(r)) for r in rows],
                            count=count_deliveries(session, status))


@router.post("/{notification_id}/retry",
             summary="Queue a dead delivery again, due now (same delivery id)")
def retry_notification(notification_id: IdPath, admin: AdminUser,
                       session: SessionDep) -> DeliveryPublic:
    row = retry_delivery(session, notification_id, by=admin)
    session.commit()
    return DeliveryPublic(**delivery_public(row))
