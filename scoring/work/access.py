"""Who sees what: an agent sees only calls whose ``agent_id`` is their own Agent; everyone
else sees every call. Anything out of sight answers exactly as a missing object does
(:class:`~pipeline.errors.NotFound`), so ids cannot be probed."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.models import Call, ScoreRecord
from pipeline.errors import Forbidden, NotFound


class _HasCall(Protocol):
    @property
    def call_id(self) -> str: ...


_Row = TypeVar("_Row", bound=_HasCall)

__all__ = ["agent_scope", "can_see", "require_role", "seen_through_call", "visible_call",
           "visible_score"]


def agent_scope(user: User) -> Collection[int] | None:
    """The agents whose calls ``user`` may see: None for everyone, else their own only."""
    if user.role != Role.AGENT:
        return None
    return (user.agent_id,) if user.agent_id is not None else ()


def can_see(user: User, agent_id: int | None) -> bool:
    scope = agent_scope(user)
    return scope is None or (agent_id is not None and agent_id in scope)


def require_role(user: User, *roles: str) -> None:
    """Refuse ``user`` unless they hold one of ``roles``."""
    if user.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)} (you are {user.role})")


def visible_call(session: Session, user: User, call_id: str, *, full: bool = False) -> Call:
    """The call if ``user`` may see it; :class:`NotFound` when missing or someone else's."""
    query = select(Call).options(selectinload(Call.agent), selectinload(Call.team))
    if full:
        query = query.options(selectinload(Call.utterances), selectinload(Call.metrics),
                              selectinload(Call.pii))
    call = session.scalar(query.where(Call.id == call_id))
    if call is None or not can_see(user, call.agent_id):
        raise NotFound(f"no call {call_id}")
    return call


def visible_score(session: Session, user: User, score_id: int) -> ScoreRecord:
    """The scorecard if ``user`` may see its call; :class:`NotFound` otherwise."""
    score = session.scalar(
        select(ScoreRecord).options(selectinload(ScoreRecord.results),
                                    selectinload(ScoreRecord.flags),
                                    selectinload(ScoreRecord.rubric))
        .where(ScoreRecord.id == score_id))
    return seen_through_call(session, user, score, f"scorecard {score_id}")


def seen_through_call(session: Session, user: User, obj: _Row | None, what: str) -> _Row:
    """``obj`` (a row with a ``call_id``) if it exists and ``user`` may see its call;
    ``NotFound("no <what>")`` otherwise, whichever it is."""
    if obj is None:
        raise NotFound(f"no {what}")
    try:
        visible_call(session, user, obj.call_id)
    except NotFound:
        raise NotFound(f"no {what}") from None
    return obj
