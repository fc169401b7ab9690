"""The scheduler role's loop: periodic work, each piece on its own timer (platform §1.4, §1.5).

There is no in-memory cron table: each :class:`PeriodicWork` does what is due now and says
when it wants to run again (the jobs scheduler reads the earliest ``next_run_at``); an
internal message it names (``jobs.changed``) wakes it early. Maintenance is one such piece;
features add theirs in ``app.periodic_work``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog

from colophon.runtime import Runtime
from colophon.tasks.events import Event

log = structlog.get_logger(__name__)
ERROR_PAUSE = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class PeriodicWork:
    """Work the scheduler role repeats.

    ``run`` does what is due and returns how long to wait before the next call (None: wait
    ``max_wait``); the wait is capped by ``max_wait`` and cut short by any message named in
    ``wake_on``. ``first_delay`` postpones the first call after start.
    """

    name: str
    run: Callable[[Runtime], Awaitable[timedelta | None]]
    max_wait: timedelta
    first_delay: timedelta = timedelta()
    wake_on: frozenset[str] = frozenset()


def next_wait(requested: timedelta | None, max_wait: timedelta) -> timedelta:
    """The sleep before the next call: what the work asked for, within 0..max_wait."""
    if requested is None:
        return max_wait
    return max(timedelta(), min(requested, max_wait))


class SchedulerLoop:
    """Runs every registered :class:`PeriodicWork` until stopped."""

    def __init__(self, runtime: Runtime, work: Sequence[PeriodicWork]) -> None:
        self.runtime = runtime
        self.work = list(work)
        self._wake = {piece.name: asyncio.Event() for piece in self.work}
        self._stopping = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self.runtime.bus.add_listener(self._on_event)
        self._loops = [
            asyncio.create_task(self._loop(piece), name=f"scheduler-{piece.name}")
            for piece in self.work
        ]

    def stop_firing(self) -> None:
        """Shutdown step 2: no new round starts; a round in progress completes."""
        self._stopping.set()
        for wake in self._wake.values():
            wake.set()

    async def stop(self) -> None:
        self.stop_firing()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self.runtime.bus.remove_listener(self._on_event)

    async def _on_event(self, event: Event) -> None:
        for piece in self.work:
            if event.name in piece.wake_on:
                self._wake[piece.name].set()

    async def _loop(self, piece: PeriodicWork) -> None:
        await self._sleep(piece, piece.first_delay)
        while not self._stopping.is_set():
            # Cleared before the round, not after the sleep: a message arriving while the
            # round runs must trigger the next one at once instead of being lost.
            self._wake[piece.name].clear()
            wait = await self._run_once(piece)
            await self._sleep(piece, next_wait(wait, piece.max_wait))

    async def _run_once(self, piece: PeriodicWork) -> timedelta | None:
        try:
            return await piece.run(self.runtime)
        except Exception:
            # A loop boundary, like the worker's task boundary: a failing round is logged
            # and retried, and must never silently end the scheduler role.
            log.exception("periodic_work_failed", work=piece.name)
            return ERROR_PAUSE

    async def _sleep(self, piece: PeriodicWork, wait: timedelta) -> None:
        wake = self._wake[piece.name]
        if self._stopping.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=wait.total_seconds())
