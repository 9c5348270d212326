"""The mailing rate limit: a fixed-window counter shared through the cache.

A fake clock that only moves when the limiter sleeps, so nothing waits for real
and no assertion depends on the machine's speed.
"""

from __future__ import annotations

import pytest
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

from alumni_partner.mailing.throttle import RateLimiter


class FakeClock:
    def __init__(self, start: float = 5_000.25) -> None:
        self.time = start
        self.naps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.time += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache():
    """One cache, as Redis is one for every worker process."""
    shared = LocMemCache("mailing-throttle-tests", {})
    shared.clear()
    return shared


def limiter(rate, clock, cache) -> RateLimiter:
    return RateLimiter(rate, cache=cache, clock=clock.now, sleep=clock.sleep)


def test_no_limit_never_waits_and_counts_nothing(clock, cache):
    unlimited = limiter(None, clock, cache)
    for _ in range(1000):
        unlimited.wait()
    assert clock.naps == []
    assert cache._cache == {}


def test_the_message_over_the_limit_waits_for_the_next_second(clock, cache):
    five = limiter(5, clock, cache)
    for _ in range(5):
        five.wait()
    assert clock.naps == []
    five.wait()  # the sixth in this second
    assert clock.naps == [pytest.approx(0.75)]
    assert clock.time == pytest.approx(5_001.0)


def test_every_second_lets_through_the_rate_and_no_more(clock, cache):
    ten = limiter(10, clock, cache)
    seconds = []
    for _ in range(35):
        ten.wait()
        seconds.append(int(clock.time))
    per_second = {second: seconds.count(second) for second in set(seconds)}
    assert per_second == {5000: 10, 5001: 10, 5002: 10, 5003: 5}


def test_workers_share_one_allowance_through_the_cache(clock, cache):
    first, second = limiter(4, clock, cache), limiter(4, clock, cache)
    for _ in range(2):
        first.wait()
        second.wait()
    assert clock.naps == []
    first.wait()  # a fifth message in this second, whichever worker sends it
    assert len(clock.naps) == 1


def test_a_rate_below_one_a_second_spaces_messages_out(clock, cache):
    slow = limiter(0.5, clock, cache)
    slow.wait()
    slow.wait()
    assert clock.naps == [pytest.approx(1.75)]  # to the next two-second window
    assert slow.window == 2


def test_a_cache_that_cannot_count_does_not_stall_the_mailing(clock):
    limited = limiter(1, clock, DummyCache("dummy", {}))
    for _ in range(10):
        limited.wait()
    assert clock.naps == []
