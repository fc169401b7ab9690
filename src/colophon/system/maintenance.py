"""Maintenance: hourly clean-up run by the scheduler role (platform §1.5).

Deletes finished tasks past retention, expired sessions and old login attempts, and dead
instance rows, then whatever features add. Every step is idempotent; on PostgreSQL only the
scheduler holding the maintenance advisory lock runs a round.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from colophon.auth.service import purge_expired
from colophon.runtime import Runtime
from colophon.system import instances
from colophon.system.scheduler_loop import PeriodicWork
from colophon.tasks import queue

log = structlog.get_logger(__name__)
MAINTENANCE_LOCK_KEY = 727_003  # pg_advisory_lock key: one maintenance round at a time
EVERY = timedelta(hours=1)
FIRST_AFTER = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class MaintenanceStep:
    """One idempotent clean-up; ``run`` returns how many rows it removed, when it knows."""

    name: str
    run: Callable[[Runtime], Awaitable[int | None]]


async def purge_old_tasks(runtime: Runtime) -> int:
    """Finished tasks older than ``tasks.retentionDays`` (§3.8)."""
    retention = timedelta(days=runtime.settings.tasks.retention_days)
    async with runtime.db.write() as session:
        return await queue.purge_finished(session, retention)


async def purge_auth_rows(runtime: Runtime) -> None:
    await purge_expired(runtime.db, runtime.settings.auth)


async def forget_dead_instances(runtime: Runtime) -> None:
    await instances.forget_dead(runtime)


CORE_STEPS = (
    MaintenanceStep("finished_tasks", purge_old_tasks),
    MaintenanceStep("sessions_and_login_attempts", purge_auth_rows),
    MaintenanceStep("dead_instances", forget_dead_instances),
)


@asynccontextmanager
async def maintenance_lock(runtime: Runtime) -> AsyncIterator[bool]:
    """True when this process may run a round: always on SQLite, lock holder on PostgreSQL."""
    if runtime.db.is_sqlite:
        yield True
        return
    # A session-level advisory lock lives on one connection: keep it for the whole round,
    # so a crash (connection closed) releases it too.
    async with runtime.db.write_engine.connect() as connection:
        held = bool(
            await connection.scalar(select(func.pg_try_advisory_lock(MAINTENANCE_LOCK_KEY)))
        )
        await connection.commit()
        try:
            yield held
        finally:
            if held:
                await connection.scalar(select(func.pg_advisory_unlock(MAINTENANCE_LOCK_KEY)))
                await connection.commit()


async def run_maintenance(
    runtime: Runtime, steps: Sequence[MaintenanceStep] = CORE_STEPS
) -> dict[str, int | None] | None:
    """One round; the rows each step removed, or None when another scheduler holds the lock."""
    async with maintenance_lock(runtime) as held:
        if not held:
            log.debug("maintenance_skipped_locked")
            return None
        report: dict[str, int | None] = {}
        for step in steps:
            try:
                report[step.name] = await step.run(runtime)
            except SQLAlchemyError:
                # Steps are independent and idempotent: the next round retries this one.
                log.exception("maintenance_step_failed", step=step.name)
        log.info("maintenance_done", **{name: count for name, count in report.items()})
        return report


def maintenance_work(steps: Sequence[MaintenanceStep] = CORE_STEPS) -> PeriodicWork:
    """Maintenance as the scheduler role's periodic work: 60 s after start, then hourly."""

    async def run(runtime: Runtime) -> timedelta:
        await run_maintenance(runtime, steps)
        return EVERY

    return PeriodicWork("maintenance", run, max_wait=EVERY, first_delay=FIRST_AFTER)
