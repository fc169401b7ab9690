"""RUN-2: a task released at shutdown resumes the same run (platform §1.3 rule 4)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select, update
from tests.jobs.conftest import Catalogue, add_plugin, job_body

from colophon.app import task_abandoned_hooks, task_handlers
from colophon.jobs import service
from colophon.jobs.models import LibraryJobRun
from colophon.jobs.schemas import CreateJob
from colophon.plugins.supervisor import stop_supervisor
from colophon.runtime import Runtime
from colophon.tasks import queue
from colophon.tasks.worker import Worker


async def test_a_released_task_resumes_its_running_run(runtime: Runtime, tmp_path: Path) -> None:
    await add_plugin(runtime.db)
    catalogue = Catalogue(runtime.db, tmp_path / "lib")
    await catalogue.series("Berserk", external_id="Berserk")
    library_id = await catalogue.library()
    job = await service.create_job(runtime, None, library_id, CreateJob.model_validate(job_body()))
    started = await service.run_now(
        runtime, library_id, job.id, requested_by=None, created_by="cli"
    )
    # As a shutdown leaves it: the run was started, its task released back to pending.
    async with runtime.db.write() as session:
        await session.execute(
            update(LibraryJobRun).where(LibraryJobRun.id == started.run_id).values(status="running")
        )
    handlers = {"refresh_library_metadata": task_handlers()["refresh_library_metadata"]}
    worker = Worker(runtime, handlers, task_abandoned_hooks())
    worker.start()
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            async with runtime.db.read() as session:
                task = await queue.get_task(session, started.task_id)
            if task.status in ("completed", "failed", "cancelled"):
                break
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.05)
    finally:
        await worker.stop(0)
        await stop_supervisor(runtime)
    async with runtime.db.read() as session:
        run = await session.get(LibraryJobRun, started.run_id)
        runs = await session.scalar(select(func.count()).select_from(LibraryJobRun))
    assert task.status == "completed" and task.run_id == started.run_id
    assert run is not None and run.status == "success" and runs == 1
