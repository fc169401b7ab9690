# ruff: noqa: E402  (the sys.path fix below must run before the imports)
"""Load benchmarks: API latency while a run writes, a rate-limited provider, worker memory.

    .venv/bin/python bench/load.py [--api-series 2000] [--clients 32] [--rate-items 90]
                                   [--memory-series 5000] [--cases api,rate,memory]

- **api**: for SQLite and PostgreSQL (a throw-away cluster from the test suite's binaries),
  one all-roles app in this process (as ``colophon serve`` runs it), a library of
  ``--api-series`` series and a refresh run over them (echo, 5 ms, 4 in flight). While the
  run writes, ``--clients`` logged-in clients loop over GET jobs list / GET series list (page of
  50); p50/p95 of each request's wall time, from the client, through the ASGI app.
- **rate**: ``bench/limited_plugin.py`` (echo refusing more than 60 calls a minute with
  -32001) with the plugin row's ``rateLimitPerMinute`` 60; a run over ``--rate-items`` series
  (SQLite). Achieved rate = items committed / (run finished - first call), as a fraction of
  60/min; the -32001 count is ``rateLimitRetries`` plus items failed on rate limits.
- **memory**: a run over ``--memory-series`` series (SQLite, echo 0 ms, 8 in flight) through
  an in-process worker; the process's peak RSS (VmHWM, reset before the run) minus its RSS
  before the run, and the absolute peak.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's queue module for a script run from here.
BENCH = Path(__file__).resolve().parent
sys.path = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
sys.path.insert(0, str(BENCH.parent))

import argparse
import asyncio
import tempfile
import time
import uuid
from typing import Any

import httpx
import psycopg
from bench.jobs import MANIFEST, insert_identified_series, make_runtime, refresh_body
from tests.pg_cluster import start_cluster

from colophon.app import create_app, task_abandoned_hooks, task_handlers
from colophon.jobs import service
from colophon.jobs.models import LibraryJobRun
from colophon.library.models import Library
from colophon.plugins.models import Plugin
from colophon.plugins.supervisor import stop_supervisor
from colophon.runtime import Runtime
from colophon.tasks.worker import Worker

PASSWORD = "correct horse battery staple"
FINISHED = ("success", "partial", "failure", "cancelled")


async def seed(
    runtime: Runtime, series: int, *, args: list[str], admin_config: dict[str, Any], limit: int
) -> uuid.UUID:
    """A library of ``series`` identified series and the provider's plugin row."""
    library_id = uuid.uuid4()
    async with runtime.db.write() as session:
        session.add(Library(id=library_id, name="Bench", root_path="/bench"))
        session.add(
            Plugin(
                name="echo", display_name="Echo", command="python", args=args,
                manifest=MANIFEST, rate_limit_per_minute=limit, admin_config=admin_config,
                scopes=["series:detail", "series:bulk", "book:detail", "book:bulk"],
                permissions=["metadata:read", "metadata:write:*"],
            )
        )  # fmt: skip
    await insert_identified_series(runtime.db, library_id, series)
    return library_id


async def run_row(runtime: Runtime, run_id: uuid.UUID) -> LibraryJobRun:
    async with runtime.db.read() as session:
        run = await session.get(LibraryJobRun, run_id)
        assert run is not None
        return run


async def wait_status(
    runtime: Runtime, run_id: uuid.UUID, statuses: tuple[str, ...]
) -> LibraryJobRun:
    """Poll the run row (another task, not an event, changes it)."""
    while (run := await run_row(runtime, run_id)).status not in statuses:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return run


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def api_latency(backend: str, url: str, series: int, clients: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = make_runtime(Path(tmp), url, frozenset({"api", "worker", "scheduler"}))
        library_id = await seed(
            runtime, series, args=["-m", "colophon_plugins.echo"],
            admin_config={"latencyMs": 5}, limit=0,
        )  # fmt: skip
        job = await service.create_job(runtime, None, library_id, refresh_body(4))
        app = create_app(runtime, admin=("admin", PASSWORD))
        timings: dict[str, list[float]] = {"jobs list": [], "series list": []}
        errors = 0
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
            base = "http://bench"
            async with httpx.AsyncClient(transport=transport, base_url=base) as admin:
                login = {"username": "admin", "password": PASSWORD}
                assert (await admin.post("/api/v1/auth/login", json=login)).status_code == 200
                started = await service.run_now(
                    runtime, library_id, job.id, requested_by=None, created_by="cli"
                )
                await wait_status(runtime, started.run_id, ("running", *FINISHED))
                routes = {
                    "jobs list": f"/api/v1/libraries/{library_id}/jobs",
                    "series list": f"/api/v1/libraries/{library_id}/series?limit=50",
                }
                running = True

                async def client(index: int) -> None:
                    nonlocal errors
                    names = list(routes)
                    step = index
                    while running:
                        name = names[step % 2]
                        step += 1
                        began = time.perf_counter()
                        response = await admin.get(routes[name])
                        timings[name].append(time.perf_counter() - began)
                        errors += response.status_code != 200

                tasks = [asyncio.create_task(client(i)) for i in range(clients)]
                run = await wait_status(runtime, started.run_id, FINISHED)
                running = False
                await asyncio.gather(*tasks)
        await stop_supervisor(runtime)
        await runtime.db.dispose()
    duration = (run.finished_at - run.started_at).total_seconds()
    result: dict[str, Any] = {
        "backend": backend, "series": series, "clients": clients, "run_s": round(duration, 1),
        "run_status": run.status, "non_200": errors,
    }  # fmt: skip
    for name, values in timings.items():
        result[name] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.5) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        }
    return result


