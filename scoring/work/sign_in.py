"""Signing in and out, and changing one's own password: the rules behind ``/api/v1/auth``.

    log_in           a username and password -> a bearer token and its expiry
    log_out          revoke the token in use
    change_password  the current password, then a new one; other sessions are signed out

A sign-in first asks the limiter (:mod:`scoring.work.login_limits`) for an attempt: refused
while this username at this address (or the address) is blocked
(:class:`~scoring.work.login_limits.TooManyAttempts`: no password is checked and nothing
is counted), else counted as a failure at once, before the check, so guesses sent in
parallel cannot all slip under the limit; a right password gives the count back. All of
it runs on the caller's one session, and its transaction is over before the password is
checked (scrypt is slow on purpose): no connection is held while it runs. A failure is
audited (``auth.login_failed``, with the reason: unknown user, deactivated, wrong
password; never the password) and answers :class:`WrongCredentials`, one sentence for
every reason, so a guesser learns nothing; an unknown username takes as long as a known
one. A wrong current password on a password change counts like a failed sign-in
(``user.password_change_failed``), so a stolen token cannot be used to guess it either.
Each function commits what it writes, failures' audit entries included.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.accounts import User
from pipeline.db.audit import audit, fingerprint
from pipeline.errors import Forbidden, Refused
from scoring.work.accounts import change_own_password
from scoring.work.credentials import (
    hash_password,
    issue_token,
    needs_rehash,
    revoke_token,
    verify_password,
    waste_time_like_a_check,
)
from scoring.work.login_limits import Limiter

__all__ = ["WRONG", "WrongCredentials", "change_password", "log_in", "log_out"]

WRONG = "wrong username or password, or the user is deactivated"


class WrongCredentials(Refused):
    """The username, password or the user's state refused a sign-in (always :data:`WRONG`):
    401, to which the API adds ``WWW-Authenticate: Bearer``."""

    code, http_status = "unauthorized", 401


def log_in(session: Session, limiter: Limiter, *, username: str, password: str,
           address: str, ttl_minutes: int) -> tuple[str, datetime]:
    """A new bearer token for the active user ``username`` whose password this is, and its
    expiry; an outdated password hash is replaced on the way. Refused with
    :class:`~scoring.work.login_limits.TooManyAttempts` while blocked, else
    :class:`WrongCredentials` (counted and audited)."""
    user = session.scalar(select(User).where(User.username == username))
    user_id, stored, active = (user.id, user.password_hash, user.active) if user else (
        None, None, False)
    blocked = limiter.attempt(username, address, session)  # commits: the connection is free
    if stored is None:
        waste_time_like_a_check(password)
    if stored is None or not verify_password(password, stored) or not active:
        reason = ("unknown user" if stored is None else
                  "deactivated" if not active else "wrong password")
        # A name that is no user's is often a password typed in the wrong box: only its
        # fingerprint is kept, enough to see one name tried again and again.
        typed = username[:100] if stored is not None else f"sha256:{fingerprint(username)}"
        audit(session, None, "auth.login_failed", "user",
              user_id if user_id is not None else typed, username=typed,
              address=address, reason=reason, blocked=blocked)
        session.commit()
        raise WrongCredentials(WRONG)
    user = session.get(User, user_id)
    assert user is not None  # it was there a moment ago; users are deactivated, not deleted
    limiter.succeeded(username, address, session, attempted=True)
    if needs_rehash(stored):
        user.password_hash = hash_password(password)
    token, expires_at = issue_token(session, user, ttl_minutes)
    audit(session, user, "auth.login", "user", user.id, address=address)
    session.commit()
    return token, expires_at


def log_out(session: Session, user: User, token: str) -> None:
    """Sign out: the token stops working at once; audited."""
    revoke_token(session, token)
    audit(session, user, "auth.logout", "user", user.id)
    session.commit()


def change_password(session: Session, limiter: Limiter, user: User, *,
                    current_password: str, new_password: str, address: str,
                    keep_token: str) -> None:
    """``user``'s own new password, once the current one is right: refused with
    :class:`~scoring.work.login_limits.TooManyAttempts` while blocked, :class:`Forbidden`
    for a wrong current password (counted and audited), or
    :class:`~scoring.work.accounts.WeakPassword`; every session but ``keep_token``'s is
    signed out (:func:`~scoring.work.accounts.change_own_password`)."""
    blocked = limiter.attempt(user.username, address, session)
    if not verify_password(current_password, user.password_hash):
        audit(session, user, "user.password_change_failed", "user", user.id,
              address=address, blocked=blocked)
        session.commit()
        raise Forbidden("the current password is wrong")
    limiter.succeeded(user.username, address, session, attempted=True)
    change_own_password(session, user, new_password, keep_token=keep_token)
