"""Maintenance and the scheduler loop (platform §1.4, §1.5, §3.8)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from colophon.db.clock import utcnow
from colophon.runtime import Runtime
from colophon.system.maintenance import maintenance_lock, run_maintenance
from colophon.system.scheduler_loop import PeriodicWork, SchedulerLoop, next_wait
from colophon.tasks import queue
from colophon.tasks.events import internal_message
from colophon.tasks.models import Task
from tests.tasks.handlers import NOOP


async def finished_task(runtime: Runtime, *, days_ago: float) -> None:
    async with runtime.db.write() as session:
        enqueued = await queue.enqueue(session, NOOP)
        await queue.request_cancel(session, enqueued.task.id)
        await session.execute(
            update(Task)
            .where(Task.id == enqueued.task.id)
            .values(completed_at=utcnow() - timedelta(days=days_ago))
        )


async def test_maintenance_deletes_finished_tasks_past_retention_only(runtime: Runtime) -> None:
    """§3.8: retentionDays (7) after completed_at; active tasks are never touched."""
    await finished_task(runtime, days_ago=8)
    await finished_task(runtime, days_ago=6)
    async with runtime.db.write() as session:
        await queue.enqueue(session, NOOP)

    report = await run_maintenance(runtime)

    assert report is not None and report["finished_tasks"] == 1
    async with runtime.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Task)) == 2


@pytest.mark.pg_only
async def test_only_the_lock_holder_runs_maintenance(runtime: Runtime, backend: str) -> None:
    """§1.5: on PostgreSQL one scheduler at a time holds the maintenance advisory lock."""
    if backend != "postgresql":
        pytest.skip("the advisory lock exists on PostgreSQL only")
    async with maintenance_lock(runtime) as held:
        assert held
        assert await run_maintenance(runtime) is None  # another holder: skipped
    assert await run_maintenance(runtime) is not None


def test_the_wait_is_what_the_work_asked_for_within_its_maximum() -> None:
    hour = timedelta(hours=1)
    assert next_wait(None, hour) == hour
    assert next_wait(timedelta(seconds=5), hour) == timedelta(seconds=5)
    assert next_wait(timedelta(hours=3), hour) == hour
    assert next_wait(timedelta(seconds=-1), hour) == timedelta()


async def test_periodic_work_is_woken_by_its_message_and_stops_cleanly(
    runtime: Runtime,
) -> None:
    """§1.4 rule 5: a message such as jobs.changed wakes the loop before its next tick."""
    rounds: list[int] = []
    first_round, second_round = asyncio.Event(), asyncio.Event()

    async def run(_: Runtime) -> timedelta:
        rounds.append(len(rounds))
        (first_round if len(rounds) == 1 else second_round).set()
        return timedelta(hours=1)

    hourly = PeriodicWork(
        "jobs", run, max_wait=timedelta(hours=1), wake_on=frozenset({"jobs.changed"})
    )
    loop = SchedulerLoop(runtime, [hourly])
    loop.start()
    async with asyncio.timeout(10):
        await first_round.wait()
        await runtime.bus.deliver_locally(internal_message("jobs.changed"))
        await second_round.wait()
    await loop.stop()

    assert rounds == [0, 1]
