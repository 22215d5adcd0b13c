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
:mod:`api.routes.auth`). Behind a reverse proxy, name it in ``CALLQA_TRUSTED_PROXIES``
(``callqa serve`` passes it to uvicorn) so it is the user's address and not the proxy's
(otherwise every user shares one per-address budget); no forwarded header is trusted
from anyone else, so a guesser cannot buy fresh budgets with made-up addresses.

Counting is atomic and comes first: :meth:`attempt` refuses a blocked key or counts the
attempt as a failure *before* the password is checked, in one short transaction with the
key's row locked, so twenty guesses sent at once meet the limit like twenty in a row
(only the first five are checked). A right password then gives its count back
(:meth:`succeeded` with ``attempted=True``). The transaction ends before the (slow,
deliberately) password check, so no database connection waits on scrypt.

Where the counts live: :class:`SharedLoginLimiter` keeps them in the database
(``login_throttle``), so every process of ``callqa serve --workers N`` and every replica
behind a load balancer sees the same budget and a success on one clears it for all; the
API uses it, on the request's own session (one connection per sign-in, never a second
one beside it: a flood of guesses cannot drain the pool). :class:`LoginLimiter` keeps
them in this process's memory (the rule's unit tests, or an app made without a
database). Both apply one rule (:func:`_count_failure`).
Sticky sessions would not do instead: a guesser does not keep cookies.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

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


def _give_back(count: _Count, limit: int) -> None:
    """Undo one counted attempt that turned out right; a block it alone started goes too."""
    count.failures = max(0, count.failures - 1)
    if count.failures < limit:
        count.blocked_until = 0.0


