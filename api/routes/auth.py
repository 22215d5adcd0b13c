"""Signing in and out: ``POST /api/v1/auth/login`` gives a bearer token with its expiry."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from api.deps import Credentials, CurrentUser, SessionDep, SettingsDep
from api.errors import ApiError
from api.routes.users import user_public
from api.schemas.users import LoginRequest, TokenPublic, UserPublic
from api.security import (
    hash_password,
    issue_token,
    needs_rehash,
    revoke_token,
    verify_password,
    waste_time_like_a_check,
)
from pipeline.db.people import User

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/login", summary="Sign in with a username and password; get a bearer token")
def login(body: LoginRequest, session: SessionDep, settings: SettingsDep) -> TokenPublic:
    user = session.scalar(select(User).where(User.username == body.username))
    if user is None:
        waste_time_like_a_check(body.password)
    if user is None or not verify_password(body.password, user.password_hash) or not user.active:
        raise ApiError(401, "wrong username or password, or the user is deactivated",
                       headers={"WWW-Authenticate": "Bearer"})
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
