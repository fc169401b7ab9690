"""What a task handler receives and may raise (platform §3.10)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from colophon.db.database import Database
from colophon.runtime import Runtime
from colophon.tasks import queue
from colophon.tasks.events import Event
from colophon.tasks.models import Task
from colophon.tasks.task_events import progress_event

PROGRESS_EVENTS_PER_S = 10
PROGRESS_SAVES_PER_S = 1


class PermanentTaskError(Exception):
    """Fail the task now; retrying cannot help."""


class RetryLaterError(Exception):
    """Put the task back for ``delay_s`` seconds without using an attempt."""

    def __init__(self, delay_s: float, message: str = "retry later") -> None:
        super().__init__(message)
        self.delay_s = delay_s


class TaskContext:
    """Handed to a handler: database, progress reporting, cancellation and stop signals."""

    def __init__(self, runtime: Runtime, task: Task, worker_id: str) -> None:
        self.runtime = runtime
        self.task = task
        self.task_id = task.id
        self.worker_id = worker_id
        self.cancelled = asyncio.Event()
        self.stopping = asyncio.Event()
        self.pending_events: list[Event] = []
        self.latest_progress: dict[str, Any] | None = None
        self._last_event_at = 0.0
        self._last_saved_at = 0.0
        self._flush: asyncio.TimerHandle | None = None

    @property
    def db(self) -> Database:
        return self.runtime.db

    def emit(self, event: Event) -> None:
        """Publish ``event`` once the handler's outcome is committed."""
        self.pending_events.append(event)

    async def progress(
        self, current: int, total: int, message: str, counts: dict[str, int] | None = None
    ) -> None:
        """Report progress: at most 10 events/s, persisted at most once a second."""
        self.latest_progress = {
            "current": current,
            "total": total,
            "message": message[:500],
            "counts": counts or {},
        }
        now = time.monotonic()
        if now - self._last_event_at >= 1 / PROGRESS_EVENTS_PER_S:
            await self._publish_progress()
        elif self._flush is None:
            # Throttled: make sure the latest value still goes out.
            delay = 1 / PROGRESS_EVENTS_PER_S - (now - self._last_event_at)
            self._flush = asyncio.get_running_loop().call_later(delay, self._schedule_flush)
        if now - self._last_saved_at >= 1 / PROGRESS_SAVES_PER_S:
            self._last_saved_at = now
            await queue.save_progress(self.db, self.task_id, self.latest_progress)

    def _schedule_flush(self) -> None:
        self._flush = None
        asyncio.ensure_future(self._publish_progress())

    async def _publish_progress(self) -> None:
        if self.latest_progress is None:
            return
        self._last_event_at = time.monotonic()
        await self.runtime.bus.publish(progress_event(self.task, self.latest_progress))

    async def finish_progress(self) -> None:
        """Deliver and persist the final progress value."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if self.latest_progress is not None:
            await self._publish_progress()
            await queue.save_progress(self.db, self.task_id, self.latest_progress)


Handler = Callable[[TaskContext, Task], Awaitable[dict[str, Any]]]
