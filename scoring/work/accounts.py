"""Creating and changing users: one implementation for the API (``/api/v1/users``,
``/api/v1/auth/password``, ``/api/v1/auth/language``) and the CLI (``callqa user add``).

The rules: a known role, an agent user tied to an Agent, a password of at least 10
characters that are not spaces, of at least 5 different ones, that is not the username
(:func:`check_strength`), a web UI language the UI
has (:data:`UI_LANGUAGES`); an admin cannot deactivate or demote themselves; deactivating
a user or setting a new password signs them out everywhere. Every change is written to the
audit log and committed with it.

The refusals are :class:`AccountError` and its kinds, each with its ``code`` and the
``http_status`` the API answers (409; an unknown agent 404; a weak password or unknown
language 422); like every :class:`~pipeline.errors.CallqaError` they read as a sentence
followed by what to do.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import Role, User
from pipeline.db.audit import audit
from pipeline.db.models import Agent
from pipeline.errors import CallqaError
from scoring.work.credentials import hash_password, revoke_all, revoke_others, verify_password

__all__ = ["MIN_DISTINCT", "MIN_PASSWORD", "UI_LANGUAGES", "AccountError", "UnknownAgent",
           "UnknownLanguage", "WeakPassword", "change_own_password", "check_language",
           "check_strength", "create_user", "set_language", "update_user"]

UI_LANGUAGES = ("tr", "en")
"""The languages the web UI has catalogues for (``api/web``); :mod:`api.i18n` picks among them."""


class AccountError(CallqaError):
    """A user cannot be created or changed as asked."""

    code = "account"
    http_status = 409


class UnknownAgent(AccountError):
    code = "not_found"
    http_status = 404


class WeakPassword(AccountError):
    """A new password that is too easy to guess."""

    code = "weak_password"
    http_status = 422


class UnknownLanguage(AccountError):
    """A UI language the web UI has no catalogue for."""

    code = "ui_language"
    http_status = 422


class InvalidEmail(AccountError):
    """A notification address that is not one."""

    code = "email"
    http_status = 422


MIN_PASSWORD = 10
MIN_DISTINCT = 5


def check_language(language: str | None) -> str | None:
    """``language`` if the web UI speaks it (``tr``, ``en``; None: the browser's), else
    :class:`UnknownLanguage`. Case and a region (``tr-TR``) are forgiven."""
    if language is None:
        return None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    if code not in UI_LANGUAGES:
        raise UnknownLanguage(
            f"the web UI has no language {language!r}",
            hint=f"Use one of {', '.join(UI_LANGUAGES)}, or null to follow the browser.")
    return code


CHOOSE = "A few unrelated words make a long password that is easy to type and hard to guess."


def check_strength(username: str, password: str) -> None:
    """Refuse a password shorter than 10 characters, equal to the username (any case),
    only spaces, with fewer than 10 characters that are not spaces, or made of fewer than
    :data:`MIN_DISTINCT` different characters ("aaaaaaaaaa", "1212121212"): the one rule
    for a user's own change, an admin's reset and a new user."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"the new password is {len(password)} characters long; it needs "
                           f"at least {MIN_PASSWORD}", hint=CHOOSE)
    if password.strip().casefold() == username.casefold():
        raise WeakPassword("the new password must not be the username")
    if not password.strip():
        raise WeakPassword("the new password is only spaces", hint=CHOOSE)
    visible = "".join(password.split())
    if len(visible) < MIN_PASSWORD:
        raise WeakPassword(f"the new password has {len(visible)} characters that are not "
                           f"spaces; it needs at least {MIN_PASSWORD} characters that are "
                           "not spaces", hint=CHOOSE)
    if len(set(visible.casefold())) < MIN_DISTINCT:
        raise WeakPassword(f"the new password uses only {len(set(visible.casefold()))} "
                           f"different characters; it needs at least {MIN_DISTINCT} "
                           "different characters", hint=CHOOSE)


def _agent(session: Session, external_id: str) -> Agent:
    agent = session.scalar(select(Agent).where(Agent.external_id == external_id))
    if agent is None:
        raise UnknownAgent(
            f"no agent {external_id!r}",
            hint="Agents appear when their first call is ingested; use the external id "
                 "from the recording metadata (agent_id).")
    return agent


