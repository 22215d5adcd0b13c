"""Notification deliveries (the outbox) as admins see them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import UtcDatetime

DeliveryStatusName = Literal["queued", "sending", "sent", "dead"]


class DeliveryPublic(BaseModel):
    id: int
    delivery_id: str = Field(description="Stable across resends: receivers dedupe on it "
                                         "(X-Callqa-Delivery).")
    event: str
    subject_type: str
    subject_id: str
    channel: Literal["webhook", "email"]
    target: str = Field(description="The webhook's name, or the user id for e-mail.")
    status: DeliveryStatusName
    attempts: int
    next_attempt_at: UtcDatetime | None
    last_error: str | None = Field(description="The last try's failure, as a sentence.")
    created_at: UtcDatetime
    sent_at: UtcDatetime | None


class DeliveriesPublic(BaseModel):
    data: list[DeliveryPublic]
    count: int
