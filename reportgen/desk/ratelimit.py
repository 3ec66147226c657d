"""Failed sign-ins → how long the next attempt must wait: guessing a password gets slower, then is refused.

Counted twice, because an attacker either tries many passwords on one login or one password on many logins:

- **per login** (whatever was typed, whether an account of that name exists or not, so that the limiter's
  answer tells nothing about which logins exist): the first ``free`` failures cost nothing, then each failure
  doubles the wait before the next attempt (1 s, 2 s, 4 s … up to ``max_delay``), and after ``lock_after``
  failures the login is refused for ``lockout``;
- **per address** (the client's, or the proxy's ``X-Forwarded-For`` when the desk trusts it): the same, with more
  room, since a division's office may sit behind one address.

An attempt made before its wait is over is refused without checking the password (so a flood costs no Argon2
work), and answered "try again in N seconds": the same words whatever the cause. A successful sign-in clears the
login's count (not the address's: one good password does not pay for a thousand guesses). Counts older than
``window`` are forgotten; at most ``max_entries`` logins and addresses are remembered (the oldest forgotten first),
so a flood of invented logins cannot exhaust memory. Time comes from ``clock`` (tests pass their own).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """How many failures are free, how the wait grows, when attempts are refused outright and for how long."""

    free: int
    lock_after: int
    base_delay: float = 1.0
    max_delay: float = 60.0
    lockout: float = 15 * 60.0
    window: float = 15 * 60.0

    def wait_after(self, failures: int) -> float:
        """Seconds before the next attempt, after ``failures`` failures in a row."""
        if failures >= self.lock_after:
            return self.lockout
        if failures < self.free:
            return 0.0
        return float(min(self.max_delay, self.base_delay * 2.0 ** (failures - self.free)))


PER_LOGIN = Policy(free=3, lock_after=10)
PER_ADDRESS = Policy(free=10, lock_after=50, max_delay=30.0)


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0
    not_before: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may be checked now, else how many whole seconds until it may (``retry_after``)."""

    allowed: bool
    retry_after: int = 0


class LoginLimiter:
    """Failed sign-ins counted per login and per address (thread-safe: the desk's handlers run in a pool)."""

    def __init__(self, *, per_login: Policy = PER_LOGIN, per_address: Policy = PER_ADDRESS,
                 clock: Callable[[], float] = time.monotonic, max_entries: int = 10_000):  # fmt: skip
        self.per_login, self.per_address = per_login, per_address
        self.clock = clock
        self.max_entries = max_entries
        self._counts: OrderedDict[tuple[str, str], _Count] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, login: str, address: str) -> Verdict:
        """May an attempt for ``login`` from ``address`` be checked now?"""
        now = self.clock()
        with self._lock:
            waits = [self._count(key, policy, now).not_before - now for key, policy in self._keys(login, address)]
        wait = max(waits)
        return Verdict(True) if wait <= 0 else Verdict(False, max(1, math.ceil(wait)))

    def failed(self, login: str, address: str) -> None:
        """A wrong login or password for ``login`` from ``address``."""
        now = self.clock()
        with self._lock:
            for key, policy in self._keys(login, address):
                count = self._count(key, policy, now)
                count.failures += 1
                count.last = now
                count.not_before = now + policy.wait_after(count.failures)
                self._counts.move_to_end(key)
            while len(self._counts) > self.max_entries:
                self._counts.popitem(last=False)

    def succeeded(self, login: str, address: str) -> None:
        """``login`` signed in: its own count starts again (the address keeps its count)."""
        with self._lock:
            self._counts.pop(("login", _folded(login)), None)

    def failures(self, login: str) -> int:
        with self._lock:
            count = self._counts.get(("login", _folded(login)))
            return count.failures if count else 0

    def _keys(self, login: str, address: str) -> tuple[tuple[tuple[str, str], Policy], ...]:
        return (("login", _folded(login)), self.per_login), (("address", address), self.per_address)

    def _count(self, key: tuple[str, str], policy: Policy, now: float) -> _Count:
        count = self._counts.get(key)
        if count is None or (now - count.last > policy.window and now >= count.not_before):
            count = self._counts[key] = _Count()
        return count


def _folded(login: str) -> str:
    """``Admin`` and ``admin `` are the same login to the limiter (the store's logins are lower case)."""
    return login.strip().casefold()[:200]
