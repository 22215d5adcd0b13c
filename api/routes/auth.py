"""Signing in and out, and changing one's own password.

``POST /api/v1/auth/login`` gives a bearer token with its expiry. Failed sign-ins are
audited (``auth.login_failed``) and counted per username and client address: after 5 in
5 minutes the next attempts answer 429 with ``Retry-After`` (see
:mod:`scoring.work.login_limits`). ``POST /api/v1/auth/password`` changes the signed-in
user's password (the current one is required) and signs them out everywhere else.
``PUT /api/v1/auth/language`` sets the signed-in user's web UI language (``tr``, ``en``,
or null to follow the browser).

The rules are the library's (:mod:`scoring.work.sign_in`, :mod:`scoring.work.accounts`);
here the limiter is made, the client's address read, and a refusal given its headers.

Password checks are slow and memory-hungry on purpose (scrypt, 128 MiB each), so at most
:data:`CHECKS_AT_ONCE` sign-ins or password changes run at once per process, each in a
thread of its own, never in the pool that serves every other request: a flood of guesses
waits here, holding no thread and no database connection, while signed-in users' requests
go on. Beyond :data:`MOST_WAITING` waiting, a sign-in answers 503 with ``Retry-After``.
The client's address is the connection's: ``X-Forwarded-For`` counts only when uvicorn
trusts the proxy (``CALLQA_TRUSTED_PROXIES``, see ``callqa serve``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio
from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, Field

from api.deps import Credentials, CurrentUser, SessionDep, SettingsDep
from api.errors import ApiError
from api.routes.users import user_public
from api.schemas.users import LanguageChange, LoginRequest, TokenPublic, UserPublic
from scoring.work import sign_in
from scoring.work.accounts import set_language
from scoring.work.login_limits import Limiter, SharedLoginLimiter, TooManyAttempts
from scoring.work.sign_in import WrongCredentials

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def get_limiter(request: Request, settings: SettingsDep) -> Limiter:
    """The failed sign-in counts: in the database, shared by every API process (made on
    first use; a test may put another limiter on ``app.state.login_limiter``)."""
    state = request.app.state
    if getattr(state, "login_limiter", None) is None:
        state.login_limiter = SharedLoginLimiter(settings.resolved_database_url)
    limiter: Limiter = state.login_limiter
    return limiter


LimiterDep = Annotated[Limiter, Depends(get_limiter)]

CHECKS_AT_ONCE = max(1, min(4, os.cpu_count() or 1))
"""Password checks running at once per process: one per core, at most 4 (512 MiB)."""
MOST_WAITING = 200
"""Sign-ins waiting for a check beyond which new ones are told to come back."""

T = TypeVar("T")


async def _checked(request: Request, work: Callable[[], T]) -> T:
    """Run ``work`` (which checks a password) in a thread of its own, at most
    :data:`CHECKS_AT_ONCE` at once in this app."""
    state = request.app.state
    slots: anyio.CapacityLimiter | None = getattr(state, "password_checks", None)
    if slots is None:
        slots = state.password_checks = anyio.CapacityLimiter(CHECKS_AT_ONCE)
    if slots.statistics().tasks_waiting >= MOST_WAITING:
        raise ApiError(503, "too many sign-ins at once; try again in a few seconds",
                       code="busy", headers={"Retry-After": "5"})
    return await anyio.to_thread.run_sync(work, limiter=slots)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _too_many(exc: TooManyAttempts) -> ApiError:
    return ApiError(429, str(exc), code=exc.code,
                    headers={"Retry-After": str(exc.retry_after)})


@router.post("/login", summary="Sign in with a username and password; get a bearer token",
             responses={429: {"description": "Too many failed sign-ins; see Retry-After"}})
async def login(body: LoginRequest, request: Request, session: SessionDep,
                settings: SettingsDep, limiter: LimiterDep) -> TokenPublic:
    try:
        token, expires_at = await _checked(request, functools.partial(
            sign_in.log_in, session, limiter, username=body.username, password=body.password,
            address=client_address(request), ttl_minutes=settings.token_ttl_minutes))
    except TooManyAttempts as exc:
        raise _too_many(exc) from None
    except WrongCredentials as exc:
        raise ApiError(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    return TokenPublic(access_token=token, expires_at=expires_at)


@router.get("/me", summary="The signed-in user")
def me(user: CurrentUser) -> UserPublic:
    return user_public(user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT,
             summary="Sign out: revoke the token of this request")
def logout(user: CurrentUser, session: SessionDep, credentials: Credentials) -> None:
    if credentials is not None:
        sign_in.log_out(session, user, credentials.credentials)


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000, description="At least 10 characters, not the "
                                                           "username, not the current one.")


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT,
             summary="Change your own password; your other sessions are signed out",
             responses={429: {"description": "Too many wrong current passwords"}})
async def change_password(body: PasswordChange, request: Request, user: CurrentUser,
                          session: SessionDep, credentials: Credentials,
                          limiter: LimiterDep) -> None:
    """A wrong current password answers 403 and counts like a failed sign-in, so a stolen
    token cannot be used to guess the password either."""
    assert credentials is not None  # CurrentUser insists on a token
    try:
        await _checked(request, functools.partial(
            sign_in.change_password, session, limiter, user,
            current_password=body.current_password, new_password=body.new_password,
            address=client_address(request), keep_token=credentials.credentials))
    except TooManyAttempts as exc:
        raise _too_many(exc) from None


@router.put("/language", summary="Set your web UI language (tr, en; null: the browser's)",
            responses={422: {"description": "A language the web UI does not have"}})
def change_language(body: LanguageChange, user: CurrentUser, session: SessionDep) -> UserPublic:
    set_language(session, user, body.language)
    return user_public(user)
