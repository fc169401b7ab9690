"""Claiming across worker processes (platform §3.4, §3.7)."""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from colophon.runtime import Runtime
from colophon.system.models import ServiceInstance
from colophon.tasks.models import Task
from colophon.tasks.service import submit
from tests.multiprocess.conftest import Cluster, wait_for
from tests.tasks.handlers import NOOP, SLEEP

pytestmark = pytest.mark.pg_only
TASKS = 1000
WORKERS = 4


async def count_workers(runtime: Runtime) -> int:
    async with runtime.db.read() as session:
        rows = await session.scalars(select(ServiceInstance.roles))
        return sum(1 for roles in rows if "worker" in roles)


async def count_status(runtime: Runtime, status: str) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).where(Task.status == status)) or 0)


async def test_four_workers_run_a_thousand_tasks_each_exactly_once(
    cluster: Cluster, control: Runtime, tmp_path: Path
) -> None:
    """Checklist: concurrent workers never claim a task twice, and all tasks finish."""
    for _ in range(WORKERS):
        cluster.worker(concurrency=2)
    await wait_for(
        lambda: _at_least(count_workers(control), WORKERS), timeout_s=90, what="4 workers"
    )
    run_log = tmp_path / "runs.log"
    async with control.db.write() as session:
        for _ in range(TASKS):
            await submit(session, control.bus, NOOP, params={"log": str(run_log)})

    await wait_for(
        lambda: _at_least(count_status(control, "completed"), TASKS),
        timeout_s=90,
        what="1000 completed tasks",
        poll_s=0.5,
    )

    async with control.db.read() as session:
        attempts = list(await session.scalars(select(Task.attempts)))
    runs = run_log.read_text().splitlines()
    task_ids = [line.split()[0] for line in runs]
    processes = {line.split()[1].split(":")[1] for line in runs}
    # attempts increments at each claim: a task claimed twice would show 2.
    assert attempts == [1] * TASKS
    assert len(task_ids) == TASKS and len(set(task_ids)) == TASKS
    assert len(processes) >= 2  # the claims really were concurrent across processes


async def _at_least(count: object, minimum: int) -> bool:
    value = await count  # type: ignore[misc]
    return bool(value >= minimum)


async def test_a_killed_workers_task_is_reclaimed_and_completes(
    cluster: Cluster, control: Runtime
) -> None:
    """Checklist: after kill -9 the lease expires and another worker completes the task."""
    first = cluster.worker(concurrency=1)
    async with control.db.write() as session:
        enqueued = await submit(
            session, control.bus, SLEEP, params={"block_first_attempt": True, "steps": 3}
        )
    task_id = enqueued.task.id

    owner = await wait_for(
        lambda: _locked_by(control, task_id), timeout_s=90, what="the first claim"
    )
    assert f":{first.pid}:" in owner
    cluster.worker(concurrency=1)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()

    task = await wait_for(
        lambda: _finished(control, task_id), timeout_s=90, what="the task to be re-run"
    )
    assert task.status == "completed"
    assert task.attempts == 2  # the dead claim's attempt stays used (§3.7)
    assert task.result == {"done": 3}
    assert task.last_error == f"lease expired (worker {owner})"


async def _locked_by(runtime: Runtime, task_id: uuid.UUID) -> str | None:
    async with runtime.db.read() as session:
        task = await session.get(Task, task_id)
        return task.locked_by if task and task.progress else None


async def _finished(runtime: Runtime, task_id: uuid.UUID) -> Task | None:
    async with runtime.db.read() as session:
        task = await session.get(Task, task_id)
        return task if task and task.status in ("completed", "failed", "cancelled") else None
