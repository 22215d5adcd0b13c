"""The notification outbox: one row per delivery, queued in the transaction of the change
it reports, so a rolled-back change sends nothing and a committed one is never lost.

    Notification     one delivery of one event to one target: a webhook (by its name in
                     CALLQA_WEBHOOKS) or a user's e-mail (by user id); its stable
                     ``delivery_id`` (a uuid) is what receivers dedupe on
    DeliveryStatus   queued -> sending (leased by a sender) -> sent, or dead (gave up;
                     the dead-letter list, retried by a person)
    notify           queue one event for every target that wants it (the one entry point
                     for the rest of callqa)
    public_link      a UI link for a payload (CALLQA_PUBLIC_URL + route), or None

Delivering (claiming due rows with a lease, sending, marking sent or dead) is
:mod:`pipeline.notify.deliver`'s. Payloads hold no personal data in clear: ids, titles,
due dates and links only.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.db.accounts import Role, User, user_teams
from pipeline.db.models import Base
from pipeline.db.session import upsert_insert
from pipeline.db.times import utc_now

__all__ = ["EVENTS", "DeliveryStatus", "Notification", "notify", "public_link"]

EVENTS = ("flag.critical", "complaint.opened", "complaint.escalated", "complaint.closed")


class DeliveryStatus:
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"
    ALL = (QUEUED, SENDING, SENT, DEAD)


class Channel:
    WEBHOOK = "webhook"
    EMAIL = "email"


class Notification(Base):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(100), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # webhook | email
    target: Mapped[str] = mapped_column(String(100))  # webhook name or user id
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedup_key: Mapped[str | None] = mapped_column(String(200))  # the caller's, as given
    # sha256 of (event, subject_id, dedup_key, channel, target): one delivery each
    dedup: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), index=True, default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))  # a sentence, no secrets
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def public_link(fragment: str) -> str | None:
    """``CALLQA_PUBLIC_URL`` + ``fragment`` (a UI route such as ``"/#/calls/<id>"``), or
    None when no public address is configured."""
    from pipeline.settings import get_settings

    base = get_settings().public_url
    return None if not base else base.rstrip("/") + fragment


def _dedup(event: str, subject_id: str, dedup_key: str | None, channel: str,
           target: str) -> str:
    parts = "\x1f".join((event, subject_id, dedup_key or "", channel, target))
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()


def _recipients(session: Session, team_id: int | None, user_ids: Iterable[int]) -> list[int]:
    """Active users with an e-mail address: those named, and the supervisors of the team."""
    wanted = set(user_ids)
    if team_id is not None:
        wanted |= set(session.scalars(
            select(User.id).join(user_teams, user_teams.c.user_id == User.id)
            .where(user_teams.c.team_id == team_id, User.role == Role.SUPERVISOR)))
    if not wanted:
        return []
    return sorted(session.scalars(select(User.id).where(
        User.id.in_(wanted), User.active.is_(True), User.email.is_not(None),
        User.email != "")))


def notify(session: Session, event: str, subject_type: str, subject_id: str,
           payload: dict[str, Any], *, dedup_key: str | None = None,
           team_id: int | None = None, user_ids: Iterable[int] = ()) -> int:
    """Queue one event for delivery in the caller's transaction (committed or rolled
    back with the change it reports). Events: "flag.critical", "complaint.opened",
    "complaint.escalated" (SLA breach), "complaint.closed". Recipients: every configured
    webhook subscribed to the event; e-mail to the users named and to the supervisors
    of team_id. Queuing the same (event, subject_id, dedup_key) again adds nothing.
    Returns how many deliveries were queued.

    E-mail is queued only when CALLQA_SMTP_HOST is set, and only to active users with an
    e-mail address. The payload must hold no personal data in clear (ids, titles, due
    dates, links); ``event`` and ``subject_type`` are added to it for the receiver.
    """
    from pipeline.settings import get_settings

    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}; one of {', '.join(EVENTS)}")
    settings = get_settings()
    targets = [(Channel.WEBHOOK, hook.name) for hook in settings.webhooks if hook.wants(event)]
    if settings.smtp_host:
        targets += [(Channel.EMAIL, str(uid)) for uid in _recipients(session, team_id, user_ids)]
    now = utc_now()
    body = {**payload, "event": event, "subject_type": subject_type, "subject_id": subject_id}
    queued = 0
    for channel, target in targets:
        result = session.execute(
            upsert_insert(session, Notification.__table__).values(
                delivery_id=str(uuid.uuid4()), event=event, subject_type=subject_type,
                subject_id=str(subject_id), channel=channel, target=target, payload=body,
                dedup_key=dedup_key, dedup=_dedup(event, str(subject_id), dedup_key, channel,
                                                  target),
                status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=now, created_at=now,
            ).on_conflict_do_nothing(index_elements=["dedup"])
            .returning(Notification.__table__.c.id))
        queued += len(result.all())  # an existing delivery returns no row
    return queued
