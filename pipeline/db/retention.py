"""Retention: how many days calls are kept per queue, and which calls are past it.

    RetentionPolicy      the ``retention_policies`` table, here beside the rules over it:
                         one row per queue, keep its calls this many days; the queue
                         ``"*"`` is the default for every queue without a row of its own
                         (and for calls without a queue)
    CALLQA_RETENTION_DAYS  the default when there is no ``"*"`` row; unset keeps calls
                         forever (the embedded default: nothing is erased unless asked)

A call's age counts from ``started_at`` (when it was recorded, from its metadata), else
from ``created_at`` (when callqa first saw it). Expired calls are erased by the daily
``retention`` flow (flows/retention.py) through :func:`pipeline.db.erasure.erase_call`.
Policy changes are audited (``retention.set``, ``retention.unset``). Each function works
inside the caller's session (transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, DateTime, Integer, String, and_, func, or_, select, true
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.db.accounts import User
from pipeline.db.audit import audit
from pipeline.db.models import Base, Call
from pipeline.db.times import as_utc, utc_now
from pipeline.errors import CallqaError

DEFAULT_QUEUE = "*"
MAX_DAYS = 36500  # a hundred years: "forever" is no row (or CALLQA_RETENTION_DAYS unset)


class RetentionError(CallqaError):
    """A retention policy that cannot be stored (bad queue name or number of days)."""

    code = "retention"
    http_status = 422


class RetentionPolicy(Base):
    __tablename__ = "retention_policies"
    queue: Mapped[str] = mapped_column(String(200), primary_key=True)  # "*": the default
    days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


@dataclass(frozen=True)
class ExpiredCall:
    """A call past its retention period, and the policy that says so."""

    call_id: str
    queue: str | None
    age_from: datetime  # started_at, else created_at
    days: int
    policy: str  # the queue of the policy row, "*", or "CALLQA_RETENTION_DAYS"

    @property
    def reason(self) -> str:
        return f"retention: {self.policy} keeps calls {self.days} days"


def list_policies(session: Session) -> list[RetentionPolicy]:
    """Every stored policy, the default ``"*"`` first, then by queue."""
    rows = session.scalars(select(RetentionPolicy).order_by(RetentionPolicy.queue)).all()
    return sorted(rows, key=lambda p: (p.queue != DEFAULT_QUEUE, p.queue))


def set_policy(session: Session, queue: str, days: int, *, actor: User | str) -> RetentionPolicy:
    """Keep calls of ``queue`` (``"*"``: every other queue) ``days`` days; audited."""
    queue = _queue(queue)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise RetentionError(f"retention days must be a whole number from 1 to {MAX_DAYS}, "
                             f"not {days!r}", hint="To keep a queue's calls forever, remove "
                             "its policy and leave CALLQA_RETENTION_DAYS unset.")
    user, name = _actor(actor)
    policy = session.get(RetentionPolicy, queue)
    previous = policy.days if policy else None
    if policy is None:
        policy = RetentionPolicy(queue=queue, days=days)
        session.add(policy)
    policy.days, policy.updated_by, policy.updated_at = days, name, datetime.now(UTC)
    audit(session, user, "retention.set", "retention_policy", queue, actor=name,
          days={"from": previous, "to": days})
    session.flush()
    return policy


def remove_policy(session: Session, queue: str, *, actor: User | str) -> bool:
    """Remove the policy of ``queue``; False if it had none. Audited when removed."""
    queue = _queue(queue)
    policy = session.get(RetentionPolicy, queue)
    if policy is None:
        return False
    user, name = _actor(actor)
    audit(session, user, "retention.unset", "retention_policy", queue, actor=name,
          days={"from": policy.days, "to": None})
    session.delete(policy)
    session.flush()
    return True


def default_days(session: Session, fallback_days: int | None) -> tuple[int | None, str]:
    """The default period and where it comes from: the ``"*"`` row, else the setting."""
    row = session.get(RetentionPolicy, DEFAULT_QUEUE)
    if row is not None:
        return row.days, DEFAULT_QUEUE
    return fallback_days, "CALLQA_RETENTION_DAYS"


def expired_calls(
    session: Session, now: datetime, limit: int = 1000, *, fallback_days: int | None = None,
) -> list[ExpiredCall]:
    """Calls past their queue's retention period at ``now``, oldest first, at most ``limit``.

    ``fallback_days`` is ``CALLQA_RETENTION_DAYS``: the period of queues without a policy
    when there is no ``"*"`` row either (None: such calls are kept).
    """
    now = as_utc(now).astimezone(UTC)
    specific = {p.queue: p.days for p in list_policies(session) if p.queue != DEFAULT_QUEUE}
    default, default_source = default_days(session, fallback_days)
    age = func.coalesce(Call.started_at, Call.created_at)
    conditions = [and_(Call.queue == queue, age < now - timedelta(days=days))
                  for queue, days in specific.items()]
    if default is not None:
        others: ColumnElement[bool] = true()  # every queue, and calls without one
        if specific:
            others = or_(Call.queue.is_(None), Call.queue.not_in(list(specific)))
        conditions.append(and_(others, age < now - timedelta(days=default)))
    if not conditions:
        return []
    rows = session.execute(select(Call.id, Call.queue, age).where(or_(*conditions))
                           .order_by(age, Call.id).limit(limit)).all()
    expired = []
    for call_id, queue, since in rows:
        if queue in specific:
            days, policy = specific[queue], f"queue {queue!r}"
        else:
            assert default is not None
            days = default
            policy = "the default policy '*'" if default_source == DEFAULT_QUEUE \
                else default_source
        expired.append(ExpiredCall(call_id, queue, as_utc(since), days, policy))
    return expired


def _queue(queue: str) -> str:
    queue = queue.strip()
    if not queue or len(queue) > 200:
        raise RetentionError("a retention policy needs a queue name of 1 to 200 characters",
                             hint=f"Use {DEFAULT_QUEUE!r} for the default of every queue.")
    return queue


def _actor(actor: User | str) -> tuple[User | None, str]:
    return (actor, actor.username) if isinstance(actor, User) else (None, actor)
