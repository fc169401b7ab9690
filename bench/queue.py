"""Task queue throughput and worker → SSE event latency (platform §3, §4).

Throughput: N no-op tasks are inserted not yet due, then made due in one statement (plus a
``tasks.ready`` message); the clock runs from that commit until the last task is completed.
PostgreSQL runs 1 and 4 ``colophon worker`` processes (2 slots each) on a throw-away
cluster; SQLite runs the worker pool in this process (SQLite allows one process).

Latency: an api process and a worker process on PostgreSQL; an SSE client of the api process
receives ``task.progress`` events of a task the worker runs. Each event's message carries the
worker's wall-clock send time, so latency = receive time − send time (same host).

    .venv/bin/python bench/queue.py [--tasks 2000] [--events 60]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file shares its name with the standard library's ``queue`` module, which asyncio
# imports: take bench/ off the import path before anything else is imported.
REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from datetime import timedelta  # noqa: E402

import httpx  # noqa: E402
import psycopg  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402
from tests.pg_cluster import start_cluster  # noqa: E402
from tests.sse_client import sse_stream  # noqa: E402
from tests.tasks.handlers import HANDLERS, NOOP, PROGRESS  # noqa: E402

from colophon.config import Settings, load_settings  # noqa: E402
from colophon.db.clock import utcnow  # noqa: E402
from colophon.db.migrate import upgrade_to_head  # noqa: E402
from colophon.logs import configure_logging  # noqa: E402
from colophon.runtime import Runtime  # noqa: E402
from colophon.system.models import ServiceInstance  # noqa: E402
from colophon.tasks import queue  # noqa: E402
from colophon.tasks.events import internal_message  # noqa: E402
from colophon.tasks.models import Task  # noqa: E402
from colophon.tasks.service import submit  # noqa: E402
from colophon.tasks.worker import Worker  # noqa: E402

PASSWORD = "correct horse battery staple"
KEY = Fernet.generate_key().decode()
NOT_YET = timedelta(days=1)


def settings_for(url: str, data_dir: Path) -> Settings:
    environ = {"COLOPHON_DATABASE__URL": url, "COLOPHON_DATA_DIR": str(data_dir)}
    return load_settings(None, environ=environ).settings


def fresh_pg_database(admin_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    upgrade_to_head(url)
    return url


def spawn(url: str, data_dir: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COLOPHON_")}
    environment.update(
        PYTHONPATH=str(REPO),
        COLOPHON_DATABASE__URL=url,
        COLOPHON_DATA_DIR=str(data_dir),
        COLOPHON_TEST_TASK_HANDLERS="tests.tasks.handlers",
        COLOPHON_LOGGING__LEVEL="warning",
        COLOPHON_LOGGING__FORMAT="json",
        COLOPHON_ENCRYPTION_KEY=KEY,
        COLOPHON_ADMIN_PASSWORD=PASSWORD,
        **env,
    )
    command = [sys.executable, "-c", "from colophon.cli import main; main()", *args]
    return subprocess.Popen(
        command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


async def until(check: Callable[[], Awaitable[bool]], timeout_s: float, poll_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        await asyncio.sleep(poll_s)


async def insert_not_yet_due(runtime: Runtime, count: int) -> None:
    later = utcnow() + NOT_YET
    for start in range(0, count, 500):
        async with runtime.db.write() as session:
            for _ in range(min(500, count - start)):
                await queue.enqueue(session, NOOP, scheduled_for=later)


async def release_and_time(runtime: Runtime, count: int) -> float:
    """Make every task due at once and wake the workers; seconds until all completed."""
    async with runtime.db.write() as session:
        await session.execute(update(Task).values(scheduled_for=utcnow()))
        runtime.bus.publish_after_commit(session, internal_message("tasks.ready"))
    started = time.perf_counter()

    async def all_done() -> bool:
        async with runtime.db.read() as session:
            done = await session.scalar(select(func.count()).where(Task.status == "completed"))
        return done == count

    await until(all_done, timeout_s=600, poll_s=0.05)
    return time.perf_counter() - started


async def workers_registered(runtime: Runtime, expected: int) -> bool:
    async with runtime.db.read() as session:
        rows = list(await session.scalars(select(ServiceInstance.roles)))
    return sum("worker" in roles for roles in rows) >= expected


async def pg_throughput(admin_url: str, workers: int, tasks: int, data_dir: Path) -> float:
    url = fresh_pg_database(admin_url)
    runtime = Runtime.from_settings(settings_for(url, data_dir), roles=frozenset())
    processes = [spawn(url, data_dir, "worker", "--concurrency", "2") for _ in range(workers)]
    try:
        await until(lambda: workers_registered(runtime, workers), timeout_s=60, poll_s=0.2)
        await insert_not_yet_due(runtime, tasks)
        elapsed = await release_and_time(runtime, tasks)
    finally:
        stop(processes)
        await runtime.db.dispose()
    return tasks / elapsed


async def sqlite_throughput(tasks: int, data_dir: Path) -> float:
    url = f"sqlite:///{data_dir / 'bench.db'}"
    upgrade_to_head(url)
    runtime = Runtime.from_settings(settings_for(url, data_dir), roles=frozenset({"worker"}))
    worker = Worker(runtime, {NOOP: HANDLERS[NOOP]})
    try:
        await insert_not_yet_due(runtime, tasks)
        worker.start()
        elapsed = await release_and_time(runtime, tasks)
    finally:
        await worker.stop(5)
        await runtime.db.dispose()
    return tasks / elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def event_latency(admin_url: str, events: int, data_dir: Path) -> list[float]:
    """Milliseconds from the worker's ctx.progress call to the SSE client of another process."""
    url = fresh_pg_database(admin_url)
    runtime = Runtime.from_settings(settings_for(url, data_dir), roles=frozenset())
    port = free_port()
    api = spawn(url, data_dir, "serve", "--role", "api", "--host", "127.0.0.1", "--port", str(port))
    worker = spawn(url, data_dir, "worker", "--concurrency", "1")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await until(lambda: _live(client), timeout_s=60, poll_s=0.2)
            await client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}
            )
            await until(lambda: workers_registered(runtime, 1), timeout_s=60, poll_s=0.2)
            async with sse_stream(client, "/api/v1/events/tasks") as stream:
                await until(lambda: _has(stream.named("ready")), timeout_s=10, poll_s=0.05)
                # Gaps above the 100 ms throttle: every report is published at once.
                params = {"steps": events, "gap_s": 0.15}
                async with runtime.db.write() as session:
                    await submit(session, runtime.bus, PROGRESS, params=params)
                await until(
                    lambda: _has(stream.named("task.completed")), timeout_s=120, poll_s=0.05
                )
                received = [
                    (at - float(data["message"])) * 1000
                    for (name, data), at in zip(stream.events, stream.received_at, strict=True)
                    if name == "task.progress"
                ]
    finally:
        stop([api, worker])
        await runtime.db.dispose()
    return received


