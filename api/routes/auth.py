"""Signing in and out, and changing one's own password.

``POST /api/v1/auth/login`` gives a bearer token with its expiry. Failed sign-ins are
audited (``auth.login_failed``) and counted per username and client address: after 5 in
5 minutes the next attempts answer 429 with ``Retry-After`` (see :mod:`api.ratelimit`).
``POST /api/v1/auth/password`` changes the signed-in user's password (the current one
is required) and signs them out everywhere else. ``PUT /api/v1/auth/language`` sets the
signed-in user's web UI language (``tr``, ``en``, or null to follow the browser).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.accounts import change_own_password, set_language
from api.deps import Credentials, CurrentUser, SessionDep, SettingsDep
from api.errors import ApiError
from api.ratelimit import LoginLimiter, SharedLoginLimiter, TooManyAttempts
from api.routes.users import user_public
from api.schemas.users import LanguageChange, LoginRequest, TokenPublic, UserPublic
from api.security import (
    hash_password,
    issue_token,
    needs_rehash,
    revoke_token,
    verify_password,
    waste_time_like_a_check,
)
from pipeline.db.accounts import User
from pipeline.db.audit import audit

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
Limiter = LoginLimiter | SharedLoginLimiter

WRONG = "wrong username or password, or the user is deactivated"


def get_limiter(request: Request, settings: SettingsDep) -> Limiter:
    """The failed sign-in counts: in the database, shared by every API process (made on
    first use; a test may put another limiter on ``app.state.login_limiter``)."""
    state = request.app.state
    if getattr(state, "login_limiter", None) is None:
        state.login_limiter = SharedLoginLimiter(settings.resolved_database_url)
    limiter: Limiter = state.login_limiter
    return limiter


LimiterDep = Annotated[Limiter, Depends(get_limiter)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _too_many(exc: TooManyAttempts) -> ApiError:
    return ApiError(429, str(exc), code="too_many_attempts",
                    headers={"Retry-After": str(exc.retry_after)})


@router.post("/login", summary="Sign in with a username and password; get a bearer token",
             responses={429: {"description": "Too many failed sign-ins; see Retry-After"}})
def login(body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep,
          limiter: LimiterDep) -> TokenPublic:
    address = client_address(request)
    try:
        limiter.check(body.username, address)
    except TooManyAttempts as exc:
        raise _too_many(exc) from None
    user = session.scalar(select(User).where(User.username == body.username))
    if user is None:
        waste_time_like_a_check(body.password)
    if user is None or not verify_password(body.password, user.password_hash) or not user.active:
        blocked = limiter.failed(body.username, address)
        reason = ("unknown user" if user is None else
                  "deactivated" if not user.active else "wrong password")
        audit(session, None, "auth.login_failed", "user",
              user.id if user else body.username[:64], username=body.username[:100],
              address=address, reason=reason, blocked=blocked)
        session.commit()
        raise ApiError(401, WRONG, headers={"WWW-Authenticate": "Bearer"})
    limiter.succeeded(body.username, address)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(body.password)
    token, expires_at = issue_token(session, user, settings.token_ttl_minutes)
    session.commit()
    return TokenPublic(access_token=token, expires_at=expires_at)


@router.get("/me", summary="The signed-in user")
def me(user: CurrentUser) -> UserPublic:
    return user_public(user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT,
             summary="Sign out: revoke the token of this request")
def logout(user: CurrentUser, session: SessionDep, credentials: Credentials) -> None:
    if credentials is not None:
        revoke_token(session, credentials.credentials)
        session.commit()


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000, description="At least 10 characters, not the "
                                                           "username, not the current one.")


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT,
             summary="Change your own password; your other sessions are signed out",
             responses={429: {"description": "Too many wrong current passwords"}})
def change_password(body: PasswordChange, request: Request, user: CurrentUser,
                    session: SessionDep, credentials: Credentials,
                    limiter: LimiterDep) -> None:
    """A wrong current password answers 403 and counts like a failed sign-in, so a stolen
    token cannot be used to guess the password either."""
    address = client_address(request)
    try:
        limiter.check(user.username, address)
    except TooManyAttempts as exc:
        raise _too_many(exc) from None
    if not verify_password(body.current_password, user.password_hash):
        blocked = limiter.failed(user.username, address)
        audit(session, user, "user.password_change_failed", "user", user.id,
              address=address, blocked=blocked)
        session.commit()
        raise ApiError(403, "the current password is wrong")
    assert credentials is not None  # CurrentUser insists on a token
    change_own_password(session, user, body.new_password, keep_token=credentials.credentials)
    session.commit()


@router.put("/language", summary="Set your web UI language (tr, en; null: the browser's)",
            responses={422: {"description": "A language the web UI does not have"}})
def change_language(body: LanguageChange, user: CurrentUser, session: SessionDep) -> UserPublic:
    set_language(session, user, body.language)
    session.commit()
    return user_public(user)
