"""Who works here: teams, agents and the users who sign in (the admins' directory).

Teams and agents are created, changed and listed here; every change is audited in the
same transaction and committed. A team's name and an agent's external id are unique: a
second one is refused with :class:`~pipeline.errors.Conflict`; an unknown id is
:class:`~pipeline.errors.NotFound`. Users are listed and looked up here, and their teams
set (``user_teams``: what a supervisor or trainer sees under ``CALLQA_TEAM_SCOPING``);
creating and changing them (passwords, tokens, the web UI's languages) is
:mod:`scoring.work.accounts`, which holds the password rules; hashing is
:mod:`scoring.work.credentials`.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from pipeline.db.accounts import User
from pipeline.db.audit import audit
from pipeline.db.models import Agent, Team
from pipeline.errors import Conflict, NotFound
from scoring.work.access import count_rows

__all__ = ["KEEP", "create_agent", "create_team", "get_user", "list_agents", "list_teams",
           "list_users", "set_user_teams", "team", "teams_by_id", "teams_named",
           "update_agent"]


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""An :func:`update_agent` argument left as it is (``None`` means "clear it")."""


# --- teams -------------------------------------------------------------------------------

def list_teams(session: Session) -> Sequence[Team]:
    """Every team, by name."""
    return session.scalars(select(Team).order_by(Team.name)).all()


def team(session: Session, team_id: int) -> Team:
    """The team; :class:`NotFound` if there is none with this id."""
    found = session.get(Team, team_id)
    if found is None:
        raise NotFound(f"no team {team_id}")
    return found


def teams_by_id(session: Session, team_ids: Collection[int]) -> list[Team]:
    """These teams, by name; :class:`NotFound` naming the first id with no team."""
    wanted = set(team_ids)
    found = list(session.scalars(select(Team).where(Team.id.in_(sorted(wanted)))
                                 .order_by(Team.name))) if wanted else []
    missing = sorted(wanted - {t.id for t in found})
    if missing:
        raise NotFound(f"no team {missing[0]}: list the teams with GET /api/v1/admin/teams")
    return found


def teams_named(session: Session, names: Collection[str]) -> list[Team]:
    """The teams of these names; :class:`NotFound` naming the first unknown one."""
    wanted = {n.strip() for n in names}
    found = list(session.scalars(select(Team).where(Team.name.in_(sorted(wanted)))
                                 .order_by(Team.name))) if wanted else []
    missing = sorted(wanted - {t.name for t in found})
    if missing:
        raise NotFound(f"no team named {missing[0]!r}: create it first "
                       "(POST /api/v1/admin/teams) or check the spelling")
    return found


def create_team(session: Session, admin: User, name: str) -> Team:
    """A new team named ``name`` (trimmed); :class:`Conflict` when the name is taken,
    also when another request takes it at the same moment (the unique index says so)."""
    name = name.strip()
    taken = Conflict(f"a team named {name!r} exists")
    if session.scalar(select(Team).where(Team.name == name)) is not None:
        raise taken
    created = Team(name=name)
    session.add(created)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise taken from None
    audit(session, admin, "team.create", "team", created.id, name=name)
    session.commit()
    return created


# --- agents ------------------------------------------------------------------------------

def list_agents(session: Session, *, team: str | None = None, skip: int = 0,
                limit: int = 50) -> tuple[Sequence[Agent], int]:
    """A page of agents by external id, with their team, and how many there are.
    ``team`` is a team's name or, when it is all digits, its name or id."""
    query = select(Agent)
    if team is not None:
        condition = Team.name == team
        if team.isdigit() and int(team) < 2**63:  # a bigger number is no id (no overflow)
            condition = condition | (Team.id == int(team))
        query = query.join(Team, Agent.team_id == Team.id).where(condition)
    count = count_rows(session, query)
    agents = session.scalars(query.options(selectinload(Agent.team))
                             .order_by(Agent.external_id).offset(skip).limit(limit)).all()
    return agents, count


def create_agent(session: Session, admin: User, *, external_id: str, name: str | None = None,
                 team_id: int | None = None) -> Agent:
    """A new agent; :class:`Conflict` when the external id (trimmed) is taken,
    :class:`NotFound` when the team is unknown."""
    external_id = external_id.strip()
    if session.scalar(select(Agent).where(Agent.external_id == external_id)) is not None:
        raise Conflict(f"an agent with external id {external_id!r} exists")
    in_team = team(session, team_id) if team_id is not None else None
    agent = Agent(external_id=external_id, name=name, team=in_team)
    session.add(agent)
    session.flush()
    audit(session, admin, "agent.create", "agent", agent.id, external_id=external_id,
          name=name, team_id=team_id)
    session.commit()
    return agent


def update_agent(session: Session, admin: User, agent_id: int, *,
                 name: str | _Keep | None = KEEP,
                 team_id: int | _Keep | None = KEEP) -> Agent:
    """Change an agent's name or team (``team_id=None`` takes them out of their team);
    what changed is audited as ``{"from": ..., "to": ...}``, nothing when nothing did."""
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"no agent {agent_id}")
    moves = not isinstance(team_id, _Keep) and team_id != agent.team_id
    in_team = team(session, team_id) if moves and isinstance(team_id, int) else None
    changes: dict[str, object] = {}
    if not isinstance(name, _Keep) and name != agent.name:
        changes["name"] = {"from": agent.name, "to": name}
        agent.name = name
    if moves:
        changes["team_id"] = {"from": agent.team_id, "to": team_id}
        agent.team = in_team
    if changes:
        audit(session, admin, "agent.update", "agent", agent.id, **changes)
    session.commit()
    session.refresh(agent)
    return agent


# --- users -------------------------------------------------------------------------------

def list_users(session: Session, *, role: str | None = None, active: bool | None = None,
               skip: int = 0, limit: int = 50) -> tuple[Sequence[User], int]:
    """A page of users by username, with their agent, and how many there are."""
    query = select(User)
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active == active)
    count = count_rows(session, query)
    users = session.scalars(query.options(selectinload(User.agent), selectinload(User.teams))
                            .order_by(User.username).offset(skip).limit(limit)).all()
    return users, count


def get_user(session: Session, user_id: int) -> User:
    """The user; :class:`NotFound` if there is none with this id."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def set_user_teams(session: Session, admin: User | None, user: User,
                   teams: Collection[Team]) -> User:
    """Make ``teams`` the user's teams (all of them, replacing the old), audited as
    ``user.teams`` with the team ids before and after, and committed."""
    before = sorted(t.id for t in user.teams)
    after = sorted({t.id for t in teams})
    if before != after:
        user.teams = list({t.id: t for t in teams}.values())
        audit(session, admin, "user.teams", "user", user.id,
              **{"from": before, "to": after})
    session.commit()
    return user
