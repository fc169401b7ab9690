"""The background parts of a process and their order (platform §1.2 steps 8–12, §1.3).

Start: instance registry and heartbeat, the LISTEN connection (PostgreSQL), the worker pool,
the scheduler loop, then a worker- or scheduler-only process's metrics listener. Stop, in the
reverse spirit: end SSE streams, stop firing and claiming, give running tasks the shutdown
grace, release the rest, then leave the registry.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence

import structlog
from sqlalchemy.exc import SQLAlchemyError

from colophon.logs import set_process_identity
from colophon.plugins.supervisor import start_supervisor, stop_supervisor
from colophon.runtime import Runtime
from colophon.system import instances
from colophon.system.metrics_listener import MetricsListener
from colophon.system.scheduler_loop import PeriodicWork, SchedulerLoop
from colophon.tasks.context import AbandonedHook, Handler
from colophon.tasks.notify import PgListener, listen_conninfo
from colophon.tasks.service import task_event_rebuilder
from colophon.tasks.worker import Worker

log = structlog.get_logger(__name__)


class RoleSet:
    """Starts and stops what this process's roles need besides the api's HTTP listener."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        handlers: Mapping[str, Handler],
        abandoned_hooks: Mapping[str, AbandonedHook],
        periodic_work: Sequence[PeriodicWork],
        metrics_listener: MetricsListener | None = None,
    ) -> None:
        self.runtime = runtime
        self.metrics_listener = metrics_listener
        self.worker: Worker | None = None
        self.scheduler: SchedulerLoop | None = None
        self.listener: PgListener | None = None
        self.hurried = False
        self._handlers = handlers
        self._abandoned_hooks = abandoned_hooks
        self._periodic_work = periodic_work
        self._heartbeat: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        runtime = self.runtime
        self._loop = asyncio.get_running_loop()
        if self.metrics_listener is not None:
            self.metrics_listener.bind()  # a taken port fails before anything has started
        set_process_identity(
            instance=str(runtime.instance_id), role=",".join(sorted(runtime.roles))
        )
        await instances.register(runtime)
        self._heartbeat = asyncio.create_task(instances.heartbeat_forever(runtime))
        if not runtime.db.is_sqlite:
            self.listener = PgListener(
                listen_conninfo(runtime.settings.database_url),
                runtime.bus,
                origin=runtime.instance_id,
                rebuild=task_event_rebuilder(runtime.db),
            )
            await self.listener.start()
        await start_supervisor(runtime)  # plugin processes start lazily, on first call
        if "worker" in runtime.roles:
            self.worker = Worker(runtime, self._handlers, self._abandoned_hooks)
            self.worker.start()
        if "scheduler" in runtime.roles:
            self.scheduler = SchedulerLoop(runtime, self._periodic_work)
            self.scheduler.start()
        if self.metrics_listener is not None:
            await self.metrics_listener.start()  # last: reachable means ready (§1.2 step 13)
        log.info("roles_started", roles=sorted(runtime.roles))

    def request_shutdown(self) -> None:
        """Signal-safe: the first steps of §1.3, scheduled on the event loop."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._begin_shutdown)

    def request_hurry(self) -> None:
        """Signal-safe: a second signal skips the grace; running tasks are released now."""
        self.hurried = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._hurry)

    def _begin_shutdown(self) -> None:
        self.runtime.bus.close_streams()
        if self.scheduler is not None:
            self.scheduler.stop_firing()
        if self.worker is not None:
            self.worker.stop_claiming()

    def _hurry(self) -> None:
        self._begin_shutdown()
        if self.worker is not None:
            self.worker.hurry()

    async def stop(self) -> None:
        """Stop in order; returns once tasks finished or were released."""
        self._begin_shutdown()
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.worker is not None:
            grace = 0.0 if self.hurried else self.runtime.settings.server.shutdown_grace_s
            await self.worker.stop(grace)
        if self.metrics_listener is not None:
            # Only now: liveness probes keep passing while running tasks use their grace.
            await self.metrics_listener.stop()
        await stop_supervisor(self.runtime)  # after the tasks that call plugins (plugins §4.8)
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            await asyncio.gather(self._heartbeat, return_exceptions=True)
        if self.listener is not None:
            await self.listener.stop()
        with contextlib.suppress(SQLAlchemyError, OSError):
            await instances.unregister(self.runtime)
        log.info("roles_stopped")
