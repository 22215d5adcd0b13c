"""Who sees what: an agent sees only calls whose ``agent_id`` is their own Agent; everyone
else sees every call. Anything out of sight answers exactly as a missing object does
(:class:`~pipeline.errors.NotFound`), so ids cannot be probed. A call's un-redacted text
is for admins and supervisors, only where it is kept, and each reading is audited
(:func:`allow_original`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.models import Call, ScoreRecord
from pipeline.errors import Forbidden, NotFound


class _HasCall(Protocol):
    @property
    def call_id(self) -> str: ...


_Row = TypeVar("_Row", bound=_HasCall)

__all__ = [
    "OriginalNotKept",
    "agent_scope",
    "allow_original",
    "call_scores",
    "can_see",
    "require_role",
    "seen_through_call",
    "visible_call",
    "visible_score",
]


class OriginalNotKept(Forbidden):
    """The un-redacted text was asked for where it is not kept."""

    code = "original_not_kept"


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


def call_scores(session: Session, user: User, call_id: str, *, skip: int = 0,
                limit: int = 50) -> tuple[Sequence[ScoreRecord], int]:
    """A page of the call's scorecards, newest first (its history of versions), with their
    rubric, and how many there are; :class:`NotFound` if ``user`` may not see the call."""
    visible_call(session, user, call_id)
    query = select(ScoreRecord).where(ScoreRecord.call_id == call_id)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    scores = session.scalars(query.options(selectinload(ScoreRecord.rubric))
                             .order_by(ScoreRecord.id.desc()).offset(skip).limit(limit)).all()
    return scores, count


def allow_original(session: Session, user: User, call: Call, *, kept: bool) -> None:
    """Let ``user`` read ``call``'s un-redacted text, audited as ``call.view_original`` and
    committed: :class:`Forbidden` unless they are an admin or a supervisor,
    :class:`OriginalNotKept` when the original text is not kept (``kept``:
    ``CALLQA_KEEP_ORIGINAL_TEXT``)."""
    if user.role not in (Role.ADMIN, Role.SUPERVISOR):
        raise Forbidden("original text is for admins and supervisors only")
    if not kept:
        raise OriginalNotKept("original text is not kept (CALLQA_KEEP_ORIGINAL_TEXT is off)")
    audit(session, user, "call.view_original", "call", call.id)
    session.commit()
