"""Real Colophon processes on a real PostgreSQL: workers, api servers, their logs.

Every test here is pg_only: split roles need PostgreSQL (platform §1.1). The processes run
the test-only handlers of ``tests/tasks/handlers.py`` with short leases, so recovery takes
seconds instead of minutes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from colophon.config import Settings
from colophon.runtime import Runtime

REPO = Path(__file__).resolve().parents[2]
START_COLOPHON = "from colophon.cli import main; main()"
STOP_TIMEOUT_S = 20
# One key for every process of a test, as multi-node deployments need (platform §1.1 rule 4).
ENCRYPTION_KEY = Fernet.generate_key().decode()


@pytest.fixture
def backend() -> str:
    """Only PostgreSQL: SQLite refuses split roles."""
    return "postgresql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """Spawns ``colophon`` processes on the test database and stops them afterwards."""

    database_url: str
    data_dir: Path
    logs_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def environment(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COLOPHON_")}
        env.update(
            PYTHONPATH=str(REPO),
            COLOPHON_DATABASE__URL=self.database_url,
            COLOPHON_DATA_DIR=str(self.data_dir),
            COLOPHON_TEST_TASK_HANDLERS="tests.tasks.handlers",
            COLOPHON_WORKER__LEASE_S="3",
            COLOPHON_WORKER__HEARTBEAT_S="1",
            COLOPHON_WORKER__POLL_INTERVAL_S="0.5",
            COLOPHON_LOGGING__FORMAT="json",
            COLOPHON_LOGGING__LEVEL="info",
            COLOPHON_ENCRYPTION_KEY=ENCRYPTION_KEY,
        )
        env.update(overrides)
        return env

    def spawn(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        """Start ``colophon <args>``; its stderr goes to a log file named after its pid."""
        log_path = self.logs_dir / f"{args[0]}-{len(self.processes)}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-c", START_COLOPHON, *args],
                cwd=REPO,
                env=self.environment(**env),
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        process.log_path = log_path  # type: ignore[attr-defined]
        self.processes.append(process)
        return process

    def worker(self, concurrency: int = 2, **env: str) -> subprocess.Popen[bytes]:
        return self.spawn("worker", "--concurrency", str(concurrency), **env)

    def api(self, port: int, **env: str) -> subprocess.Popen[bytes]:
        return self.spawn(
            "serve",
            "--role",
            "api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            COLOPHON_ADMIN_PASSWORD="correct horse battery staple",
            **env,
        )

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in self.processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def cluster(database_url: str, tmp_path: Path) -> Iterator[Cluster]:
    logs = tmp_path / "logs"
    logs.mkdir()
    spawned = Cluster(database_url, tmp_path / "data", logs)
    try:
        yield spawned
    finally:
        spawned.stop_all()


@pytest.fixture
async def control(settings: Settings) -> AsyncIterator[Runtime]:
    """The test's own connection: enqueues (and notifies) like any other process."""
    runtime = Runtime.from_settings(settings, roles=frozenset())
    try:
        yield runtime
    finally:
        await runtime.db.dispose()


async def wait_for(
    check: Callable[[], Awaitable[Any]], *, timeout_s: float, what: str, poll_s: float = 0.1
) -> Any:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(poll_s)
