"""Three `colophon scheduler` processes on one PostgreSQL database (SCH-4, pg_only).

Every slot is made due at the same moment for all three (they poll every second), twice;
each slot must yield exactly one run, and the losers of the compare-and-set none.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from tests.conftest import _fresh_pg_database
from tests.processes import COLOPHON, colophon_env

from colophon.db.database import Database
from colophon.jobs.models import LibraryJob, LibraryJobRun
from colophon.library.models import Library
from colophon.system.models import ServiceInstance
from colophon.tasks.models import Task

pytestmark = pytest.mark.pg_only
SCHEDULERS = 3
JOBS = 20
ROUNDS = 2


async def wait_until(check: object, *, timeout_s: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.2)


async def seed_jobs(db: Database) -> list[uuid.UUID]:
    far = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    async with db.write() as session:
        library = Library(name="multi", root_path="/multi")
        session.add(library)
        await session.flush()
        jobs = [
            LibraryJob(
                library_id=library.id,
                type="metadata_refresh",
                name=f"job {index}",
                enabled=True,
                cron_schedule="* * * * *",
                config={"type": "metadata_refresh", "provider": "plugin:echo"},
                next_run_at=far,
            )
            for index in range(JOBS)
        ]
        session.add_all(jobs)
        await session.flush()
        return [job.id for job in jobs]


async def make_all_due(db: Database) -> None:
    """Every job's stored slot becomes this minute's slot: due now, within the grace."""
    slot = datetime.now(UTC).replace(second=0, microsecond=0)
    async with db.write() as session:
        await session.execute(update(LibraryJob).values(next_run_at=slot))


async def finish_all_runs(db: Database) -> None:
    """End the runs and tasks of a round (no worker runs here), so the next round may fire."""
    async with db.write() as session:
        await session.execute(update(LibraryJobRun).values(status="success"))
        await session.execute(update(Task).values(status="completed"))


def spawn_schedulers(env: dict[str, str], log: Path) -> list[subprocess.Popen[bytes]]:
    with log.open("ab") as output:
        return [
            subprocess.Popen([*COLOPHON, "scheduler"], env=env, stdout=output, stderr=output)
            for _ in range(SCHEDULERS)
        ]


async def test_three_schedulers_fire_each_slot_exactly_once(
    postgres_server: str | None, pg_template: str | None, tmp_path: Path
) -> None:
    if postgres_server is None or pg_template is None:
        pytest.skip("PostgreSQL not available")
    url = _fresh_pg_database(postgres_server, template=pg_template)
    db = Database(url)
    await seed_jobs(db)
    env = colophon_env(
        tmp_path / "data",
        COLOPHON_DATABASE__URL=url,
        COLOPHON_SCHEDULER__POLL_INTERVAL_S="1",
        COLOPHON_LOGGING__LEVEL="warning",
    )
    processes = spawn_schedulers(env, tmp_path / "schedulers.log")
    try:

        async def all_registered() -> bool:
            async with db.read() as session:
                count = await session.scalar(select(func.count()).select_from(ServiceInstance))
            return count == SCHEDULERS

        await wait_until(all_registered)
        for round_number in range(1, ROUNDS + 1):
            await make_all_due(db)

            async def all_fired(expected: int = round_number * JOBS) -> bool:
                async with db.read() as session:
                    runs = await session.scalar(select(func.count()).select_from(LibraryJobRun))
                    due = await session.scalar(
                        select(func.count())
                        .select_from(LibraryJob)
                        .where(LibraryJob.next_run_at <= datetime.now(UTC))
                    )
                return runs == expected and due == 0

            await wait_until(all_fired)
            await asyncio.sleep(1.5)  # a double fire would need one more poll of a loser
            await finish_all_runs(db)
        async with db.read() as session:
            runs = list(await session.scalars(select(LibraryJobRun)))
            tasks = await session.scalar(select(func.count()).select_from(Task))
        per_job = Counter(run.job_id for run in runs)
        assert len(runs) == ROUNDS * JOBS and tasks == ROUNDS * JOBS
        assert set(per_job.values()) == {ROUNDS}
        assert {run.trigger for run in runs} == {"schedule"}
        assert all(process.poll() is None for process in processes)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        await db.dispose()
