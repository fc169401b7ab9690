"""Dedup, cancellation and events across real processes (platform §3.3, §3.5, §4.4)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from colophon.runtime import Runtime
from colophon.tasks.models import Task
from colophon.tasks.service import submit
from tests.conftest import ADMIN_PASSWORD
from tests.multiprocess.conftest import REPO, Cluster, free_port, wait_for
from tests.sse_client import sse_stream
from tests.tasks.handlers import SLEEP

pytestmark = pytest.mark.pg_only

ENQUEUE_SCRIPT = """
import asyncio, sys, time
from colophon.config import load_settings
from colophon.runtime import Runtime
from colophon.tasks.service import submit
import tests.tasks.handlers

async def main(url, start_at):
    settings = load_settings(None, environ={"COLOPHON_DATABASE__URL": url}).settings
    runtime = Runtime.from_settings(settings, roles=frozenset())
    time.sleep(max(start_at - time.time(), 0))
    for _ in range(5):
        async with runtime.db.write() as session:
            enqueued = await submit(session, runtime.bus, "test_noop", dedup_key="same-key")
        print("RESULT", enqueued.task.id, enqueued.created, flush=True)
    await runtime.db.dispose()

asyncio.run(main(sys.argv[1], float(sys.argv[2])))
"""


def _race_enqueuers(database_url: str) -> list[str]:
    start_at = time.time() + 3  # let all interpreters start, then race
    enqueuers = [
        subprocess.Popen(
            [sys.executable, "-c", ENQUEUE_SCRIPT, database_url, str(start_at)],
            cwd=REPO,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(6)
    ]
    return [process.communicate(timeout=60)[0].decode() for process in enqueuers]


async def test_concurrent_enqueues_from_many_processes_keep_one_active_task(
    database_url: str, control: Runtime
) -> None:
    """§3.3: the partial unique index settles the race; every caller gets the same task."""
    outputs = await asyncio.to_thread(_race_enqueuers, database_url)

    answers = [
        line.split()[1:]
        for output in outputs
        for line in output.splitlines()
        if line.startswith("RESULT ")
    ]
    assert len(answers) == 30
    assert len({task_id for task_id, _ in answers}) == 1
    assert sum(created == "True" for _, created in answers) == 1
    async with control.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Task)) == 1


async def login(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    client.headers["X-Colophon-Csrf"] = "1"


async def api_ready(client: httpx.AsyncClient) -> bool:
    try:
        return (await client.get("/api/v1/health/live")).status_code == 200
    except httpx.TransportError:
        return False


async def task_status(runtime: Runtime, task_id: uuid.UUID) -> Task | None:
    async with runtime.db.read() as session:
        return await session.get(Task, task_id)


async def start_sleep_task(runtime: Runtime, **params: object) -> uuid.UUID:
    async with runtime.db.write() as session:
        enqueued = await submit(session, runtime.bus, SLEEP, params=params)
    return enqueued.task.id


async def test_a_cancel_sent_to_the_api_stops_a_task_in_a_worker_process(
    cluster: Cluster, control: Runtime
) -> None:
    """§3.5 rule 3: the internal message reaches the owning worker in another process.

    Heartbeats are 20 s apart here, so only the message can stop the task within the wait.
    """
    port = free_port()
    cluster.api(port)
    slow_heartbeat = {"COLOPHON_WORKER__HEARTBEAT_S": "20", "COLOPHON_WORKER__LEASE_S": "60"}
    cluster.worker(concurrency=1, **slow_heartbeat)
    task_id = await start_sleep_task(control, steps=600, step_s=0.1)

    async def running() -> bool:
        task = await task_status(control, task_id)
        return task is not None and task.status == "processing"

    await wait_for(running, timeout_s=90, what="the worker to start the task")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        await wait_for(lambda: api_ready(client), timeout_s=90, what="the api process")
        await login(client)
        response = await client.post(f"/api/v1/tasks/{task_id}/cancel")
    assert response.json()["message"] == "Cancellation requested"

    async def cancelled() -> Task | None:
        task = await task_status(control, task_id)
        return task if task and task.status == "cancelled" else None

    task = await wait_for(cancelled, timeout_s=15, what="the task to end cancelled")
    assert task.result is not None and task.result["done"] < 600  # stopped early, result kept


async def test_an_sse_client_of_one_process_sees_a_task_run_by_another(
    cluster: Cluster, control: Runtime
) -> None:
    """§4.4: task.started, task.progress with counts, then task.completed, in order."""
    port = free_port()
    cluster.api(port)
    cluster.worker(concurrency=1)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        await wait_for(lambda: api_ready(client), timeout_s=90, what="the api process")
        await login(client)
        async with sse_stream(client, "/api/v1/events/tasks") as stream:
            await wait_for(lambda: _true(bool(stream.named("ready"))), timeout_s=30, what="ready")
            task_id = str(await start_sleep_task(control, steps=5, step_s=0.2))

            async def completed() -> bool:
                return "task.completed" in stream.of_task(task_id)

            await wait_for(completed, timeout_s=90, what="task.completed over SSE")

    names = stream.of_task(task_id)
    assert names[0] == "task.queued"  # from the test process, through NOTIFY
    assert names.index("task.started") < names.index("task.progress")
    assert names[-1] == "task.completed"
    progress = [data for name, data in stream.events if name == "task.progress"]
    assert progress[-1]["current"] == 5 and progress[-1]["counts"] == {"succeeded": 5, "failed": 0}
    assert {"taskId", "jobId", "libraryId", "total", "message"} <= set(progress[-1])


async def _true(value: bool) -> bool:
    return value


async def test_worker_json_logs_carry_the_task_id(cluster: Cluster, control: Runtime) -> None:
    """§9.1: JSON lines; lines written while a task runs carry taskId and taskType."""
    worker = cluster.worker(concurrency=1)
    task_id = await start_sleep_task(control, steps=1, step_s=0)

    async def done() -> bool:
        task = await task_status(control, task_id)
        return task is not None and task.status == "completed"

    await wait_for(done, timeout_s=90, what="the task")
    cluster.stop_all()
    log_path: Path = worker.log_path  # type: ignore[attr-defined]
    text = await asyncio.to_thread(log_path.read_text)
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    started = [line for line in lines if line["event"] == "task_started"]
    assert started and started[0]["taskId"] == str(task_id)
    assert started[0]["taskType"] == SLEEP and started[0]["role"] == "worker"
    assert {"ts", "level", "logger", "instance"} <= set(started[0])
    assert any(line["event"] == "roles_stopped" for line in lines)  # graceful exit


async def test_sigterm_releases_a_running_task_without_using_an_attempt(
    cluster: Cluster, control: Runtime
) -> None:
    """§1.3: past the grace the task goes back to pending with its attempts unchanged."""
    worker = cluster.worker(concurrency=1, COLOPHON_SERVER__SHUTDOWN_GRACE_S="1")
    task_id = await start_sleep_task(control, block_first_attempt=True)

    async def running() -> bool:
        task = await task_status(control, task_id)
        return task is not None and task.status == "processing"

    await wait_for(running, timeout_s=90, what="the worker to start the task")
    worker.terminate()
    assert await asyncio.to_thread(worker.wait, 30) == 0

    task = await task_status(control, task_id)
    assert task is not None
    assert (task.status, task.attempts, task.locked_by) == ("pending", 0, None)
