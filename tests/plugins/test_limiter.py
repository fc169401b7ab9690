"""The per-plugin rate limiter under a virtual clock (plugins.md §4.7)."""

from __future__ import annotations

import pytest

from colophon.plugins.errors import PluginRateLimited
from colophon.plugins.limiter import RateLimiter
from tests.plugins.virtual_time import VirtualTime


def make_limiter(rate: int, time: VirtualTime) -> RateLimiter:
    return RateLimiter("p", rate, clock=time.clock, sleep=time.sleep)


async def test_120_calls_from_three_callers_never_exceed_60_in_any_minute() -> None:
    """Item 43: the full bucket plus its refill is still capped at 60 per 60 s window."""
    time = VirtualTime()
    limiter = make_limiter(60, time)
    grants: list[float] = []

    async def caller() -> None:
        for _ in range(40):
            await limiter.acquire(max_wait_s=3600)
            grants.append(time.now)

    await time.run(caller(), caller(), caller())

    grants.sort()
    assert len(grants) == 120
    assert all(grants[i + 60] - grants[i] >= 60 for i in range(len(grants) - 60))
    assert grants[:60] == [0.0] * 60  # the bucket starts full


async def test_waiters_are_served_in_arrival_order() -> None:
    """§4.7: FIFO."""
    time = VirtualTime()
    limiter = make_limiter(60, time)
    for _ in range(60):
        await limiter.acquire(max_wait_s=0)
    served: list[str] = []

    async def caller(name: str) -> None:
        await limiter.acquire(max_wait_s=3600)
        served.append(name)

    await time.run(caller("a"), caller("b"), caller("c"))

    assert served == ["a", "b", "c"]


async def test_a_pause_holds_every_caller_then_one_call_proceeds() -> None:
    """Item 44: retryAfterSeconds 5 → nothing for 5 s, then one token, then the refill rate."""
    time = VirtualTime()
    limiter = make_limiter(60, time)
    limiter.pause(5)
    grants: list[float] = []

    async def caller() -> None:
        await limiter.acquire(max_wait_s=3600)
        grants.append(time.now)

    await time.run(caller(), caller(), caller())

    assert grants == [5.0, 6.0, 7.0]


async def test_a_pause_voids_reservations_of_callers_already_waiting() -> None:
    """§4.7: waiters that had a slot before the pause wait behind it."""
    time = VirtualTime()
    limiter = make_limiter(60, time)
    limiter.pause(10)  # the two callers book 10 s and 11 s
    grants: list[float] = []

    async def caller() -> None:
        await limiter.acquire(max_wait_s=3600)
        grants.append(time.now)

    async def pause_again_soon() -> None:
        await time.sleep(2)
        limiter.pause(20)

    await time.run(caller(), caller(), pause_again_soon())

    assert grants == [22.0, 23.0]


async def test_zero_means_unlimited_but_pauses_still_apply() -> None:
    """Item 45."""
    time = VirtualTime()
    limiter = make_limiter(0, time)
    for _ in range(1000):
        await limiter.acquire(max_wait_s=0)
    limiter.pause(3)
    grants: list[float] = []

    async def caller() -> None:
        await limiter.acquire(max_wait_s=3600)
        grants.append(time.now)

    await time.run(caller(), caller())

    assert grants == [3.0, 3.0]


async def test_a_caller_that_cannot_wait_long_enough_is_refused_at_once() -> None:
    """Item 46: max_wait_s 10 facing a 60 s pause → PluginRateLimited(60) immediately."""
    time = VirtualTime()
    limiter = make_limiter(60, time)
    limiter.pause(60)

    with pytest.raises(PluginRateLimited) as refused:
        await limiter.acquire(max_wait_s=10)

    assert refused.value.retry_after_s == 60
    assert time.now == 0.0  # no time passed: the refusal did not wait


async def test_a_lower_rate_applies_live() -> None:
    """§4.2: rateLimitPerMinute changes without a restart."""
    time = VirtualTime()
    limiter = make_limiter(60, time)
    limiter.set_rate(2)
    grants: list[float] = []

    async def caller() -> None:
        for _ in range(3):
            await limiter.acquire(max_wait_s=3600)
            grants.append(time.now)

    await time.run(caller())

    assert grants == [0.0, 0.0, 60.0]
