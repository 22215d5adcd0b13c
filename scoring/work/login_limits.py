"""Slowing down password guessing: failed sign-ins per (username, client address) and per
client address, with an exponential back-off.

The rule (:class:`LoginLimits`): failures count within a window (5 minutes); once a key has
``max_failures`` (5) in it, further attempts are refused with 429 and ``Retry-After`` for
``base_delay`` (30 s), doubling with each further failure up to ``max_delay`` (15 min);
a window without failures after the wait forgives them.
A refused attempt checks no password and does not lengthen the wait; a success clears
its (username, address) key. One address trying many usernames (credential stuffing)
meets the per-address limit (``max_failures_per_address``, 50 per window) the same way.

Why the key is the username *and* the address: a limit per username alone would let
anyone lock a real user out by guessing wrong on purpose. Here the attacker only locks
themselves out; the user, from their own address, signs in as usual, and even an
attacker who shares their address waits at most ``max_delay``, never forever.

Where the address comes from: the caller says (the API: ``request.client.host``, see
:mod:`api.routes.auth`). Behind a reverse proxy, run uvicorn with ``--proxy-headers
--forwarded-allow-ips=<the proxy>`` so it is the user's address and not the proxy's
(otherwise every user shares one per-address budget).

Where the counts live: :class:`SharedLoginLimiter` keeps them in the database
(``login_throttle``), so every process of ``callqa serve --workers N`` and every replica
behind a load balancer sees the same budget and a success on one clears it for all; the
API uses it. :class:`LoginLimiter` keeps them in this process's memory (the rule's unit
tests, or an app made without a database). Both apply one rule (:func:`_count_failure`).
Sticky sessions would not do instead: a guesser does not keep cookies.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select

from pipeline.db.accounts import LoginThrottle
from pipeline.db.session import session_scope, upsert_insert
from pipeline.errors import Refused

__all__ = ["Limiter", "LoginLimiter", "LoginLimits", "SharedLoginLimiter", "TooManyAttempts"]


@dataclass(frozen=True)
class LoginLimits:
    window: float = 300.0  # seconds in which failures count
    max_failures: int = 5  # per (username, address) before attempts are refused
    max_failures_per_address: int = 50  # per address, any usernames
    base_delay: float = 30.0  # the first refusal's wait; doubles with each failure after
    max_delay: float = 900.0  # the longest wait
    max_keys: int = 100_000  # memory bound: the oldest keys are forgotten beyond this


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0  # when the last failure was
    blocked_until: float = 0.0


class TooManyAttempts(Refused):
    """Sign-in refused for now; ``retry_after`` is in whole seconds (at least 1), which the
    API sends as ``Retry-After``."""

    code, http_status = "too_many_attempts", 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


def _count_failure(count: _Count, now: float, limit: int, limits: LoginLimits) -> bool:
    """Add one failure to ``count``; True when it starts or lengthens a block."""
    if now - max(count.last, count.blocked_until) > limits.window:
        count.failures = 0  # a quiet window (after any wait) forgives
    count.failures += 1
    count.last = now
    if count.failures < limit:
        return False
    delay = limits.base_delay * 2 ** (count.failures - limit)
    count.blocked_until = now + min(limits.max_delay, delay)
    return True


def _keys(username: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return (("user", f"{username.casefold()}\0{address}"), ("addr", address))


class LoginLimiter:
    """Failed sign-in counts of one process, safe to share between request threads."""

    def __init__(self, limits: LoginLimits | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or LoginLimits()
        self._clock = clock
        self._counts: dict[tuple[str, str], _Count] = {}
        self._lock = threading.Lock()

    def check(self, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` while either key is blocked."""
        now = self._clock()
        with self._lock:
            waits = [c.blocked_until - now for k in _keys(username, address)
                     if (c := self._counts.get(k)) is not None and c.blocked_until > now]
        if waits:
            raise TooManyAttempts(max(1, math.ceil(max(waits))))

    def failed(self, username: str, address: str) -> bool:
        """Count a failure; True when it starts or lengthens a block (worth auditing)."""
        now = self._clock()
        blocked = False
        with self._lock:
            user_key, addr_key = _keys(username, address)
            for key, limit in ((user_key, self.limits.max_failures),
                               (addr_key, self.limits.max_failures_per_address)):
                count = self._counts.setdefault(key, _Count())
                blocked = _count_failure(count, now, limit, self.limits) or blocked
            if len(self._counts) > self.limits.max_keys:
                self._forget(now)
        return blocked

    def succeeded(self, username: str, address: str) -> None:
        """A correct password: this user's count from this address starts again."""
        with self._lock:
            self._counts.pop(_keys(username, address)[0], None)

    def _forget(self, now: float) -> None:
        """Drop keys that no longer matter, then the oldest if there are still too many."""
        done = [k for k, c in self._counts.items()
                if now - max(c.last, c.blocked_until) > self.limits.window]
        for key in done:
            del self._counts[key]
        extra = len(self._counts) - self.limits.max_keys
        if extra > 0:
            for key, _ in sorted(self._counts.items(), key=lambda kc: kc[1].last)[:extra]:
                del self._counts[key]


