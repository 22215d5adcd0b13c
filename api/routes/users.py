"""Users and roles (admins only); an agent user is tied to one Agent by its external id,
a supervisor or trainer to the teams whose calls they see under team scoping (team_ids).
Listing and looking up is :mod:`scoring.work.directory`; creating and changing a user
(password rules and hashing, token revocation) is :mod:`scoring.work.accounts`, shared
with the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import AdminUser, IdPath, PageDep, SessionDep
from api.schemas.users import (
    RoleName,
    TeamRef,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
)
from pipeline.db.accounts import User
from scoring.work import directory
from scoring.work.accounts import create_user, update_user

router = APIRouter(prefix="/api/v1/users", tags=["users"])


def user_public(user: User) -> UserPublic:
    return UserPublic(id=user.id, username=user.username, full_name=user.full_name,
                      role=user.role,  # type: ignore[arg-type]
                      agent=user.agent.external_id if user.agent else None,
                      language=user.language,  # type: ignore[arg-type]
                      teams=[TeamRef(id=t.id, name=t.name) for t in user.teams],
                      email=user.email, active=user.active, created_at=user.created_at)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a user")
def create(body: UserCreate, admin: AdminUser, session: SessionDep) -> UserPublic:
    teams = directory.teams_by_id(session, body.team_ids or ())  # unknown: 404, no user
    user = create_user(session, username=body.username, password=body.password,
                       role=body.role, full_name=body.full_name, agent=body.agent, by=admin,
                       language=body.language, email=body.email)
    if teams:
        directory.set_user_teams(session, admin, user, teams)
    return user_public(user)


@router.get("", summary="List users")
def list_users(
    admin: AdminUser, session: SessionDep, page: PageDep,
    role: Annotated[RoleName | None, Query()] = None,
    active: Annotated[bool | None, Query()] = None,
) -> UsersPublic:
    users, count = directory.list_users(session, role=role, active=active, skip=page.skip,
                                        limit=page.limit)
    return UsersPublic(data=[user_public(u) for u in users], count=count)


@router.get("/{user_id}", summary="One user")
def get_user(user_id: IdPath, admin: AdminUser, session: SessionDep) -> UserPublic:
    return user_public(directory.get_user(session, user_id))


@router.patch("/{user_id}",
              summary="Change a user: name, role, agent, teams, password; active=false "
                      "deactivates")
def update(user_id: IdPath, body: UserUpdate, admin: AdminUser, session: SessionDep) -> UserPublic:
    user = directory.get_user(session, user_id)
    teams = directory.teams_by_id(session, body.team_ids) if body.team_ids is not None \
        else None
    update_user(session, user, by=admin, full_name=body.full_name, role=body.role,
                agent=body.agent, active=body.active, password=body.password,
                email=body.email)
    if teams is not None:
        directory.set_user_teams(session, admin, user, teams)
    return user_public(user)
