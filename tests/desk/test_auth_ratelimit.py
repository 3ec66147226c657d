"""desk/ratelimit.py: failed sign-ins slow the next attempt down, then refuse it, per login and per address."""

from __future__ import annotations

from reportgen.desk.ratelimit import LoginLimiter, Policy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Clock, **kwargs) -> LoginLimiter:
    return LoginLimiter(per_login=Policy(free=3, lock_after=6, max_delay=60, lockout=900, window=900),
                        per_address=Policy(free=10, lock_after=20, lockout=900, window=900), clock=clock, **kwargs)


def test_free_failures_then_doubling_waits_then_a_lockout():
    clock = Clock()
    limit = limiter(clock)
    waits = []
    for _ in range(6):
        assert limit.check("somchai", "10.0.0.1").allowed
        limit.failed("somchai", "10.0.0.1")
        verdict = limit.check("somchai", "10.0.0.1")
        waits.append(verdict.retry_after)
        clock.now += verdict.retry_after
    assert waits == [0, 0, 1, 2, 4, 900]


def test_an_attempt_during_the_wait_is_refused_and_does_not_count():
    clock = Clock()
    limit = limiter(clock)
    for _ in range(4):
        limit.failed("somchai", "10.0.0.1")
    assert not limit.check("somchai", "10.0.0.1").allowed
    assert limit.failures("somchai") == 4
    clock.now += 2
    assert limit.check("somchai", "10.0.0.1").allowed


def test_an_unknown_login_is_limited_exactly_like_a_real_one():
    clock = Clock()
    limit = limiter(clock)
    for login in ("somchai", "nobody"):
        for _ in range(5):
            limit.failed(login, f"10.0.0.{len(login)}")
    assert limit.check("somchai", "10.0.0.7") == limit.check("nobody", "10.0.0.6")


def test_many_logins_from_one_address_are_limited_by_the_address():
    clock = Clock()
    limit = limiter(clock)
    for index in range(20):
        limit.failed(f"user{index}", "10.0.0.9")
    assert not limit.check("someone-new", "10.0.0.9").allowed
    assert limit.check("someone-new", "10.0.0.10").allowed


def test_success_clears_the_login_but_not_the_address_and_old_failures_are_forgotten():
    clock = Clock()
    limit = limiter(clock)
    for _ in range(5):
        limit.failed("somchai", "10.0.0.1")
    limit.succeeded("somchai", "10.0.0.1")
    assert limit.failures("somchai") == 0
    for _ in range(2):
        limit.failed("other", "10.0.0.2")
    clock.now += 901
    limit.failed("other", "10.0.0.2")
    assert limit.failures("other") == 1


def test_memory_is_bounded():
    limit = LoginLimiter(clock=Clock(), max_entries=100)
    for index in range(1000):
        limit.failed(f"invented{index}", f"10.1.{index // 250}.{index % 250}")
    assert len(limit._counts) <= 100
