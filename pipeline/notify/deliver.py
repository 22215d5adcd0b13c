"""Delivering the outbox: claim a due delivery with a lease, send it, record what came of it.

Each delivery is claimed in its own short transaction by one conditional UPDATE (status
queued and due, or sending with an expired lease -> sending, ``attempts + 1``, a fresh
``lease_until``), sent outside any transaction, and finished in another transaction whose
UPDATE names the attempt it claimed. On PostgreSQL the candidate is picked with ``SELECT
... FOR UPDATE SKIP LOCKED``; on SQLite writes are serialised and the UPDATE's row count
decides. So two workers never hold one delivery at once, and a worker whose lease was
taken over cannot mark the newer attempt's row.

What a crash does (be clear about it, receivers rely on it):

* killed before sending: the row stays ``sending`` until its lease expires, then another
  run claims it and sends it. Nothing is lost.
* killed after the receiver got it but before ``sent`` was committed: after the lease
  expires it is sent AGAIN, with the SAME delivery id (``X-Callqa-Delivery``; an e-mail
  keeps its Message-ID). This is at-least-once delivery: a receiver that must act once
  dedupes on the delivery id. Exactly-once across a network is not on offer from anyone.

Retries: a failure worth retrying waits ``backoff_seconds * 2**(attempts-1)`` (at most
``backoff_max_seconds``), times a jitter of 0.5-1.0, so a receiver coming back is not hit
by every delivery at once; after ``max_attempts`` tries, or at once when the receiver
refuses it (4xx other than 408/429, SMTP 5xx), the delivery is ``dead``: the dead-letter
list, retried by a person (:mod:`pipeline.notify.dead_letters`).

    DeliveryOptions  limits and backoff (from CALLQA_NOTIFY_*)
    DeliveryReport   what one run did
    deliver_due      claim and send due deliveries until none is due (or ``limit``)
    claim_one        claim the next due delivery (the caller commits)
    finish           record one attempt's outcome (the caller commits)
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.outbox import Channel, DeliveryStatus, Notification
from pipeline.db.times import as_utc, utc_now
from pipeline.notify.mailer import SmtpOptions, build_message, send_email
from pipeline.notify.messages import mail_language
from pipeline.notify.types import Attempt, Delivery
from pipeline.notify.webhooks import send_webhook
from pipeline.settings import Settings, Webhook

log = logging.getLogger(__name__)

__all__ = ["DeliveryOptions", "DeliveryReport", "backoff", "claim_one", "deliver_due",
           "finish"]

SessionFactory = Callable[[], AbstractContextManager[Session]]
Hook = Callable[[str, Delivery], None]


@dataclass(frozen=True)
class DeliveryOptions:
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 120.0
    timeout_seconds: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryOptions:
        return cls(settings.notify_max_attempts, settings.notify_backoff_seconds,
                   settings.notify_backoff_max_seconds, settings.notify_lease_seconds,
                   settings.notify_timeout_seconds)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    lost: int = 0  # finished by another worker after this one's lease expired

    def to_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retried": self.retried, "dead": self.dead,
                "lost": self.lost}


def backoff(attempts: int, options: DeliveryOptions,
            rand: Callable[[], float] = random.random) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: exponential, with jitter."""
    delay = min(options.backoff_max_seconds,
                options.backoff_seconds * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * (0.5 + 0.5 * rand()))


def _due(now: datetime) -> Any:
    return or_(
        and_(Notification.status == DeliveryStatus.QUEUED, Notification.next_attempt_at <= now),
        and_(Notification.status == DeliveryStatus.SENDING, Notification.lease_until <= now),
    )


