"""Notifications: delivering the outbox (:mod:`pipeline.db.outbox`) to signed webhooks and
e-mail, with retries, a dead-letter list and at-least-once delivery under a stable id.

Queue with :func:`pipeline.db.outbox.notify` (in the transaction of the change);
deliver with :func:`deliver_due` (the ``notify`` flow runs it every minute); receivers
check signatures with :func:`verify`.
"""

from pipeline.notify.dead_letters import (
    count_deliveries,
    delivery_public,
    list_deliveries,
    retry_delivery,
)
from pipeline.notify.deliver import DeliveryOptions, DeliveryReport, deliver_due
from pipeline.notify.signing import sign, verify

__all__ = ["DeliveryOptions", "DeliveryReport", "count_deliveries", "deliver_due",
           "delivery_public", "list_deliveries", "retry_delivery", "sign", "verify"]