class SharedLoginLimiter:
    """The same rule with the counts in the database (``login_throttle``), shared by every
    API process and replica. Each failure is counted in its own short transaction, the key's
    row locked (PostgreSQL ``FOR UPDATE``; SQLite's write lock), so concurrent failures on
    two processes both count."""

    def __init__(self, db_url: str, limits: LoginLimits | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.db_url = db_url
        self.limits = limits or LoginLimits()
        self._clock = clock

    @staticmethod
    def _row_keys(username: str, address: str) -> list[str]:
        """``user:<sha256>`` and ``addr:<sha256>``: fixed length, and no username or
        address is stored in the clear."""
        return [f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
                for kind, value in _keys(username, address)]

    def check(self, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` while either key is blocked."""
        now = self._clock()
        with session_scope(self.db_url) as session:
            until = session.scalars(select(LoginThrottle.blocked_until).where(
                LoginThrottle.key.in_(self._row_keys(username, address)),
                LoginThrottle.blocked_until > now)).all()
        if until:
            raise TooManyAttempts(max(1, math.ceil(max(until) - now)))

    def failed(self, username: str, address: str) -> bool:
        """Count a failure; True when it starts or lengthens a block (worth auditing)."""
        now = self._clock()
        blocked = False
        user_key, addr_key = self._row_keys(username, address)
        with session_scope(self.db_url) as session:
            for key, limit in ((user_key, self.limits.max_failures),
                               (addr_key, self.limits.max_failures_per_address)):
                session.execute(upsert_insert(session, LoginThrottle).values(
                    key=key, failures=0, last=now, blocked_until=0.0,
                ).on_conflict_do_nothing(index_elements=["key"]))
                row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key)
                                     .with_for_update().execution_options(
                                         populate_existing=True))
                assert row is not None  # inserted above or already there
                count = _Count(row.failures, row.last, row.blocked_until)
                blocked = _count_failure(count, now, limit, self.limits) or blocked
                row.failures, row.last, row.blocked_until = (
                    count.failures, count.last, count.blocked_until)
            # Keys whose window and wait are long over are forgotten (indexed on last).
            session.execute(delete(LoginThrottle).where(
                LoginThrottle.last < now - self.limits.window - self.limits.max_delay,
                LoginThrottle.blocked_until < now))
        return blocked

    def succeeded(self, username: str, address: str) -> None:
        """A correct password: this user's count from this address starts again."""
        with session_scope(self.db_url) as session:
            session.execute(delete(LoginThrottle).where(
                LoginThrottle.key == self._row_keys(username, address)[0]))


Limiter = LoginLimiter | SharedLoginLimiter
"""Either keeper of the counts: the rule is the same."""