def claim_one(session: Session, now: datetime, options: DeliveryOptions) -> Delivery | None:
    """Claim the oldest due delivery for this worker, or None when none is due.

    A delivery whose lease expired after its last allowed try (senders kept dying on it)
    is marked dead instead of being handed out again. The caller commits.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    while True:
        query = (select(Notification.id, Notification.attempts).where(_due(now))
                 .order_by(Notification.next_attempt_at, Notification.id))
        query = query.limit(1).with_for_update(skip_locked=True) if postgres else query.limit(8)
        candidates = session.execute(query).all()
        if not candidates:
            return None
        for row_id, attempts in candidates:
            base = update(Notification).where(Notification.id == row_id, _due(now))
            if attempts >= options.max_attempts:
                session.execute(base.values(
                    status=DeliveryStatus.DEAD, lease_until=None,
                    last_error=f"gave up after {attempts} tries: the senders stopped before "
                               "recording the outcome (crashed or killed)"))
                continue
            changed = session.execute(base.values(
                status=DeliveryStatus.SENDING, attempts=attempts + 1,
                lease_until=now + timedelta(seconds=options.lease_seconds)))
            if changed.rowcount == 1:  # type: ignore[attr-defined]
                row = session.get(Notification, row_id, populate_existing=True)
                assert row is not None
                return Delivery(row.id, row.delivery_id, row.event, row.subject_type,
                                row.subject_id, row.channel, row.target, dict(row.payload),
                                attempts + 1, as_utc(row.created_at))


def finish(session: Session, delivery: Delivery, attempt: Attempt, now: datetime,
           options: DeliveryOptions) -> str:
    """Record ``attempt``: sent, queued again after a backoff, or dead. Returns the new
    status, or "lost" when another worker claimed the delivery since (nothing written)."""
    if attempt.sent:
        values: dict[str, Any] = {"status": DeliveryStatus.SENT, "sent_at": now,
                                  "lease_until": None, "last_error": None}
    elif attempt.permanent or delivery.attempts >= options.max_attempts:
        error = attempt.error or "failed"
        if not attempt.permanent:
            error = f"{error} (gave up after {delivery.attempts} tries)"
        values = {"status": DeliveryStatus.DEAD, "lease_until": None, "last_error": error[:500]}
    else:
        values = {"status": DeliveryStatus.QUEUED, "lease_until": None,
                  "next_attempt_at": now + backoff(delivery.attempts, options),
                  "last_error": (attempt.error or "failed")[:500]}
    changed = session.execute(update(Notification).where(
        Notification.id == delivery.id, Notification.status == DeliveryStatus.SENDING,
        Notification.attempts == delivery.attempts).values(**values))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        log.warning("delivery %s: taken over by another sender before its outcome was "
                    "recorded", delivery.delivery_id)
        return "lost"
    return str(values["status"])


@dataclass(frozen=True)
class _Recipient:
    email: str
    name: str | None
    language: str


def _recipient(session: Session, delivery: Delivery) -> _Recipient | None:
    user = session.get(User, int(delivery.target)) if delivery.target.isdigit() else None
    if user is None or not user.active or not user.email:
        return None
    return _Recipient(user.email, user.full_name, mail_language(user.language))


def _send(delivery: Delivery, recipient: _Recipient | None, webhooks: Sequence[Webhook],
          smtp: SmtpOptions | None, options: DeliveryOptions,
          client: httpx.Client | None) -> Attempt:
    if delivery.channel == Channel.WEBHOOK:
        hook = next((h for h in webhooks if h.name == delivery.target), None)
        if hook is None:
            return Attempt.dead(f"webhook {delivery.target!r} is no longer configured "
                                "(CALLQA_WEBHOOKS)")
        return send_webhook(hook, delivery, timeout=options.timeout_seconds, client=client)
    if recipient is None:
        return Attempt.dead(f"user {delivery.target} has no e-mail address now, or was "
                            "deactivated; add the address, then retry it")
    if smtp is None:
        return Attempt.retry("no mail server is configured (CALLQA_SMTP_HOST); tried again "
                             "later")
    return send_email(smtp, build_message(delivery, smtp, recipient.email, recipient.name,
                                          recipient.language))


def deliver_due(session_factory: SessionFactory, now: datetime | None = None, *,
                settings: Settings | None = None, options: DeliveryOptions | None = None,
                limit: int = 500, hook: Hook | None = None,
                client: httpx.Client | None = None) -> DeliveryReport:
    """Claim and send due deliveries, one at a time, until none is due or ``limit`` were
    tried. ``session_factory()`` opens one transaction (``lambda: session_scope(url)``);
    ``now`` fixes the clock (tests); ``hook(stage, delivery)`` is told "claimed" before
    and "sent"/"failed" after each try, before the outcome is committed.

    Safe to run in many workers at once (see the module docstring for what a crash does).
    """
    from pipeline.settings import get_settings

    settings = settings or get_settings()
    options = options or DeliveryOptions.from_settings(settings)
    smtp = SmtpOptions.from_settings(settings)
    counts = {"sent": 0, "queued": 0, "dead": 0, "lost": 0}
    for _ in range(limit):
        moment = now or utc_now()
        with session_factory() as session:
            delivery = claim_one(session, moment, options)
            recipient = (_recipient(session, delivery)
                         if delivery is not None and delivery.channel == Channel.EMAIL
                         else None)
        if delivery is None:
            break
        if hook is not None:
            hook("claimed", delivery)
        attempt = _send(delivery, recipient, settings.webhooks, smtp, options, client)
        if hook is not None:
            hook("sent" if attempt.sent else "failed", delivery)
        if not attempt.sent:
            log.warning("delivery %s (%s to %s %s), try %d: %s", delivery.delivery_id,
                        delivery.event, delivery.channel, delivery.target, delivery.attempts,
                        attempt.error)
        with session_factory() as session:
            status = finish(session, delivery, attempt, now or utc_now(), options)
        counts[status] += 1
    return DeliveryReport(counts["sent"], counts["queued"], counts["dead"], counts["lost"])
