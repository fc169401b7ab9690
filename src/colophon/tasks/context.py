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
from colophon.tasks.task_events import MAX_MESSAGE_CHARS, progress_event

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
    """Handed to a handler: database, progress reporting, cancellation and stop signals.

    ``cancelled`` is set when a cancel is requested (message or heartbeat) or the lease is
    lost (``cancel_reason`` says which); ``stopping`` when the process shuts down. Handlers
    check them between work items.
    """

    def __init__(self, runtime: Runtime, task: Task, worker_id: str) -> None:
        self.runtime = runtime
        self.task = task
        self.task_id = task.id
        self.worker_id = worker_id
        self.cancelled = asyncio.Event()
        self.cancel_reason: str | None = None
        self.stopping = asyncio.Event()
        self.pending_events: list[Event] = []
        self.latest_progress: dict[str, Any] | None = None
        self._version = 0
        self._published_version = 0
        self._saved_version = 0
        self._last_event_at = float("-inf")
        self._last_saved_at = float("-inf")
        self._delayed_publish: asyncio.TimerHandle | None = None
        self._publishing: set[asyncio.Task[None]] = set()

    @property
    def db(self) -> Database:
        return self.runtime.db

    def cancel(self, reason: str) -> None:
        """Ask the handler to stop: ``cancel_requested`` or ``lease_lost``."""
        if not self.cancelled.is_set():
            self.cancel_reason = reason
            self.cancelled.set()

    def emit(self, event: Event) -> None:
        """Publish ``event`` with the transaction that records the handler's outcome."""
        self.pending_events.append(event)

    async def progress(
        self, current: int, total: int, message: str, counts: dict[str, int] | None = None
    ) -> None:
        """Report progress: at most 10 events/s (the latest always goes out), saved ≤ 1/s."""
        self.latest_progress = {
            "current": current,
            "total": total,
            "message": message[:MAX_MESSAGE_CHARS],
            "counts": counts or {},
        }
        self._version += 1
        now = time.monotonic()
        since_event = now - self._last_event_at
        if since_event >= 1 / PROGRESS_EVENTS_PER_S:
            await self._publish_progress()
        elif self._delayed_publish is None:
            delay = 1 / PROGRESS_EVENTS_PER_S - since_event
            self._delayed_publish = asyncio.get_running_loop().call_later(
                delay, self._publish_later
            )
        if now - self._last_saved_at >= 1 / PROGRESS_SAVES_PER_S:
            self._last_saved_at = now
            await self._save_progress()

    def _publish_later(self) -> None:
        self._delayed_publish = None
        publishing = asyncio.create_task(self._publish_progress())
        self._publishing.add(publishing)
        publishing.add_done_callback(self._publishing.discard)

    async def _publish_progress(self) -> None:
        if self.latest_progress is None or self._published_version == self._version:
            return
        self._published_version = self._version
        self._last_event_at = time.monotonic()
        await self.runtime.bus.publish(progress_event(self.task, self.latest_progress))

    async def _save_progress(self) -> None:
        if self.latest_progress is None or self._saved_version == self._version:
            return
        self._saved_version = self._version
        await queue.save_progress(self.db, self.task_id, self.latest_progress)

    async def finish_progress(self) -> None:
        """Deliver and persist the final progress value before the outcome is recorded."""
        if self._delayed_publish is not None:
            self._delayed_publish.cancel()
            self._delayed_publish = None
        if self._publishing:
            await asyncio.gather(*self._publishing, return_exceptions=True)
        await self._publish_progress()
        await self._save_progress()


Handler = Callable[[TaskContext, Task], Awaitable[dict[str, Any]]]
AbandonedHook = Callable[[Runtime, Task], Awaitable[None]]
"""Runs when the sweeper fails a task whose worker died (§3.7), e.g. to close its job run."""
