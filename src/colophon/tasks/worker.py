"""The worker pool: claim, run with a heartbeat, record the outcome (platform §3.4–§3.8)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import timedelta
from typing import Any

import structlog

from colophon.runtime import Runtime
from colophon.tasks import queue
from colophon.tasks.context import Handler, PermanentTaskError, RetryLaterError, TaskContext
from colophon.tasks.events import Event
from colophon.tasks.models import Task
from colophon.tasks.task_events import lifecycle_event

log = structlog.get_logger("colophon.worker")
SWEEP_EVERY_S = 15
LOOP_ERROR_PAUSE_S = 5


class Worker:
    """``worker.concurrency`` slots claiming tasks of the types it has handlers for."""

    def __init__(self, runtime: Runtime, handlers: dict[str, Handler]) -> None:
        self.runtime = runtime
        self.handlers = handlers
        self.settings = runtime.settings.worker
        self.lease = timedelta(seconds=self.settings.lease_s)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._running: dict[str, TaskContext] = {}
        self._slots: list[asyncio.Task[None]] = []
        self._sweeper: asyncio.Task[None] | None = None
        runtime.bus.add_listener(self._on_event)

    def worker_id(self, slot: int) -> str:
        instance = str(self.runtime.instance_id)[:8]
        return f"{self.runtime.hostname}:{os.getpid()}:{instance}/{slot}"

    async def _on_event(self, event: Event) -> None:
        if event.name == "tasks.ready":
            self._wake.set()
        elif event.name == "task.cancel_requested":
            for context in self._running.values():
                if str(context.task_id) == event.data.get("taskId"):
                    context.cancelled.set()

    def start(self) -> None:
        self._slots = [
            asyncio.create_task(self._slot_loop(self.worker_id(slot)))
            for slot in range(self.settings.concurrency)
        ]
        self._sweeper = asyncio.create_task(self._sweep_loop())

    async def stop(self, grace_s: float) -> None:
        """Stop claiming, let running tasks finish within the grace, release the rest."""
        self._stopping.set()
        self._wake.set()
        for context in self._running.values():
            context.stopping.set()
        if self._sweeper:
            self._sweeper.cancel()
        _, still_running = await asyncio.wait(self._slots, timeout=grace_s) if self._slots else (
            set(),
            set(),
        )
        for slot in still_running:
            slot.cancel()
        await asyncio.gather(*self._slots, return_exceptions=True)

    async def _slot_loop(self, worker_id: str) -> None:
        while not self._stopping.is_set():
            try:
                task = await queue.claim_next(
                    self.runtime.db, worker_id, frozenset(self.handlers), self.lease
                )
            except Exception:
                log.exception("claim failed", worker=worker_id)
                await self._sleep(LOOP_ERROR_PAUSE_S)
                continue
            if task is None:
                self._wake.clear()
                await self._sleep(self.settings.poll_interval_s)
                continue
            await self._run(task, worker_id)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def _run(self, task: Task, worker_id: str) -> None:
        context = TaskContext(self.runtime, task, worker_id)
        self._running[worker_id] = context
        log.info("task started", task_id=str(task.id), task_type=task.task_type)
        await self.runtime.bus.publish(lifecycle_event("task.started", task))
        beat = asyncio.create_task(self._heartbeat(context))
        try:
            await self._execute(context, task)
        except asyncio.CancelledError:
            await self._release(context)
            raise
        finally:
            beat.cancel()
            self._running.pop(worker_id, None)

    async def _execute(self, context: TaskContext, task: Task) -> None:
        handler = self.handlers[task.task_type]
        try:
            result = await handler(context, task)
        except RetryLaterError as exc:
            await self._record(context, "reschedule", delay=exc.delay_s, error=str(exc))
        except PermanentTaskError as exc:
            await self._record(context, "fail", error=str(exc), permanent=True)
        except Exception as exc:
            log.exception("task failed", task_id=str(task.id), task_type=task.task_type)
            await self._record(context, "fail", error=f"{type(exc).__name__}: {exc}")
        else:
            await self._record(context, "finish", result=result)

    async def _record(self, context: TaskContext, outcome: str, **details: Any) -> None:
        await context.finish_progress()
        tasks = self.runtime.settings.tasks
        async with self.runtime.db.write() as session:
            if outcome == "finish":
                task = await queue.finish(
                    session, context.task_id, context.worker_id, result=details["result"]
                )
            elif outcome == "reschedule":
                task = await queue.reschedule(
                    session,
                    context.task_id,
                    context.worker_id,
                    delay=timedelta(seconds=details["delay"]),
                )
            else:
                task = await queue.fail(
                    session,
                    context.task_id,
                    context.worker_id,
                    error=details["error"],
                    permanent=details.get("permanent", False),
                    backoff=(tasks.retry_base_s, tasks.retry_max_s),
                )
        if task is None:
            log.warning("lease lost; outcome dropped", task_id=str(context.task_id))
            return
        await self._announce(task, context)

    async def _announce(self, task: Task, context: TaskContext) -> None:
        name = {
            "completed": "task.completed",
            "cancelled": "task.cancelled",
            "failed": "task.failed",
        }.get(task.status, "task.retrying")
        log.info("task finished", task_id=str(task.id), task_type=task.task_type, status=task.status)
        for event in context.pending_events:
            await self.runtime.bus.publish(event)
        await self.runtime.bus.publish(lifecycle_event(name, task))

    async def _release(self, context: TaskContext) -> None:
        async with self.runtime.db.write() as session:
            task = await queue.release(session, context.task_id, context.worker_id)
        if task is not None:
            log.info("task released", task_id=str(task.id))
            await self.runtime.bus.publish(lifecycle_event("task.released", task))

    async def _heartbeat(self, context: TaskContext) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat_s)
            try:
                cancel = await queue.heartbeat(
                    self.runtime.db, context.task_id, context.worker_id, self.lease
                )
            except Exception:
                log.exception("heartbeat failed", task_id=str(context.task_id))
                continue
            if cancel is None or cancel:
                context.cancelled.set()

    async def _sweep_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.sweep()
            except Exception:
                log.exception("stale sweep failed")
            await asyncio.sleep(SWEEP_EVERY_S)

    async def sweep(self) -> list[Task]:
        """Recover expired leases (§3.7)."""
        async with self.runtime.db.write() as session:
            recovered = await queue.recover_stale(
                session, skip_locked=not self.runtime.db.is_sqlite
            )
        for task in recovered:
            log.warning("lease expired", task_id=str(task.id), status=task.status)
            await self.runtime.bus.publish(lifecycle_event("task.released", task))
        return recovered
