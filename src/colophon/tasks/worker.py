"""The worker pool: claim, run with a heartbeat, record the outcome (platform §3.4–§3.8)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.runtime import Runtime
from colophon.system import metrics
from colophon.tasks import queue
from colophon.tasks.context import (
    AbandonedHook,
    Handler,
    PermanentTaskError,
    RetryLaterError,
    TaskContext,
)
from colophon.tasks.events import RESYNC, Event
from colophon.tasks.models import Task
from colophon.tasks.service import CANCEL_REQUESTED, TASKS_READY, announce
from colophon.tasks.task_events import OUTCOME_EVENTS

log = structlog.get_logger(__name__)
SWEEP_EVERY_S = 15.0
LOOP_ERROR_PAUSE_S = 5.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a handler's run came to, before it is recorded."""

    kind: Literal["finish", "fail", "reschedule"]
    result: dict[str, object] | None = None
    error: str | None = None
    permanent: bool = False
    delay: timedelta = timedelta()


async def run_handler(handler: Handler, context: TaskContext, task: Task) -> Outcome:
    """Run one handler; this is the task boundary, where any error becomes the task's."""
    try:
        result = await handler(context, task)
    except RetryLaterError as exc:
        return Outcome("reschedule", error=str(exc), delay=timedelta(seconds=exc.delay_s))
    except PermanentTaskError as exc:
        return Outcome("fail", error=str(exc), permanent=True)
    except Exception as exc:
        log.exception("task_error")
        return Outcome("fail", error=f"{type(exc).__name__}: {exc}")
    return Outcome("finish", result=result)


def sweep_interval_s(lease_s: float) -> float:
    """Every 15 s (§3.7), or more often when a lease is shorter than 30 s (test settings)."""
    return min(SWEEP_EVERY_S, lease_s / 2)


