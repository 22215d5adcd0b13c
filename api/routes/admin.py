"""Admin: agents, teams and rubric versions (admins only; every change is audited).

    GET/POST /teams                       teams (names are unique: 409 on a duplicate)
    GET/POST /agents, PATCH /agents/{id}  agents: external id, name, team
    GET /rubrics                          stored versions and shipped rubrics, with ``active``
    POST /rubrics/validate                check a rubric's YAML (422 names line and criterion)
    POST /rubrics                         store a rubric version (validated first)
    POST /rubrics/{id}/activate           this version scores new calls (others of its name off)
    POST /rubrics/{id}/rescore            score the stored calls again with this version
                                          (human scores stay current; ?override_human=true)

The rules are :mod:`scoring.work.directory` and :mod:`scoring.work.rubric_versions`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from api.deps import AdminUser, IdPath, PageDep, SessionDep
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
from pipeline.db.models import Agent
from pipeline.db.queue_status import queue_status
from scoring.rubric import Rubric
from scoring.work import directory, rubric_versions
from scoring.work.rubric_versions import RubricVersion

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


# --- teams -------------------------------------------------------------------------------

@router.get("/teams", summary="List teams")
def list_teams(admin: AdminUser, session: SessionDep) -> TeamsPublic:
    teams = directory.list_teams(session)
    return TeamsPublic(data=[TeamPublic(id=t.id, name=t.name) for t in teams], count=len(teams))


@router.post("/teams", status_code=status.HTTP_201_CREATED,
             summary="Create a team (409 when the name is taken)")
def create_team(body: TeamCreate, admin: AdminUser, session: SessionDep) -> TeamPublic:
    team = directory.create_team(session, admin, body.name)
    return TeamPublic(id=team.id, name=team.name)


# --- agents ------------------------------------------------------------------------------

def agent_public(agent: Agent) -> AgentPublic:
    return AgentPublic(id=agent.id, external_id=agent.external_id, name=agent.name,
                       team_id=agent.team_id, team=agent.team.name if agent.team else None)


@router.get("/agents", summary="List agents (filter by team name or id)")
def list_agents(
    admin: AdminUser, session: SessionDep, page: PageDep,
    team: Annotated[str | None, Query(description="A team's name or id.")] = None,
) -> AgentsPublic:
    agents, count = directory.list_agents(session, team=team, skip=page.skip,
                                          limit=page.limit)
    return AgentsPublic(data=[agent_public(a) for a in agents], count=count)


@router.post("/agents", status_code=status.HTTP_201_CREATED,
             summary="Create an agent (409 when the external id is taken)")
def create_agent(body: AgentCreate, admin: AdminUser, session: SessionDep) -> AgentPublic:
    agent = directory.create_agent(session, admin, external_id=body.external_id,
                                   name=body.name, team_id=body.team_id)
    return agent_public(agent)


@router.patch("/agents/{agent_id}", summary="Change an agent's name or team")
def update_agent(agent_id: IdPath, body: AgentUpdate, admin: AdminUser,
                 session: SessionDep) -> AgentPublic:
    sent = body.model_fields_set  # only the fields sent change; team_id: null clears it
    agent = directory.update_agent(
        session, admin, agent_id,
        name=body.name if "name" in sent else directory.KEEP,
        team_id=body.team_id if "team_id" in sent else directory.KEEP)
    return agent_public(agent)


# --- rubrics -----------------------------------------------------------------------------

def _check(rubric: Rubric) -> RubricCheck:
    return RubricCheck(name=rubric.name, version=rubric.version, language=rubric.language,
                       criteria=sum(1 for _ in rubric.criteria()))


def _public(version: RubricVersion) -> RubricPublic:
    return RubricPublic(**asdict(version))


@router.get("/rubrics", summary="List rubric versions: stored and shipped, with the active one")
def list_rubrics(admin: AdminUser, session: SessionDep) -> RubricsPublic:
    data = [_public(v) for v in rubric_versions.list_versions(session)]
    return RubricsPublic(data=data, count=len(data))


@router.post("/rubrics/validate",
             summary="Check a rubric's YAML (422 names the line and the criterion)")
def validate_rubric(body: RubricSource, admin: AdminUser) -> RubricCheck:
    return _check(rubric_versions.check(body.yaml))


@router.post("/rubrics", status_code=status.HTTP_201_CREATED,
             summary="Store a rubric version (validated; 422 names the line and the criterion)")
def upload_rubric(body: RubricSource, admin: AdminUser, session: SessionDep) -> RubricPublic:
    return _public(rubric_versions.store(session, admin, body.yaml))


@router.post("/rubrics/{rubric_id}/activate",
             summary="Make this version the one that scores new calls (others of its name off)")
def activate_rubric(rubric_id: IdPath, admin: AdminUser, session: SessionDep) -> RubricPublic:
    return _public(rubric_versions.activate(session, admin, rubric_id))


class RescoreDone(RescorePublic):
    kept_human: int = 0  # scored; a person's scorecard stayed current (the new one is history)


@router.post("/rubrics/{rubric_id}/rescore",
             summary="Score the stored calls again with this rubric version")
def rescore_with_rubric(
    rubric_id: IdPath, admin: AdminUser, session: SessionDep,
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

    record = rubric_versions.stored(session, rubric_id)
    label = f"{record.name} v{record.version}"
    report = rescore(rubric_id=record.id, override_human=override_human)
    rubric_versions.audit_rescore(session, admin, record, scored=report.scored,
                                  unscored=report.unscored, kept_human=report.kept_human,
                                  override_human=override_human)
    return RescoreDone(rubric=label, scored=report.scored, unscored=report.unscored,
                       kept_human=report.kept_human)


@router.get("/status",
            summary="The recording queue at a glance: waiting, processing, failed, workers")
def queue_status_now(admin: AdminUser, session: SessionDep) -> dict[str, Any]:
    """What ``callqa status`` prints: recordings waiting and processing, done and failed (by
    reason) in the last day, the workers seen with their last heartbeat, the oldest
    recording still waiting and its age in seconds."""
    return queue_status(session).to_dict()
