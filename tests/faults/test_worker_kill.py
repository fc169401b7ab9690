"""SIGKILL of the worker process at random points of 2,000-item runs (issue 8), PostgreSQL.

10 trials, each a fresh library of 2,000 series refreshed by echo (no latency, 4 in flight)
in one ``colophon worker`` process (lease 3 s, heartbeat 1 s). Each trial draws a kill point
uniformly over the run, as a number of committed items from 0 to 2,000, and SIGKILLs the
worker once that many items are committed (seeded; the seed is in the failure message). A
fresh worker takes over at once and reaps the expired lease. Then, for every trial:

- the run ends recorded: ``failure`` with ``Run failed: worker lost`` (the task has one attempt)
  or ``success`` when the kill came after the run finished, and the job's ``last_run_status``
  matches;
- every series' metadata is wholly before (nothing written) or wholly after (summary, year,
  volume count and provenance all echo's), never a mix: one transaction per item;
- ``status`` is locked on every series and never changes, and no audit row names it.

The committed count at each kill is printed with the seed; ``COLOPHON_FAULT_SEED`` replays a
seed.
"""

from __future__ import annotations

import os
import random
import signal
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from colophon.jobs import service
from colophon.jobs.models import LibraryJob, LibraryJobRun
from colophon.jobs.schemas import CreateJob
from colophon.library.models import Series
from colophon.metadata.models import MetadataChange, SeriesExternalId, SeriesMetadata
from colophon.runtime import Runtime
from colophon_plugins.echo.plugin import title_hash
from tests.faults.conftest import library_with_series
from tests.jobs.conftest import add_plugin, job_body
from tests.multiprocess.conftest import Cluster, wait_for

pytestmark = pytest.mark.pg_only

TRIALS = 10
SERIES = 2000
LOCKED_STATUS = "hiatus"
ENDED = ("success", "partial", "failure", "cancelled")
SEED = int(os.environ.get("COLOPHON_FAULT_SEED", random.randrange(1 << 30)))


@pytest.fixture
def backend() -> str:
    return "postgresql"


def echo_after(title: str) -> tuple[Any, ...]:
    """The (summary, year, total volume count) echo writes for ``title``."""
    h = title_hash(title, 0)
    return (f'Echo summary for "{title}".', 1980 + h % 45, 1 + h % 40)


async def start_run(control: Runtime, root: Path, trial: int) -> tuple[uuid.UUID, Any]:
    library_id, _ = await library_with_series(
        control.db,
        str(root / f"lib{trial}"),
        SERIES,
        title_prefix=f"T{trial}",
        status=LOCKED_STATUS,
        status_lock=True,
    )
    body = job_body(
        config={"maxConcurrency": 4, "fieldGroups": ["descriptive", "status", "counts"]}
    )
    job = await service.create_job(control, None, library_id, CreateJob.model_validate(body))
    started = await service.run_now(
        control, library_id, job.id, requested_by=None, created_by="cli"
    )
    return library_id, started


async def run_status(control: Runtime, run_id: uuid.UUID) -> str:
    async with control.db.read() as session:
        run = await session.get(LibraryJobRun, run_id)
        assert run is not None
        return run.status


async def check_trial(control: Runtime, library_id: uuid.UUID, run_id: uuid.UUID) -> str:
    """Every invariant of the module docstring for one trial; returns the run's outcome."""
    async with control.db.read() as session:
        run = await session.get(LibraryJobRun, run_id)
        job = await session.scalar(select(LibraryJob).where(LibraryJob.library_id == library_id))
        rows = (
            await session.execute(
                select(
                    SeriesMetadata.title,
                    SeriesMetadata.summary,
                    SeriesMetadata.year,
                    SeriesMetadata.total_volume_count,
                    SeriesMetadata.status,
                    SeriesExternalId.last_synced_at,
                )
                .join(SeriesExternalId, SeriesExternalId.series_id == SeriesMetadata.series_id)
                .join(Series, Series.id == SeriesMetadata.series_id)
                .where(Series.library_id == library_id)
            )
        ).all()
        status_changes = await session.scalar(
            select(func.count()).select_from(MetadataChange).where(MetadataChange.field == "status")
        )
    assert run is not None and job is not None
    assert (run.status, run.message) in (
        ("failure", "Run failed: worker lost"),
        (
            "success",
            f"Refreshed {SERIES} of {SERIES} item(s) ({SERIES} changed, 0 failed, 0 skipped)",
        ),
    ), (run.status, run.message)
    assert job.last_run_status == run.status and run.finished_at is not None
    assert status_changes == 0
    for row in rows:
        assert row.status == LOCKED_STATUS
        before = (None, None, None, None)
        after = (*echo_after(row.title), row.last_synced_at)
        observed = (row.summary, row.year, row.total_volume_count, row.last_synced_at)
        if row.last_synced_at is None:
            assert observed == before, row
        else:
            assert observed == after, row
    assert len(rows) == SERIES
    written = sum(1 for row in rows if row.last_synced_at is not None)
    return f"{run.status}:{written}/{SERIES}"


async def test_sigkill_of_the_worker_at_random_points_of_runs(
    cluster: Cluster, control: Runtime, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    await add_plugin(control.db, admin_config={"latencyMs": 0})
    worker = cluster.worker(concurrency=1)
    outcomes: list[str] = []
    for trial in range(TRIALS):
        library_id, started = await start_run(control, tmp_path, trial)
        run_id, kill_at = started.run_id, rng.randint(0, SERIES)
        await wait_for(
            lambda run_id=run_id: _is(control, run_id, ("running", "success")),
            timeout_s=60,
            what=f"trial {trial} (seed {SEED}) to start",
        )
        await wait_for(
            lambda library_id=library_id, run_id=run_id, kill_at=kill_at: _reached(
                control, library_id, run_id, kill_at
            ),
            timeout_s=120,
            what=f"trial {trial} (seed {SEED}) to commit {kill_at} items",
            poll_s=0.02,
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker = cluster.worker(concurrency=1)
        await wait_for(
            lambda run_id=run_id: _is(control, run_id, ENDED),
            timeout_s=60,
            what=f"trial {trial} (seed {SEED}) to end recorded",
        )
        outcomes.append(f"kill at {kill_at}: " + await check_trial(control, library_id, run_id))
    print(f"worker-kill trials (seed {SEED}): {outcomes}")
    assert len(outcomes) == TRIALS


async def _reached(
    control: Runtime, library_id: uuid.UUID, run_id: uuid.UUID, committed: int
) -> bool:
    """True once ``committed`` items of the library are synced, or the run has ended."""
    if await run_status(control, run_id) in ENDED:
        return True
    async with control.db.read() as session:
        synced = await session.scalar(
            select(func.count())
            .select_from(SeriesExternalId)
            .join(Series, Series.id == SeriesExternalId.series_id)
            .where(Series.library_id == library_id, SeriesExternalId.last_synced_at.is_not(None))
        )
    return (synced or 0) >= committed


async def _is(control: Runtime, run_id: uuid.UUID, statuses: tuple[str, ...]) -> bool:
    return await run_status(control, run_id) in statuses
