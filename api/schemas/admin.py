"""Admin: teams, agents and rubric versions."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas import DbId, UtcDatetime


class TeamCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class TeamPublic(BaseModel):
    id: int
    name: str


class TeamsPublic(BaseModel):
    data: list[TeamPublic]
    count: int


class AgentCreate(BaseModel):
    external_id: str = Field(min_length=1, max_length=200,
                             description="The id the recordings' metadata uses (agent_id).")
    name: str | None = Field(default=None, max_length=200)
    team_id: DbId | None = None


class AgentUpdate(BaseModel):
    """Only the fields sent are changed; ``team_id: null`` takes the agent out of its team."""

    name: str | None = Field(default=None, max_length=200)
    team_id: DbId | None = None


class AgentPublic(BaseModel):
    id: int
    external_id: str
    name: str | None
    team_id: int | None
    team: str | None


class AgentsPublic(BaseModel):
    data: list[AgentPublic]
    count: int


class RubricSource(BaseModel):
    yaml: str = Field(min_length=1, max_length=1_000_000, description="The rubric file's text.")


class RubricCheck(BaseModel):
    ok: bool = True
    name: str
    version: str
    language: str
    criteria: int = Field(description="How many criteria the rubric has.")


class RubricPublic(BaseModel):
    id: int | None = Field(description="The stored version's id; null for a shipped rubric "
                                       "never stored.")
    name: str
    version: str
    language: str | None
    hash: str
    shipped: bool = Field(description="A rubric shipped in scoring/rubrics/.")
    active: bool = Field(description="This version scores new calls: an activated stored "
                                     "version, or a shipped rubric no stored version of its "
                                     "name replaces.")
    path: str | None = None
    created_at: UtcDatetime | None = None


class RubricsPublic(BaseModel):
    data: list[RubricPublic]
    count: int


class RescorePublic(BaseModel):
    rubric: str
    scored: int
    unscored: int
