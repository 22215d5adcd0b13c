"""Who sees what: an agent sees only calls whose ``agent_id`` is their own Agent; with
team scoping on (``CALLQA_TEAM_SCOPING``, the production default) a supervisor or trainer
sees only calls whose ``team_id`` is one of their teams (``user_teams``), and a call with
no team only admins and unscoped users see; admins see every call. :func:`scope_of` is
that rule as a :class:`Scope`, the one thing every list and lookup of calls applies.
Anything out of sight answers exactly as a missing object does
(:class:`~pipeline.errors.NotFound`), so ids cannot be probed. A call's un-redacted text
is for admins and supervisors, only where it is kept, and each reading is audited
(:func:`allow_original`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, func, inspect, select
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.models import Call, ScoreRecord
from pipeline.db.search import in_scope
from pipeline.errors import Forbidden, NotFound
from pipeline.settings import get_settings


class _HasCall(Protocol):
    @property
    def call_id(self) -> str: ...


_Row = TypeVar("_Row", bound=_HasCall)
_Q = TypeVar("_Q", bound=Select[Any])

__all__ = [
    "OriginalNotKept",
    "Scope",
    "allow_original",
    "call_scores",
    "can_see",
    "count_rows",
    "read_as",
    "require_role",
    "scope_of",
    "seen_through_call",
    "visible_call",
    "visible_score",
]

_SCOPING = "callqa_team_scoping"  # the key in a User's InstanceState.info


@dataclass(frozen=True)
class Scope:
    """The calls a user sees: those of ``agent_ids``' agents and of ``team_ids``' teams;
    None on either side is no limit there, an empty set is nothing."""

    agent_ids: frozenset[int] | None = None
    team_ids: frozenset[int] | None = None

    @property
    def everything(self) -> bool:
        return self.agent_ids is None and self.team_ids is None

    def sees(self, agent_id: int | None, team_id: int | None) -> bool:
        """Whether a call of this agent and team is in sight."""
        return ((self.agent_ids is None or agent_id in self.agent_ids)
                and (self.team_ids is None or team_id in self.team_ids))

    def sees_call(self, call: Call) -> bool:
        return self.sees(call.agent_id, call.team_id)

    def where(self, agent_column: Any = Call.agent_id,
              team_column: Any = Call.team_id) -> list[ColumnElement[bool]]:
        """Conditions keeping the rows in sight (a query over calls by default; rollups
        pass their own columns)."""
        return in_scope(agent_column, team_column, self.agent_ids, self.team_ids)

    def narrow(self, query: _Q, call_id: Any) -> _Q:
        """``query`` (over rows with a call, ``call_id`` the column naming it) kept to the
        rows whose call is in sight; unchanged when everything is."""
        if self.everything:
            return query
        return query.join(Call, Call.id == call_id).where(*self.where())


def count_rows(session: Session, query: Select[Any] | Any) -> int:
    """How many rows ``query`` has (for a page's ``count``)."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def read_as(user: User, *, team_scoping: bool) -> User:
    """Mark ``user`` as read under ``team_scoping`` (the API passes its app's setting);
    an unmarked user follows the process's ``CALLQA_TEAM_SCOPING``."""
    inspect(user).info[_SCOPING] = team_scoping
    return user


def _team_scoping(user: User) -> bool:
    marked = inspect(user).info.get(_SCOPING)
    return get_settings().resolved_team_scoping if marked is None else bool(marked)


def scope_of(user: User) -> Scope:
    """What ``user`` sees: an agent their own agent's calls (nothing when the agent is
    gone), a supervisor or trainer under team scoping their teams' calls, else all."""
    if user.role == Role.AGENT:
        return Scope(agent_ids=frozenset(() if user.agent_id is None else (user.agent_id,)))
    if user.role in (Role.SUPERVISOR, Role.TRAINER) and _team_scoping(user):
        return Scope(team_ids=frozenset(team.id for team in user.teams))
    return Scope()


def can_see(user: User, call: Call) -> bool:
    """Whether ``call`` is in ``user``'s sight."""
    return scope_of(user).sees_call(call)


class OriginalNotKept(Forbidden):
    """The un-redacted text was asked for where it is not kept."""

    code = "original_not_kept"


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
    if call is None or not can_see(user, call):
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
    count = count_rows(session, query)
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
