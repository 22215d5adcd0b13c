"""Admin: agents, teams and rubric versions (admins only; every change is audited).

    GET/POST /teams                       teams (names are unique: 409 on a duplicate)
    GET/POST /agents, PATCH /agents/{id}  agents: external id, name, team
    GET /rubrics                          stored versions and shipped rubrics, with ``active``
    POST /rubrics/validate                check a rubric's YAML (422 names line and criterion)
    POST /rubrics                         store a rubric version (validated first)
    POST /rubrics/{id}/activate           this version scores new calls (others of its name off)
    POST /rubrics/{id}/rescore            score the stored calls again with this version
                                          (human scores stay current; ?override_human=true)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from api.deps import AdminUser, PageDep, SessionDep
from api.errors import conflict, not_found
from api.schemas.admin import (
    AgentCreate,
    AgentPublic,
    AgentsPublic,
    AgentUpdate,
    RescorePublic,
    RubricCheck,
    RubricPublic,
    RubricSource,
    RubricsPublic,
    TeamCreate,
    TeamPublic,
    TeamsPublic,
)
from pipeline.db.models import Agent, RubricRecord, Team
from pipeline.db.people import audit
from pipeline.db.scores import upsert_rubric
from scoring.rubric import Rubric, builtin_rubrics, parse_rubric

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

UPLOAD = "<uploaded rubric>"  # the "file" a RubricError names for YAML sent in a request


# --- teams -------------------------------------------------------------------------------

@router.get("/teams", summary="List teams")
def list_teams(admin: AdminUser, session: SessionDep) -> TeamsPublic:
    teams = session.scalars(select(Team).order_by(Team.name)).all()
    return TeamsPublic(data=[TeamPublic(id=t.id, name=t.name) for t in teams], count=len(teams))


@router.post("/teams", status_code=status.HTTP_201_CREATED,
             summary="Create a team (409 when the name is taken)")
def create_team(body: TeamCreate, admin: AdminUser, session: SessionDep) -> TeamPublic:
    name = body.name.strip()
    if session.scalar(select(Team).where(Team.name == name)) is not None:
        raise conflict(f"a team named {name!r} exists")
    team = Team(name=name)
    session.add(team)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise conflict(f"a team named {name!r} exists") from None
    audit(session, admin, "team.create", "team", team.id, name=name)
    session.commit()
    return TeamPublic(id=team.id, name=team.name)


# --- agents ------------------------------------------------------------------------------

def agent_public(agent: Agent) -> AgentPublic:
    return AgentPublic(id=agent.id, external_id=agent.external_id, name=agent.name,
                       team_id=agent.team_id, team=agent.team.name if agent.team else None)


def _team(session: SessionDep, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise not_found(f"team {team_id}")
    return team


@router.get("/agents", summary="List agents (filter by team name or id)")
def list_agents(
    admin: AdminUser, session: SessionDep, page: PageDep,
    team: Annotated[str | None, Query(description="A team's name or id.")] = None,
) -> AgentsPublic:
    query = select(Agent)
    if team is not None:
        condition = Team.name == team
        if team.isdigit():
            condition = condition | (Team.id == int(team))
        query = query.join(Team, Agent.team_id == Team.id).where(condition)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    agents = session.scalars(query.options(selectinload(Agent.team))
                             .order_by(Agent.external_id).offset(page.skip).limit(page.limit))
    return AgentsPublic(data=[agent_public(a) for a in agents], count=count)


@router.post("/agents", status_code=status.HTTP_201_CREATED,
             summary="Create an agent (409 when the external id is taken)")
def create_agent(body: AgentCreate, admin: AdminUser, session: SessionDep) -> AgentPublic:
    external_id = body.external_id.strip()
    if session.scalar(select(Agent).where(Agent.external_id == external_id)) is not None:
        raise conflict(f"an agent with external id {external_id!r} exists")
    team = _team(session, body.team_id) if body.team_id is not None else None
    agent = Agent(external_id=external_id, name=body.name, team=team)
    session.add(agent)
    session.flush()
    audit(session, admin, "agent.create", "agent", agent.id, external_id=external_id,
          name=body.name, team_id=body.team_id)
    session.commit()
    return agent_public(agent)


@router.patch("/agents/{agent_id}", summary="Change an agent's name or team")
def update_agent(agent_id: int, body: AgentUpdate, admin: AdminUser,
                 session: SessionDep) -> AgentPublic:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise not_found(f"agent {agent_id}")
    changes: dict[str, object] = {}
    sent = body.model_fields_set
    if "name" in sent and body.name != agent.name:
        changes["name"] = {"from": agent.name, "to": body.name}
        agent.name = body.name
    if "team_id" in sent and body.team_id != agent.team_id:
        agent.team = _team(session, body.team_id) if body.team_id is not None else None
        changes["team_id"] = {"from": agent.team_id, "to": body.team_id}
        agent.team_id = body.team_id
    if changes:
        audit(session, admin, "agent.update", "agent", agent.id, **changes)
    session.commit()
    session.refresh(agent)
    return agent_public(agent)


# --- rubrics -----------------------------------------------------------------------------

def _parse(body: RubricSource) -> Rubric:
    """The rubric, or a RubricError (422) naming the line and the criterion."""
    return parse_rubric(body.yaml, source=UPLOAD)


def _check(rubric: Rubric) -> RubricCheck:
    return RubricCheck(name=rubric.name, version=rubric.version, language=rubric.language,
                       criteria=sum(1 for _ in rubric.criteria()))


def _record(session: SessionDep, rubric_id: int) -> RubricRecord:
    record = session.get(RubricRecord, rubric_id)
    if record is None:
        raise not_found(f"rubric {rubric_id}")
    return record


@router.get("/rubrics", summary="List rubric versions: stored and shipped, with the active one")
def list_rubrics(admin: AdminUser, session: SessionDep) -> RubricsPublic:
    records = session.scalars(select(RubricRecord).order_by(RubricRecord.name,
                                                            RubricRecord.id)).all()
    shipped = {r.hash: r for r in builtin_rubrics()}
    replaced = {r.name for r in records if r.active}  # names an active stored version takes
    data = [
        RubricPublic(id=r.id, name=r.name, version=r.version, language=r.language, hash=r.hash,
                     shipped=r.hash in shipped,
                     active=r.active or (r.hash in shipped and r.name not in replaced),
                     path=r.path, created_at=r.created_at)
        for r in records
    ]
    stored = {r.hash for r in records}
    data += [
        RubricPublic(id=None, name=r.name, version=r.version, language=r.language, hash=r.hash,
                     shipped=True, active=r.name not in replaced, path=r.source)
        for r in shipped.values() if r.hash not in stored
    ]
    data.sort(key=lambda r: (r.name, r.id is not None, r.id or 0))
    return RubricsPublic(data=data, count=len(data))


@router.post("/rubrics/validate",
             summary="Check a rubric's YAML (422 names the line and the criterion)")
def validate_rubric(body: RubricSource, admin: AdminUser) -> RubricCheck:
    return _check(_parse(body))


@router.post("/rubrics", status_code=status.HTTP_201_CREATED,
             summary="Store a rubric version (validated; 422 names the line and the criterion)")
def upload_rubric(body: RubricSource, admin: AdminUser, session: SessionDep) -> RubricPublic:
    rubric = _parse(body)
    record = upsert_rubric(session, name=rubric.name, version=rubric.version,
                           language=rubric.language, hash=rubric.hash, source=rubric.text,
                           path=None)
    audit(session, admin, "rubric.upload", "rubric", record.id, name=rubric.name,
          version=rubric.version, hash=rubric.hash)
    session.commit()
    return _public(record)


def _public(record: RubricRecord) -> RubricPublic:
    shipped = any(r.hash == record.hash for r in builtin_rubrics())
    return RubricPublic(id=record.id, name=record.name, version=record.version,
                        language=record.language, hash=record.hash, shipped=shipped,
                        active=record.active, path=record.path, created_at=record.created_at)


@router.post("/rubrics/{rubric_id}/activate",
             summary="Make this version the one that scores new calls (others of its name off)")
def activate_rubric(rubric_id: int, admin: AdminUser, session: SessionDep) -> RubricPublic:
    record = _record(session, rubric_id)
    parse_rubric(record.source, source=f"stored rubric #{record.id}")  # never activate a bad one
    previous = session.scalars(select(RubricRecord.id).where(
        RubricRecord.name == record.name, RubricRecord.active, RubricRecord.id != record.id
    )).all()
    session.execute(update(RubricRecord).where(RubricRecord.name == record.name)
                    .values(active=False))
    session.execute(update(RubricRecord).where(RubricRecord.id == record.id).values(active=True))
    audit(session, admin, "rubric.activate", "rubric", record.id, name=record.name,
          version=record.version, deactivated=list(previous))
    session.commit()
    session.refresh(record)
    return _public(record)


class RescoreDone(RescorePublic):
    kept_human: int = 0  # scored; a person's scorecard stayed current (the new one is history)


@router.post("/rubrics/{rubric_id}/rescore",
             summary="Score the stored calls again with this rubric version")
def rescore_with_rubric(
    rubric_id: int, admin: AdminUser, session: SessionDep,
    override_human: Annotated[bool, Query(
        description="Make the new score current even over a human (review or dispute) "
                    "score; by default a human score stays current.")] = False,
) -> RescoreDone:
    """Run the ``rescore`` flow over the stored calls with this version, and wait for it.

    The flow runs here, synchronously, as a flow (the embedded default: no worker needed).
    Production would instead trigger the ``rescore`` deployment with the rubric and answer
    at once with the flow run's id; a long rescore then never holds a request open.
    The calls a rubric does not fit (another language, say) count as not scored; a call
    whose current score a person made keeps it unless ``override_human`` (``kept_human``).
    The flow reads the version from the database by id: nothing is written to a file, so a
    rubric's name (``../x``, say) never becomes a path.
    """
    from flows.rescore import rescore

    record = _record(session, rubric_id)
    label = f"{record.name} v{record.version}"
    report = rescore(rubric_id=record.id, override_human=override_human)
    audit(session, admin, "rubric.rescore", "rubric", record.id, name=record.name,
          version=record.version, scored=report.scored, unscored=report.unscored,
          kept_human=report.kept_human, override_human=override_human)
    session.commit()
    return RescoreDone(rubric=label, scored=report.scored, unscored=report.unscored,
                       kept_human=report.kept_human)