async def _live(client: httpx.AsyncClient) -> bool:
    try:
        return (await client.get("/api/v1/health/live")).status_code == 200
    except httpx.TransportError:
        return False


async def _has(items: list[object]) -> bool:
    return bool(items)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(fraction * (len(ordered) - 1)), len(ordered) - 1)]


async def main(tasks: int, events: int) -> None:
    configure_logging("warning", "console")
    cluster = start_cluster()
    if cluster is None:
        sys.exit("PostgreSQL binaries not found: cannot run the queue benchmark")
    admin_url = cluster.url("postgres")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            data_dir = Path(scratch)
            rates = {
                "PostgreSQL, 1 worker process": await pg_throughput(admin_url, 1, tasks, data_dir),
                "PostgreSQL, 4 worker processes": await pg_throughput(
                    admin_url, 4, tasks, data_dir
                ),
                "SQLite, 1 process": await sqlite_throughput(tasks, data_dir),
            }
            latencies = await event_latency(admin_url, events, data_dir)
    finally:
        cluster.stop()
    print(f"no-op tasks claimed and completed per second ({tasks} tasks, 2 slots per process)")
    for name, rate in rates.items():
        print(f"  {name:32} {rate:8.0f} tasks/s")
    print(f"worker → SSE event latency over {len(latencies)} task.progress events")
    print(f"  p50 {percentile(latencies, 0.5):.1f} ms   p95 {percentile(latencies, 0.95):.1f} ms")
    print(f"  mean {statistics.mean(latencies):.1f} ms   max {max(latencies):.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--events", type=int, default=60)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.tasks, arguments.events))
