"""What routes depend on, as named aliases: the settings, a database session, the signed-in
user, role checks, a page of results, and the scope rules (what an agent may see).

    SessionDep      a Session on CALLQA_DATABASE_URL; routes commit what they write
    CurrentUser     the active user holding the request's unexpired bearer token, else 401
    AdminUser, SupervisorUser, StaffUser   CurrentUser with one of those roles, else 403
    PageDep         ``?skip=&limit=`` (limit at most 200)
    ReaderLanguage  "tr" or "en": the user's stored language, else Accept-Language, else en
    IdPath, IdQuery a database id in the path / query: 1 .. 2**63-1, else 422 (a bigger
                    number overflows the database's integer and used to answer 500)

Scope (which calls a user sees) is a rule of the library, :mod:`scoring.work.access`: an
agent sees only their own calls, a supervisor or trainer under ``CALLQA_TEAM_SCOPING``
their teams' (the signed-in user is read under this app's setting); anything else answers
404 exactly as a missing object does.
Tokens are the library's too (:mod:`scoring.work.credentials`); here a refused one gets
its 401 with ``WWW-Authenticate: Bearer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.i18n import reader_language
from api.schemas import MAX_ID
from pipeline.db.accounts import Role, User
from pipeline.db.session import get_engine
from pipeline.settings import Settings
from scoring.work.access import read_as, require_role
from scoring.work.credentials import TokenProblem, user_for_token

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A database id.")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="A database id.")]


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_db(settings: SettingsDep) -> Iterator[Session]:
    session = Session(get_engine(settings.resolved_database_url), expire_on_commit=False)
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db)]

bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/login.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(session: SessionDep, credentials: Credentials,
                     settings: SettingsDep) -> User:
    if credentials is None:
        raise _unauthorized("not signed in: send `Authorization: Bearer <token>` "
                            "(get one from POST /api/v1/auth/login)")
    try:
        user = user_for_token(session, credentials.credentials)
    except TokenProblem as exc:
        raise _unauthorized(str(exc)) from None
    return read_as(user, team_scoping=settings.resolved_team_scoping)


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency that lets through only users with one of ``roles`` (403 otherwise:
    :func:`scoring.work.access.require_role`)."""

    def check(user: CurrentUser) -> User:
        require_role(user, *roles)
        return user

    return check


def get_reader_language(request: Request, user: CurrentUser) -> str:
    """The language the signed-in reader reads: their stored choice, else the browser's."""
    return reader_language(user.language, request.headers.get("accept-language"))


ReaderLanguage = Annotated[str, Depends(get_reader_language)]

AdminUser = Annotated[User, Depends(require_roles(Role.ADMIN))]
SupervisorUser = Annotated[User, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR))]
StaffUser = Annotated[User, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.TRAINER))]
DisputeUser = Annotated[User, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.AGENT))]


@dataclass(frozen=True)
class Page:
    skip: int
    limit: int


def get_page(
    skip: Annotated[int, Query(ge=0, le=MAX_ID, description="How many results to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many results.")] = 50,
) -> Page:
    return Page(skip, limit)


PageDep = Annotated[Page, Depends(get_page)]
