"""A virtual clock for the limiter tests: time moves only when every task waits on it."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")
SETTLE_YIELDS = 20


class VirtualTime:
    """``clock``/``sleep`` to inject; ``run`` advances to the next sleeper when all are idle."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, *work: Awaitable[T]) -> list[T]:
        """Run ``work`` to completion, jumping the clock from sleeper to sleeper."""
        tasks = [asyncio.ensure_future(w) for w in work]
        while not all(task.done() for task in tasks):
            for _ in range(SETTLE_YIELDS):
                await asyncio.sleep(0)
            if all(task.done() for task in tasks):
                break
            if not self._sleepers:
                raise RuntimeError("deadlock: tasks wait on something other than the clock")
            wake_at, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, wake_at)
            future.set_result(None)
        return [task.result() for task in tasks]
