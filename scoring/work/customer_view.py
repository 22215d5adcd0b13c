"""One customer's calls, for the people who handle them (admins, supervisors, trainers):
every call of the customer in the reader's sight, newest first, with its primary contact
reason, score, flags and whether it repeats an earlier call. The customer is named by
``customer_ref``, or reached from one of their calls (a customer known only by their
hashed caller number has no name to put in a link).

Agents get nothing here: a customer's history is not an agent's page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.models import Call, ScoreRecord
from pipeline.errors import NotFound
from scoring.work.access import require_role, scope_of, visible_call

__all__ = ["CustomerCalls", "calls_of_customer", "customer_calls_count", "customer_of_call"]

READERS = (Role.ADMIN, Role.SUPERVISOR, Role.TRAINER)
LIMIT = 200  # the newest calls of one customer


@dataclass(frozen=True)
class CustomerCalls:
    customer_ref: str | None  # None: known by caller number only
    calls: tuple[tuple[Call, ScoreRecord | None], ...]
    more: bool  # more calls than LIMIT


def _calls(session: Session, user: User, key: str) -> CustomerCalls:
    scope = scope_of(user)
    rows = session.execute(
        select(Call, ScoreRecord)
        .outerjoin(ScoreRecord, (ScoreRecord.call_id == Call.id) & ScoreRecord.current)
        .options(selectinload(Call.agent), selectinload(Call.team),
                 selectinload(ScoreRecord.flags))
        .where(Call.customer_key == key, *scope.where())
        .order_by(Call.started_at.desc().nulls_last(), Call.created_at.desc(), Call.id)
        .limit(LIMIT + 1)).tuples().all()
    ref = key.removeprefix("ref:") if key.startswith("ref:") else None
    return CustomerCalls(ref, tuple(rows[:LIMIT]), len(rows) > LIMIT)


def calls_of_customer(session: Session, user: User, customer_ref: str) -> CustomerCalls:
    """The calls of the customer ``customer_ref``; NotFound when none is in sight."""
    require_role(user, *READERS)
    found = _calls(session, user, f"ref:{customer_ref}")
    if not found.calls:
        raise NotFound(f"no call of customer {customer_ref!r} that you can see")
    return found


def customer_of_call(session: Session, user: User, call_id: str) -> CustomerCalls:
    """The calls of this call's customer; NotFound when the customer is unknown."""
    require_role(user, *READERS)
    call = visible_call(session, user, call_id)
    if call.customer_key is None:
        raise NotFound(f"call {call_id} has no known customer: its metadata names no "
                       "customer_ref or caller number")
    return _calls(session, user, call.customer_key)


def customer_calls_count(session: Session, user: User, call: Call) -> int | None:
    """How many calls of the call's customer ``user`` sees (None: unknown customer, or a
    reader who may not open the customer page)."""
    if call.customer_key is None or user.role not in READERS:
        return None
    return int(session.scalar(select(func.count(Call.id)).where(
        Call.customer_key == call.customer_key, *scope_of(user).where())) or 0)
