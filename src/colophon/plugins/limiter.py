"""The per-plugin token bucket shared by every caller in a server process (plugins.md §4.7).

Each caller reserves its token when it arrives, so waiters are served first come, first
served; a ``-32001`` pause voids the reservations of those still waiting, who reserve again
once the pause is known, behind it.

A bucket that starts full and refills N/60 per second would allow 2N-1 grants within one
minute (the full bucket plus a minute of refill). Providers count requests per minute, so
grants are also capped at N within any 60 s window (acceptance item 43).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

from colophon.plugins.errors import MAX_RETRY_AFTER_S, MIN_RETRY_AFTER_S, PluginRateLimited

SECONDS_PER_MINUTE = 60.0

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """``rate_per_minute`` tokens per minute, capacity ``rate_per_minute``; 0 means unlimited."""

    def __init__(
        self,
        plugin: str,
        rate_per_minute: int,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.plugin = plugin
        self._clock = clock
        self._sleep = sleep
        self._rate = rate_per_minute
        self._tokens = float(rate_per_minute)  # starts full
        self._updated_at = clock()
        self._paused_until = 0.0
        self._generation = 0
        self._recent_grants: deque[float] = deque(maxlen=max(rate_per_minute, 1))

    @property
    def rate_per_minute(self) -> int:
        return self._rate

    @property
    def paused_until(self) -> float:
        """Clock time until which no token is issued (0 when never paused)."""
        return self._paused_until

    def set_rate(self, rate_per_minute: int) -> None:
        """Apply a changed ``rateLimitPerMinute`` live; the tokens on hand carry over, capped."""
        self._refill(self._clock())
        self._rate = rate_per_minute
        self._tokens = min(self._tokens, float(rate_per_minute))
        self._recent_grants = deque(self._recent_grants, maxlen=max(rate_per_minute, 1))

    def pause(self, retry_after_s: float) -> None:
        """Hold every caller for `retry_after_s`; afterwards the bucket restarts with one token."""
        now = self._clock()
        self._paused_until = max(self._paused_until, now + retry_after_s)
        self._tokens = 1.0
        self._updated_at = self._paused_until
        self._generation += 1
        while self._recent_grants and self._recent_grants[-1] > now:
            self._recent_grants.pop()  # reservations of waiters not yet served are void

    async def acquire(self, *, max_wait_s: float) -> None:
        """Take one token, waiting FIFO; raises ``PluginRateLimited`` when the wait would exceed
        ``max_wait_s`` (immediately, without waiting)."""
        deadline = self._clock() + max_wait_s
        while True:
            generation = self._generation
            now = self._clock()
            ready_at = self._reserve(now, deadline)
            if ready_at > now:
                await self._sleep(ready_at - now)
            if self._generation == generation:
                return
            # A pause arrived while we waited: our reservation was voided; take a new one.

    def _reserve(self, now: float, deadline: float) -> float:
        """Book the next token; the time it becomes ours. Raises when that is past the deadline."""
        start = max(now, self._paused_until)
        if self._rate == 0:
            ready_at = start
        else:
            self._refill(now)
            refill_per_s = self._rate / SECONDS_PER_MINUTE
            # Tokens may go negative: each waiter's debt is its place in the queue.
            shortfall = max(0.0, 1.0 - self._tokens)
            ready_at = max(start, self._updated_at) + shortfall / refill_per_s
            if len(self._recent_grants) == self._rate:
                ready_at = max(ready_at, self._recent_grants[0] + SECONDS_PER_MINUTE)
        if ready_at > deadline:
            raise self._refusal(ready_at - now)
        if self._rate != 0:
            self._tokens -= 1.0
            self._recent_grants.append(ready_at)
        return ready_at

    def _refill(self, now: float) -> None:
        if self._rate == 0 or now <= self._updated_at:
            return
        refill_per_s = self._rate / SECONDS_PER_MINUTE
        self._tokens = min(
            float(self._rate), self._tokens + (now - self._updated_at) * refill_per_s
        )
        self._updated_at = now

    def _refusal(self, wait_s: float) -> PluginRateLimited:
        retry_after = int(min(MAX_RETRY_AFTER_S, max(MIN_RETRY_AFTER_S, math.ceil(wait_s))))
        return PluginRateLimited(
            self.plugin,
            f"plugin '{self.plugin}' is rate limited; retry after {retry_after}s",
            retry_after_s=retry_after,
        )
