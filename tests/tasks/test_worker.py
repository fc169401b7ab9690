"""The worker pool in one process, on both databases (platform §3.5–§3.10)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from colophon.db.clock import utcnow
from colophon.runtime import Runtime
from colophon.tasks.events import Event
from colophon.tasks.models import Task
from colophon.tasks.service import cancel_task, submit
from colophon.tasks.worker import Worker
from tests.tasks.handlers import FAIL, HANDLERS, PROGRESS, SLEEP

WAIT_S = 20


@pytest.fixture
async def events(runtime: Runtime) -> AsyncIterator[list[Event]]:
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    runtime.bus.add_listener(record)
    yield seen
    runtime.bus.remove_listener(record)


@pytest.fixture
async def worker(runtime: Runtime) -> AsyncIterator[Worker]:
    pool = Worker(runtime, HANDLERS)
    pool.start()
    yield pool
    await pool.stop(5)


async def enqueue(runtime: Runtime, task_type: str, **params: Any) -> uuid.UUID:
    async with runtime.db.write() as session:
        enqueued = await submit(session, runtime.bus, task_type, params=params)
    return enqueued.task.id


async def wait_for_status(runtime: Runtime, task_id: uuid.UUID, *statuses: str) -> Task:
    async with asyncio.timeout(WAIT_S):
        while True:
            async with runtime.db.read() as session:
                task = await session.get(Task, task_id)
            if task is not None and task.status in statuses:
                return task
            await asyncio.sleep(0.02)


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT_S):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)


def names_of(events: list[Event], task_id: uuid.UUID) -> list[str]:
    return [e.name for e in events if e.stream == "tasks" and e.data["taskId"] == str(task_id)]


async def test_a_task_runs_with_started_progress_completed_in_order(
    runtime: Runtime, worker: Worker, events: list[Event]
) -> None:
    """Checklist: task.started, ≥ 1 task.progress with counts, then task.completed."""
    task_id = await enqueue(runtime, SLEEP, steps=3, step_s=0.01)

    task = await wait_for_status(runtime, task_id, "completed")

    assert task.result == {"done": 3}
    assert task.progress == {
        "current": 3,
        "total": 3,
        "message": "step 3",
        "counts": {"succeeded": 3, "failed": 0},
    }
    names = names_of(events, task_id)
    assert names[0:2] == ["task.queued", "task.started"] and names[-1] == "task.completed"
    assert "task.progress" in names
    # The handler's own event goes out with the outcome's commit.
    assert any(e.name == "library.updated" for e in events)


async def test_progress_is_throttled_and_the_final_value_delivered(
    runtime: Runtime, worker: Worker, events: list[Event]
) -> None:
    """§3.10: at most 10 task.progress per second per task; the latest is always delivered."""
    task_id = await enqueue(runtime, PROGRESS, steps=200, gap_s=0)
    await wait_for_status(runtime, task_id, "completed")

    progress = [e.data for e in events if e.name == "task.progress"]
    # 200 reports in a burst: the first goes out, the rest collapse into the final one.
    assert len(progress) < 10
    assert progress[-1]["current"] == 200


async def test_a_failure_with_attempts_left_is_retried_later(
    runtime: Runtime, worker: Worker, events: list[Event]
) -> None:
    """§3.6 rule 2: back to pending at the backoff time, event task.retrying with retryAt."""
    task_id = await enqueue(runtime, FAIL, mode="error")
    await until(lambda: "task.retrying" in names_of(events, task_id))
    task = await wait_for_status(runtime, task_id, "pending")

    assert task.last_error == "RuntimeError: boom"
    retrying = next(e for e in events if e.name == "task.retrying")
    assert retrying.data["retryAt"] is not None and retrying.data["attempts"] == 1


async def test_a_cancel_stops_a_running_task_in_process(runtime: Runtime, worker: Worker) -> None:
    """§3.5: cancel of a processing task → cancel_requested → handler stops → cancelled."""
    task_id = await enqueue(runtime, SLEEP, steps=1000, step_s=0.05)
    await wait_for_status(runtime, task_id, "processing")

    answer = await cancel_task(runtime.db, runtime.bus, task_id)
    task = await wait_for_status(runtime, task_id, "cancelled")

    assert answer.message == "Cancellation requested"
    assert task.result is not None and task.result["done"] < 1000  # kept on cancel


async def test_shutdown_releases_a_task_still_running_after_the_grace(
    runtime: Runtime, events: list[Event]
) -> None:
    """§1.3 rule 4: pending again, attempts unchanged, task.released."""
    pool = Worker(runtime, HANDLERS)
    pool.start()
    task_id = await enqueue(runtime, SLEEP, block_first_attempt=True)
    await wait_for_status(runtime, task_id, "processing")

    await pool.stop(0.1)

    async with runtime.db.read() as session:
        task = await session.get(Task, task_id)
    assert task is not None
    assert (task.status, task.attempts, task.locked_by) == ("pending", 0, None)
    assert "task.released" in names_of(events, task_id)


async def test_a_lost_lease_cancels_the_handler_and_drops_its_outcome(
    runtime: Runtime,
) -> None:
    """§3.5 rule 2: a heartbeat matching no row sets ctx.cancelled; the outcome is discarded."""
    fast = runtime.settings.worker.model_copy(update={"heartbeat_s": 0.05, "lease_s": 0.15})
    runtime.settings = runtime.settings.model_copy(update={"worker": fast})
    pool = Worker(runtime, HANDLERS)
    pool.start()
    try:
        task_id = await enqueue(runtime, SLEEP, steps=1000, step_s=0.02)
        await wait_for_status(runtime, task_id, "processing")
        async with runtime.db.write() as session:
            await session.execute(
                update(Task).where(Task.id == task_id).values(locked_by="another-worker")
            )
        await until(lambda: pool.running == 0)
    finally:
        await pool.stop(1)

    async with runtime.db.read() as session:
        task = await session.get(Task, task_id)
    assert task is not None
    assert (task.status, task.locked_by, task.result) == ("processing", "another-worker", None)


async def test_the_sweeper_runs_the_on_abandoned_hook_of_a_failed_task(
    runtime: Runtime,
) -> None:
    """§3.7: a task failed by lease expiry runs its type's on_abandoned hook."""
    abandoned: list[uuid.UUID] = []

    async def on_abandoned(_: Runtime, task: Task) -> None:
        abandoned.append(task.id)

    pool = Worker(runtime, {}, {PROGRESS: on_abandoned})
    task_id = await enqueue(runtime, PROGRESS)  # max_attempts 1
    async with runtime.db.write() as session:
        await session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(
                status="processing",
                attempts=1,
                locked_by="dead",
                locked_until=utcnow() - timedelta(seconds=1),
            )
        )

    recovered = await pool.sweep()

    assert [task.status for task in recovered] == ["failed"]
    assert abandoned == [task_id]
