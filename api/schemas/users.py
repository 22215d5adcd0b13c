"""Users, sign-in and the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import UtcDatetime

RoleName = Literal["admin", "supervisor", "trainer", "agent"]
UiLanguage = Literal["tr", "en"]  # api.i18n.UI_LANGUAGES
LANGUAGE_HELP = "The web UI's language (tr or en); null: the browser's (Accept-Language)."
TEAMS_HELP = ("Ids of the teams the user works in: with CALLQA_TEAM_SCOPING on, a "
              "supervisor or trainer sees only these teams' calls.")
TeamIds = Field(default=None, max_length=200, description=TEAMS_HELP)
Username = Field(min_length=2, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")


class LoginRequest(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: UtcDatetime


EMAIL_HELP = ("Where the user's notifications go (critical flags, complaints), in their "
              "language.")


class UserCreate(BaseModel):
    username: str = Username
    password: str = Field(max_length=1000, description="At least 10 characters, not the "
                                                       "username.")
    role: RoleName
    full_name: str | None = Field(default=None, max_length=200)
    agent: str | None = Field(default=None, max_length=200,
                              description="External id of the Agent an agent user is.")
    language: str | None = Field(default=None, max_length=8, description=LANGUAGE_HELP)
    team_ids: list[int] | None = TeamIds
    email: str | None = Field(default=None, max_length=254, description=EMAIL_HELP)


class UserUpdate(BaseModel):
    """Only the fields sent are changed; ``active: false`` deactivates and signs out."""

    full_name: str | None = Field(default=None, max_length=200)
    role: RoleName | None = None
    agent: str | None = Field(default=None, max_length=200)
    active: bool | None = None
    password: str | None = Field(default=None, max_length=1000,
                                 description="At least 10 characters, not the username.")
    team_ids: list[int] | None = Field(default=None, max_length=200, description=(
        TEAMS_HELP + " The whole list: [] removes every team; left out keeps them."))
    email: str | None = Field(default=None, max_length=254,
                              description=EMAIL_HELP + ' "" removes it.')


class TeamRef(BaseModel):
    id: int
    name: str


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    full_name: str | None
    role: RoleName
    agent: str | None = Field(description="External id of the user's Agent (agent users).")
    language: UiLanguage | None = Field(default=None, description=LANGUAGE_HELP)
    teams: list[TeamRef] = Field(default_factory=list, description=TEAMS_HELP)
    email: str | None = Field(default=None, description=EMAIL_HELP)
    active: bool
    created_at: UtcDatetime


class LanguageChange(BaseModel):
    """``PUT /auth/language``: the signed-in user's UI language; null follows the browser."""

    language: str | None = Field(max_length=8, description=LANGUAGE_HELP)


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class AuditPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: UtcDatetime
    user_id: int | None
    username: str | None
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]


class AuditsPublic(BaseModel):
    data: list[AuditPublic]
    count: int


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
