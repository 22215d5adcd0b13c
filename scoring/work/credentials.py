"""Passwords and bearer tokens: hashing and checking a password; issuing, looking up and
revoking a token. The API's sign-in (:mod:`scoring.work.sign_in`) and its bearer check
use these; so do the account rules (:mod:`scoring.work.accounts`).

Passwords are hashed with scrypt (stdlib ``hashlib.scrypt``), a fresh 16-byte salt per
password, and stored as a versioned string that names its own parameters::

    scrypt$1$n=131072,r=8,p=1$<salt, urlsafe base64>$<key, urlsafe base64>

so the cost can be raised later without breaking stored hashes: a hash at another cost
verifies at its own and is replaced at the current one on the next sign-in
(:func:`needs_rehash`). The cost is OWASP's advice for scrypt, N=2^17, r=8, p=1: 128 MiB of
memory and about 0.3 s of one core per hash, which is why the API checks only a few
passwords at once (:mod:`api.routes.auth`). The test suite lowers :data:`N` (see
``tests/conftest.py``); nothing in the settings does.
Checks compare in constant time (``hmac.compare_digest``).

Tokens are opaque: 32 random bytes (``secrets.token_urlsafe``), handed to the user once
and stored only as their SHA-256 digest, with an expiry (``CALLQA_TOKEN_TTL_MINUTES``).
A stolen database therefore holds no usable token; logging out or deactivating a user
deletes the rows, which revokes the tokens at once. Nothing is signed, so there is no
signing key that production would have to guard.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipeline.db.accounts import ApiToken, User
from pipeline.db.times import as_utc
from pipeline.errors import Refused

__all__ = ["TokenProblem", "hash_password", "issue_token", "needs_rehash", "revoke_all",
           "revoke_others", "revoke_token", "token_digest", "user_for_token",
           "verify_password", "waste_time_like_a_check"]

SCHEME = "scrypt"
VERSION = "1"
DEFAULT_N = 2**17  # OWASP's scrypt advice: 128 MiB of memory per hash, ~0.3 s on one core
N, R, P = DEFAULT_N, 8, 1  # the cost of new hashes; tests lower N (tests/conftest.py)
SALT_BYTES = 16
KEY_BYTES = 32
TOKEN_PREFIX = "cqa_"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=2 * 128 * n * r + 1024 * 1024, dklen=KEY_BYTES)


def hash_password(password: str, n: int | None = None) -> str:
    """A new salted hash of ``password`` at the current cost (or at ``n``)."""
    n = n or N
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, n, R, P)
    return f"{SCHEME}${VERSION}$n={n},r={R},p={P}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[dict[str, int], bytes, bytes] | None:
    try:
        scheme, version, params, salt, key = stored.split("$")
        if scheme != SCHEME or version != VERSION:
            return None
        cost = {k: int(v) for k, v in (item.split("=") for item in params.split(","))}
        return cost, _unb64(salt), _unb64(key)
    except ValueError:
        return None


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash; False for any malformed hash."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    cost, salt, key = parsed
    candidate = _scrypt(password, salt, cost["n"], cost["r"], cost["p"])
    return hmac.compare_digest(candidate, key)


def needs_rehash(stored: str) -> bool:
    parsed = _parse(stored)
    return parsed is None or parsed[0] != {"n": N, "r": R, "p": P}


_DUMMY_HASH: str | None = None


def waste_time_like_a_check(password: str) -> None:
    """Spend as long as a real check, so an unknown username answers as slowly as a known one."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None or needs_rehash(_DUMMY_HASH):
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    verify_password(password, _DUMMY_HASH)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, ttl_minutes: int) -> tuple[str, datetime]:
    """A new bearer token for ``user`` and its expiry; only the digest is stored (the
    caller commits)."""
    now = datetime.now(UTC)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(minutes=ttl_minutes)
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id,
                                           ApiToken.expires_at < now))  # tidy expired ones
    session.add(ApiToken(digest=token_digest(token), user_id=user.id, expires_at=expires_at,
                         created_at=now))
    return token, expires_at


class TokenProblem(Refused):
    """Why a bearer token was refused (the message is safe to show): 401, to which the API
    adds ``WWW-Authenticate: Bearer``."""

    code, http_status = "unauthorized", 401


def user_for_token(session: Session, token: str) -> User:
    """The active user holding this unexpired token, or :class:`TokenProblem`."""
    row = session.scalar(select(ApiToken).where(ApiToken.digest == token_digest(token)))
    if row is None:
        raise TokenProblem("invalid token")
    if as_utc(row.expires_at) <= datetime.now(UTC):
        session.delete(row)
        session.commit()
        raise TokenProblem("token expired; log in again")
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise TokenProblem("invalid token")
    return user


def revoke_token(session: Session, token: str) -> None:
    """Revoke this one token (signing out); the caller commits."""
    session.execute(delete(ApiToken).where(ApiToken.digest == token_digest(token)))


def revoke_all(session: Session, user_id: int) -> None:
    """Revoke every token of ``user_id`` (deactivated, or a new password); the caller commits."""
    session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))


def revoke_others(session: Session, user_id: int, keep: str) -> int:
    """Revoke every token of ``user_id`` but ``keep``; how many were revoked."""
    others = session.scalars(select(ApiToken.id).where(
        ApiToken.user_id == user_id, ApiToken.digest != token_digest(keep))).all()
    if others:
        session.execute(delete(ApiToken).where(ApiToken.id.in_(others)))
    return len(others)