def _check_role(role: str, agent: Agent | None) -> None:
    if role not in Role.ALL:
        raise AccountError(f"unknown role {role!r}", hint=f"Use one of {', '.join(Role.ALL)}.")
    if role == Role.AGENT and agent is None:
        raise AccountError("an agent user must be tied to an agent",
                           hint="Give the agent's external id (--agent / \"agent\").")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def check_email(email: str | None) -> str | None:
    """A notification address (``pipeline.db.outbox``): trimmed, None when empty; refused
    unless it looks like ``name@example.com``."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidEmail(f"{email!r} is not an e-mail address like ayse@example.com")
    return email


def create_user(
    session: Session, *, username: str, password: str, role: str,
    full_name: str | None = None, agent: str | None = None, by: User | None = None,
    language: str | None = None, email: str | None = None,
) -> User:
    """A new active user, audited as ``user.create`` and committed; ``agent`` is the
    external id of the Agent an agent user is; ``language`` their web UI's (None: their
    browser's)."""
    language = check_language(language)
    email = check_email(email)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"user {username!r} exists already")
    check_strength(username, password)
    tied = _agent(session, agent) if agent else None
    _check_role(role, tied)
    user = User(username=username, full_name=full_name, role=role,
                agent_id=tied.id if tied else None, password_hash=hash_password(password),
                active=True, language=language, email=email)
    session.add(user)
    session.flush()
    audit(session, by, "user.create", "user", user.id, username=username, role=role,
          agent=agent, language=language)
    session.commit()
    session.refresh(user)
    return user


def set_language(session: Session, user: User, language: str | None) -> User:
    """A user's own web UI language (None: follow the browser), audited as
    ``user.language`` with the old and new value, and committed."""
    language = check_language(language)
    if language != user.language:
        audit(session, user, "user.language", "user", user.id, old=user.language, new=language)
        user.language = language
    session.commit()
    return user


def update_user(
    session: Session, user: User, *, by: User | None, full_name: str | None = None,
    role: str | None = None, agent: str | None = None, active: bool | None = None,
    password: str | None = None, email: str | None = None,
) -> User:
    """Change what is given, audited as ``user.update`` and committed; deactivating or a
    new password signs the user out everywhere. ``email=""`` removes the address."""
    if by is not None and by.id == user.id and (active is False or role not in (None, Role.ADMIN)):
        raise AccountError("an admin cannot deactivate or demote themselves",
                           hint="Ask another admin.")
    changes: dict[str, object] = {}
    tied = _agent(session, agent) if agent else user.agent
    new_role = role or user.role
    _check_role(new_role, tied)
    if full_name is not None:
        user.full_name = changes["full_name"] = full_name
    if role is not None and role != user.role:
        user.role = changes["role"] = role
    if agent is not None and tied is not None:
        user.agent_id = tied.id
        changes["agent"] = agent
    if new_role != Role.AGENT and role is not None:
        user.agent_id = None
    if active is not None and active != user.active:
        user.active = changes["active"] = active
    if email is not None and check_email(email) != user.email:
        user.email = check_email(email)
        changes["email"] = "set" if user.email else "removed"  # not the address itself
    if password is not None:
        check_strength(user.username, password)
        user.password_hash = hash_password(password)
        changes["password"] = "changed"
    if active is False or password is not None:
        revoke_all(session, user.id)
    audit(session, by, "user.update", "user", user.id, **changes)
    session.commit()
    session.refresh(user)
    return user


def change_own_password(session: Session, user: User, new_password: str, *,
                        keep_token: str) -> None:
    """A user's own password change (the caller checked the current one): the new one
    must be strong and differ from it; every other token of theirs is revoked, the one
    in use (``keep_token``) stays, so the page that asked stays signed in. Audited as
    ``user.password_change`` and committed."""
    check_strength(user.username, new_password)
    if verify_password(new_password, user.password_hash):
        raise WeakPassword("the new password is the current one")
    user.password_hash = hash_password(new_password)
    revoked = revoke_others(session, user.id, keep_token)
    audit(session, user, "user.password_change", "user", user.id, other_sessions=revoked)
    session.commit()