async def worker_run(
    runtime: Runtime, library_id: uuid.UUID, concurrency: int
) -> tuple[LibraryJobRun, float]:
    """One run through an in-process worker; (run row, the run's wall time from run-now)."""
    job = await service.create_job(runtime, None, library_id, refresh_body(concurrency))
    worker = Worker(
        runtime,
        {"refresh_library_metadata": task_handlers()["refresh_library_metadata"]},
        task_abandoned_hooks(),
    )
    worker.start()
    try:
        began = time.monotonic()
        started = await service.run_now(
            runtime, library_id, job.id, requested_by=None, created_by="cli"
        )
        run = await wait_status(runtime, started.run_id, FINISHED)
        return run, time.monotonic() - began
    finally:
        await worker.stop(0)
        await stop_supervisor(runtime)


async def rate_limited(items: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = make_runtime(Path(tmp))
        library_id = await seed(
            runtime, items, args=[str(BENCH / "limited_plugin.py")],
            admin_config={"limitPerMinute": 60}, limit=60,
        )  # fmt: skip
        run, _ = await worker_run(runtime, library_id, 4)
        await runtime.db.dispose()
    summary = run.summary or {}
    duration = (run.finished_at - run.started_at).total_seconds()
    rate_failures = sum(
        1 for error in summary.get("errors", []) if "rate limited" in error.get("message", "")
    )
    per_minute = summary.get("succeeded", 0) / duration * 60
    return {
        "items": items, "status": run.status, "succeeded": summary.get("succeeded"),
        "run_s": round(duration, 1), "achieved_per_min": round(per_minute, 1),
        "fraction_of_allowed": round(per_minute / 60, 3),
        "replies_32001": summary.get("rate_limit_retries", 0) + rate_failures,
        "rate_limit_retries": summary.get("rate_limit_retries"),
    }  # fmt: skip


def reset_peak_rss() -> None:
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def rss_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise KeyError(key)


async def worker_memory(series: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = make_runtime(Path(tmp))
        library_id = await seed(
            runtime, series, args=["-m", "colophon_plugins.echo"], admin_config={}, limit=0
        )
        before = rss_kib("VmRSS")
        reset_peak_rss()
        run, wall_s = await worker_run(runtime, library_id, 8)
        peak = rss_kib("VmHWM")
        await runtime.db.dispose()
    return {
        "series": series, "status": run.status, "run_s": round(wall_s, 1),
        "items_per_s": round(series / wall_s, 1), "rss_before_mib": round(before / 1024, 1),
        "peak_rss_mib": round(peak / 1024, 1), "growth_mib": round((peak - before) / 1024, 1),
    }  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--api-series", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate-items", type=int, default=90)
    parser.add_argument("--memory-series", type=int, default=5000)
    parser.add_argument("--cases", default="api,rate,memory")
    options = parser.parse_args()
    cases = set(options.cases.split(","))
    if "api" in cases:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/colophon.db"
            print(await api_latency("sqlite", url, options.api_series, options.clients))
        cluster = start_cluster()
        if cluster is None:
            print("postgresql: not available")
        else:
            try:
                name = f"bench_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
                    connection.execute(f'CREATE DATABASE "{name}"')
                print(
                    await api_latency(
                        "postgresql", cluster.url(name), options.api_series, options.clients
                    )
                )
            finally:
                cluster.stop()
    if "rate" in cases:
        print(await rate_limited(options.rate_items))
    if "memory" in cases:
        print(await worker_memory(options.memory_series))


if __name__ == "__main__":
    asyncio.run(main())