class Worker:
    """``worker.concurrency`` slots claiming tasks of the types it has handlers for."""

    def __init__(
        self,
        runtime: Runtime,
        handlers: Mapping[str, Handler],
        abandoned_hooks: Mapping[str, AbandonedHook] | None = None,
    ) -> None:
        self.runtime = runtime
        self.handlers = dict(handlers)
        self.task_types = frozenset(self.handlers)
        self.abandoned_hooks = dict(abandoned_hooks or {})
        self.settings = runtime.settings.worker
        self.lease = timedelta(seconds=self.settings.lease_s)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._running: dict[str, TaskContext] = {}
        self._slots: list[asyncio.Task[None]] = []
        self._sweeper: asyncio.Task[None] | None = None

    def worker_id(self, slot: int) -> str:
        instance = str(self.runtime.instance_id)[:8]
        return f"{self.runtime.hostname}:{os.getpid()}:{instance}/{slot}"

    async def _on_event(self, event: Event) -> None:
        if event.name in (TASKS_READY, RESYNC):
            self._wake.set()
        elif event.name == CANCEL_REQUESTED and event.stream == "internal":
            for context in self._running.values():
                if str(context.task_id) == event.data.get("taskId"):
                    context.cancel("cancel_requested")

    def start(self) -> None:
        self.runtime.bus.add_listener(self._on_event)
        self._slots = [
            asyncio.create_task(self._slot_loop(self.worker_id(slot)), name=f"worker-slot-{slot}")
            for slot in range(self.settings.concurrency)
        ]
        self._sweeper = asyncio.create_task(self._sweep_loop(), name="worker-sweeper")

    def stop_claiming(self) -> None:
        """Shutdown step 3: no new claims; running handlers see ``ctx.stopping``."""
        self._stopping.set()
        self._wake.set()
        for context in self._running.values():
            context.stopping.set()

    def hurry(self) -> None:
        """A second signal: interrupt running handlers now; their tasks are released."""
        self.stop_claiming()
        for slot in self._slots:
            slot.cancel()

    async def stop(self, grace_s: float) -> None:
        """Stop claiming; running tasks get ``grace_s`` to finish, then are released (§1.3)."""
        self.stop_claiming()
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._slots:
            _, late = await asyncio.wait(self._slots, timeout=grace_s)
            for slot in late:
                slot.cancel()
            await asyncio.gather(*self._slots, return_exceptions=True)
        if self._sweeper is not None:
            await asyncio.gather(self._sweeper, return_exceptions=True)
        self.runtime.bus.remove_listener(self._on_event)

    @property
    def running(self) -> int:
        return len(self._running)

    async def _slot_loop(self, worker_id: str) -> None:
        while not self._stopping.is_set():
            try:
                task = await self._claim(worker_id)
            except (SQLAlchemyError, OSError):
                log.exception("claim_failed", worker=worker_id)
                await self._sleep(LOOP_ERROR_PAUSE_S)
                continue
            if task is None:
                await self._sleep(self.settings.poll_interval_s)
                continue
            await self._run(task, worker_id)

    async def _claim(self, worker_id: str) -> Task | None:
        # Cleared before claiming, so a tasks.ready arriving during the claim is kept.
        self._wake.clear()
        async with queue.claim_session(self.runtime.db) as session:
            task = await queue.claim(session, worker_id, self.task_types, self.lease)
            if task is not None:
                await announce(session, self.runtime.bus, "task.started", task)
        return task

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)

    async def _run(self, task: Task, worker_id: str) -> None:
        context = TaskContext(self.runtime, task, worker_id)
        with structlog.contextvars.bound_contextvars(
            taskId=str(task.id), taskType=task.task_type, worker=worker_id
        ):
            if self._stopping.is_set():
                await self._release(context)
                return
            self._running[worker_id] = context
            log.info("task_started", attempt=task.attempts)
            if task.started_at is not None:
                wait_s = max((task.started_at - task.scheduled_for).total_seconds(), 0.0)
                metrics.TASK_QUEUE_WAIT.labels(type=task.task_type).observe(wait_s)
            beat = asyncio.create_task(self._heartbeat(context))
            started = time.monotonic()
            try:
                outcome = await run_handler(self.handlers[task.task_type], context, task)
                await self._record(context, outcome, time.monotonic() - started)
            except asyncio.CancelledError:
                # Shutdown grace is over: give the task back without using its attempt.
                await asyncio.shield(self._release(context))
                raise
            finally:
                beat.cancel()
                self._running.pop(worker_id, None)

    async def _record(self, context: TaskContext, outcome: Outcome, duration_s: float) -> None:
        await context.finish_progress()
        bus = self.runtime.bus
        async with self.runtime.db.write() as session:
            task = await self._transition(context, outcome, session)
            if task is not None:
                for event in context.pending_events:
                    bus.publish_after_commit(session, event)
                await announce(session, bus, OUTCOME_EVENTS[task.status], task)
        if task is None:
            log.warning("lease_lost_outcome_dropped", reason=context.cancel_reason)
            return
        label = "retrying" if task.status == "pending" else task.status
        metrics.TASK_RUNS.labels(type=task.task_type, outcome=label).inc()
        metrics.TASK_DURATION.labels(type=task.task_type, outcome=label).observe(duration_s)
        log.info("task_finished", status=task.status, error=task.last_error)

    async def _transition(
        self, context: TaskContext, outcome: Outcome, session: AsyncSession
    ) -> Task | None:
        if outcome.kind == "finish":
            return await queue.finish(
                session, context.task_id, context.worker_id, result=outcome.result
            )
        if outcome.kind == "reschedule":
            return await queue.reschedule(
                session, context.task_id, context.worker_id, delay=outcome.delay
            )
        settings = self.runtime.settings.tasks
        return await queue.fail(
            session,
            context.task_id,
            context.worker_id,
            error=outcome.error or "failed",
            permanent=outcome.permanent,
            backoff=(settings.retry_base_s, settings.retry_max_s),
        )

    async def _release(self, context: TaskContext) -> None:
        async with self.runtime.db.write() as session:
            task = await queue.release(session, context.task_id, context.worker_id)
            if task is not None:
                await announce(session, self.runtime.bus, "task.released", task)
        if task is not None:
            metrics.TASK_RUNS.labels(type=task.task_type, outcome="released").inc()
            log.info("task_released")

    async def _heartbeat(self, context: TaskContext) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat_s)
            try:
                cancel_requested = await queue.heartbeat(
                    self.runtime.db, context.task_id, context.worker_id, self.lease
                )
            except (SQLAlchemyError, OSError):
                log.exception("heartbeat_failed")
                continue
            if cancel_requested is None:
                context.cancel("lease_lost")
                log.warning("lease_lost")
                return
            if cancel_requested:
                context.cancel("cancel_requested")

    async def _sweep_loop(self) -> None:
        interval = sweep_interval_s(self.settings.lease_s)
        while not self._stopping.is_set():
            try:
                await self.sweep()
            except (SQLAlchemyError, OSError):
                log.exception("stale_sweep_failed")
            await asyncio.sleep(interval)

    async def sweep(self) -> list[Task]:
        """Recover expired leases (§3.7); failed ones run their type's ``on_abandoned``."""
        async with self.runtime.db.write() as session:
            recovered = await queue.recover_stale(session)
            for task in recovered:
                name = "task.released" if task.status == "pending" else "task.failed"
                await announce(session, self.runtime.bus, name, task)
        for task in recovered:
            log.warning(
                "lease_expired", taskId=str(task.id), taskType=task.task_type, status=task.status
            )
            label = "released" if task.status == "pending" else "failed"
            metrics.TASK_RUNS.labels(type=task.task_type, outcome=label).inc()
            hook = self.abandoned_hooks.get(task.task_type)
            if hook is not None and task.status == "failed":
                await hook(self.runtime, task)
        if recovered:
            self._wake.set()
        return recovered