def _keys(username: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return (("user", f"{username.casefold()}\0{address}"), ("addr", address))


def _refusal(waits: list[float]) -> TooManyAttempts | None:
    return TooManyAttempts(max(1, math.ceil(max(waits)))) if waits else None


class LoginLimiter:
    """Failed sign-in counts of one process, safe to share between request threads.
    ``session`` arguments are accepted and ignored (the shared limiter's signature)."""

    def __init__(self, limits: LoginLimits | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or LoginLimits()
        self._clock = clock
        self._counts: dict[tuple[str, str], _Count] = {}
        self._lock = threading.Lock()

    def _waits(self, username: str, address: str, now: float) -> list[float]:
        return [c.blocked_until - now for k in _keys(username, address)
                if (c := self._counts.get(k)) is not None and c.blocked_until > now]

    def check(self, username: str, address: str, session: Session | None = None) -> None:
        """Raise :class:`TooManyAttempts` while either key is blocked."""
        now = self._clock()
        with self._lock:
            refusal = _refusal(self._waits(username, address, now))
        if refusal:
            raise refusal

    def attempt(self, username: str, address: str, session: Session | None = None) -> bool:
        """:meth:`check` and :meth:`failed` in one step, before the password is checked:
        refused while blocked, else counted; True when it starts or lengthens a block."""
        now = self._clock()
        with self._lock:
            refusal = _refusal(self._waits(username, address, now))
            if refusal is None:
                return self._fail(username, address, now)
        raise refusal

    def failed(self, username: str, address: str, session: Session | None = None) -> bool:
        """Count a failure; True when it starts or lengthens a block (worth auditing)."""
        now = self._clock()
        with self._lock:
            return self._fail(username, address, now)

    def _fail(self, username: str, address: str, now: float) -> bool:
        blocked = False
        user_key, addr_key = _keys(username, address)
        for key, limit in ((user_key, self.limits.max_failures),
                           (addr_key, self.limits.max_failures_per_address)):
            count = self._counts.setdefault(key, _Count())
            blocked = _count_failure(count, now, limit, self.limits) or blocked
        if len(self._counts) > self.limits.max_keys:
            self._forget(now)
        return blocked

    def succeeded(self, username: str, address: str, session: Session | None = None, *,
                  attempted: bool = False) -> None:
        """A correct password: this user's count from this address starts again; with
        ``attempted``, the address gets back the attempt :meth:`attempt` counted."""
        user_key, addr_key = _keys(username, address)
        with self._lock:
            self._counts.pop(user_key, None)
            if attempted and (count := self._counts.get(addr_key)) is not None:
                _give_back(count, self.limits.max_failures_per_address)

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
    API process and replica. Each step is one short transaction with the keys' rows
    locked (PostgreSQL ``FOR UPDATE``; SQLite's write lock), so concurrent attempts on
    two processes all count. Given a ``session`` (the request's), a step runs and
    **commits** on it, so a sign-in holds one connection, and none once the step is
    done; without one it opens its own."""

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

    @contextmanager
    def _transaction(self, session: Session | None) -> Iterator[Session]:
        if session is None:
            with session_scope(self.db_url) as own:
                yield own
            return
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    def check(self, username: str, address: str, session: Session | None = None) -> None:
        """Raise :class:`TooManyAttempts` while either key is blocked."""
        now = self._clock()
        with self._transaction(session) as s:
            until = s.scalars(select(LoginThrottle.blocked_until).where(
                LoginThrottle.key.in_(self._row_keys(username, address)),
                LoginThrottle.blocked_until > now)).all()
        refusal = _refusal([u - now for u in until])
        if refusal:
            raise refusal

    def attempt(self, username: str, address: str, session: Session | None = None) -> bool:
        """:meth:`check` and :meth:`failed` in one locked step, before the password is
        checked: refused while blocked (nothing counted), else counted; True when it
        starts or lengthens a block."""
        return self._count(username, address, session, refuse_blocked=True)

    def failed(self, username: str, address: str, session: Session | None = None) -> bool:
        """Count a failure; True when it starts or lengthens a block (worth auditing)."""
        return self._count(username, address, session, refuse_blocked=False)

    def _locked_rows(self, session: Session, keys: list[str], now: float) -> list[LoginThrottle]:
        rows = []
        for key in keys:  # always user, then address: two sign-ins never lock in turn
            session.execute(upsert_insert(session, LoginThrottle).values(
                key=key, failures=0, last=now, blocked_until=0.0,
            ).on_conflict_do_nothing(index_elements=["key"]))
            row = session.scalar(select(LoginThrottle).where(LoginThrottle.key == key)
                                 .with_for_update().execution_options(populate_existing=True))
            assert row is not None  # inserted above or already there
            rows.append(row)
        return rows

    def _count(self, username: str, address: str, session: Session | None, *,
               refuse_blocked: bool) -> bool:
        now = self._clock()
        blocked = False
        with self._transaction(session) as s:
            rows = self._locked_rows(s, self._row_keys(username, address), now)
            refusal = _refusal([r.blocked_until - now for r in rows if r.blocked_until > now])
            if refuse_blocked and refusal:
                raise refusal  # rolled back: a refused attempt counts nothing
            for row, limit in zip(rows, (self.limits.max_failures,
                                         self.limits.max_failures_per_address), strict=True):
                count = _Count(row.failures, row.last, row.blocked_until)
                blocked = _count_failure(count, now, limit, self.limits) or blocked
                row.failures, row.last, row.blocked_until = (
                    count.failures, count.last, count.blocked_until)
            # Keys whose window and wait are long over are forgotten (indexed on last);
            # rows another sign-in holds are skipped, so two never wait on each other.
            stale = select(LoginThrottle.key).where(
                LoginThrottle.last < now - self.limits.window - self.limits.max_delay,
                LoginThrottle.blocked_until < now).limit(100).with_for_update(skip_locked=True)
            s.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(stale)))
        return blocked

    def succeeded(self, username: str, address: str, session: Session | None = None, *,
                  attempted: bool = False) -> None:
        """A correct password: this user's count from this address starts again; with
        ``attempted``, the address gets back the attempt :meth:`attempt` counted."""
        user_key, addr_key = self._row_keys(username, address)
        with self._transaction(session) as s:
            s.execute(delete(LoginThrottle).where(LoginThrottle.key == user_key))
            if attempted:
                row = s.scalar(select(LoginThrottle).where(LoginThrottle.key == addr_key)
                               .with_for_update().execution_options(populate_existing=True))
                if row is not None:
                    count = _Count(row.failures, row.last, row.blocked_until)
                    _give_back(count, self.limits.max_failures_per_address)
                    row.failures, row.blocked_until = count.failures, count.blocked_until


Limiter = LoginLimiter | SharedLoginLimiter
"""Either keeper of the counts: the rule is the same."""
