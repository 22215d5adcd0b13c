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

Where the address comes from: ``request.client.host``. Behind a reverse proxy, run
uvicorn with ``--proxy-headers --forwarded-allow-ips=<the proxy>`` so it is the user's
address and not the proxy's (otherwise every user shares one per-address budget).

State is in this process's memory (:class:`LoginLimiter`, one per app), which is what the
embedded default needs. **A multi-replica deployment** (several ``callqa serve`` behind a
load balancer) gives each replica its own counts, so an attacker gets N times the
budget and a success on one replica does not clear another's; it needs the counts in
shared state instead: a Redis ``INCR`` with ``EXPIRE`` per key (or a table in the shared
PostgreSQL) behind the same three methods, :meth:`LoginLimiter.check`,
:meth:`~LoginLimiter.failed` and :meth:`~LoginLimiter.succeeded`. Sticky sessions do
not help: a guesser does not keep cookies.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


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


class TooManyAttempts(Exception):
    """Sign-in refused for now; ``retry_after`` is in whole seconds (at least 1)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


class LoginLimiter:
    """Failed sign-in counts of one process, safe to share between request threads."""

    def __init__(self, limits: LoginLimits | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or LoginLimits()
        self._clock = clock
        self._counts: dict[tuple[str, str], _Count] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(username: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return (("user", f"{username.casefold()}\0{address}"), ("addr", address))

    def check(self, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` while either key is blocked."""
        now = self._clock()
        with self._lock:
            waits = [c.blocked_until - now for k in self._keys(username, address)
                     if (c := self._counts.get(k)) is not None and c.blocked_until > now]
        if waits:
            raise TooManyAttempts(max(1, math.ceil(max(waits))))

    def failed(self, username: str, address: str) -> bool:
        """Count a failure; True when it starts or lengthens a block (worth auditing)."""
        now = self._clock()
        blocked = False
        with self._lock:
            user_key, addr_key = self._keys(username, address)
            for key, limit in ((user_key, self.limits.max_failures),
                               (addr_key, self.limits.max_failures_per_address)):
                count = self._counts.setdefault(key, _Count())
                if now - max(count.last, count.blocked_until) > self.limits.window:
                    count.failures = 0  # a quiet window (after any wait) forgives
                count.failures += 1
                count.last = now
                if count.failures >= limit:
                    delay = self.limits.base_delay * 2 ** (count.failures - limit)
                    count.blocked_until = now + min(self.limits.max_delay, delay)
                    blocked = True
            if len(self._counts) > self.limits.max_keys:
                self._forget(now)
        return blocked

    def succeeded(self, username: str, address: str) -> None:
        """A correct password: this user's count from this address starts again."""
        with self._lock:
            self._counts.pop(self._keys(username, address)[0], None)

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
