"""Run rows: start one (run-now, scheduler), find the active one, record its end (§2.2, §7.5).

A run and its task are created in the caller's transaction, each insert-if-absent: the run's
partial unique index and the task's dedup key both guarantee one active run per job (DM-7).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.jobs.job_types import REFRESH_TASK
from colophon.jobs.models import ACTIVE_RUN_STATUSES, LibraryJob, LibraryJobRun
from colophon.tasks.events import Event, EventBus, entity_event, internal_message
from colophon.tasks.models import Task
from colophon.tasks.queue import Targets
from colophon.tasks.service import submit

Trigger = Literal["schedule", "manual"]
JOBS_CHANGED = "jobs.changed"
ACTIVE_RUN_MESSAGE = "A run of this job is already queued or running"


def refresh_dedup_key(job_id: uuid.UUID) -> str:
    """`refresh_library_metadata:<job_id>` (DM-7): one active run per job."""
    return f"{REFRESH_TASK}:{job_id}"


def job_event(
    name: str, job_id: uuid.UUID, library_id: uuid.UUID, *, user_id: object = None, **data: Any
) -> Event:
    """An entity event about a job (`job.created`, `job.run_finished`…; platform §4.3)."""
    return entity_event(name, user_id=user_id, jobId=job_id, libraryId=library_id, **data)


def announce_jobs_changed(session: AsyncSession, bus: EventBus) -> None:
    """Wake every scheduler after commit (SCH-1)."""
    bus.publish_after_commit(session, internal_message(JOBS_CHANGED))


@dataclass(frozen=True, slots=True)
class ActiveRun:
    """The run (and task) that holds a job's single active slot."""

    run_id: uuid.UUID | None
    task_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class StartedRun:
    run_id: uuid.UUID
    task_id: uuid.UUID


async def find_active_run(session: AsyncSession, job_id: uuid.UUID) -> LibraryJobRun | None:
    """The job's pending or running run, or None."""
    return await session.scalar(
        select(LibraryJobRun).where(
            LibraryJobRun.job_id == job_id, LibraryJobRun.status.in_(ACTIVE_RUN_STATUSES)
        )
    )


async def active_runs_of(
    session: AsyncSession, job_ids: list[uuid.UUID]
) -> dict[uuid.UUID, LibraryJobRun]:
    """Active runs of many jobs in one query (§10.1: a list computes activeRun set-based)."""
    if not job_ids:
        return {}
    rows = await session.scalars(
        select(LibraryJobRun).where(
            LibraryJobRun.job_id.in_(job_ids), LibraryJobRun.status.in_(ACTIVE_RUN_STATUSES)
        )
    )
    return {run.job_id: run for run in rows}


async def start_run(
    session: AsyncSession,
    bus: EventBus,
    job: LibraryJob,
    *,
    trigger: Trigger,
    created_by: str,
    requested_by: uuid.UUID | None = None,
    scheduled_for: datetime | None = None,
) -> StartedRun | ActiveRun:
    """Insert a pending run and its task; the active run instead when the job has one."""
    active = await find_active_run(session, job.id)
    if active is not None:
        return ActiveRun(active.id, active.task_id)
    run = LibraryJobRun(
        job_id=job.id,
        library_id=job.library_id,
        trigger=trigger,
        status="pending",
        scheduled_for=scheduled_for,
        requested_by=requested_by,
        created_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(run)
            await session.flush()
    except IntegrityError:
        # A concurrent start won ux_library_job_runs_active; its run is committed by now.
        winner = await find_active_run(session, job.id)
        return ActiveRun(winner.id if winner else None, winner.task_id if winner else None)
    enqueued = await submit(
        session,
        bus,
        REFRESH_TASK,
        params={"job_id": str(job.id), "run_id": str(run.id)},
        targets=Targets(library_id=job.library_id, job_id=job.id, run_id=run.id),
        dedup_key=refresh_dedup_key(job.id),
        created_by=created_by,
    )
    if not enqueued.created:
        # A task still holds the dedup key (a retried run task): this run must not exist.
        await session.delete(run)
        await session.flush()
        return ActiveRun(enqueued.task.run_id, enqueued.task.id)
    run.task_id = enqueued.task.id
    await session.flush()
    return StartedRun(run.id, enqueued.task.id)


@dataclass(frozen=True, slots=True)
class RunEnd:
    """How a run ended (§7.5)."""

    status: str
    message: str
    summary: dict[str, Any] | None


async def record_run_end(
    session: AsyncSession, bus: EventBus, run: LibraryJobRun, end: RunEnd
) -> None:
    """Finish the run and copy the outcome onto its job, then announce `job.run_finished`."""
    finished_at = utcnow()
    run.status, run.message, run.finished_at = end.status, end.message, finished_at
    if end.summary is not None:
        run.summary = end.summary
    await session.execute(
        update(LibraryJob)
        .where(LibraryJob.id == run.job_id)
        .values(last_run_at=finished_at, last_run_status=end.status, last_run_message=end.message)
    )
    if run.task_id is not None and end.summary is not None:
        # RUN-19: the task's result is the stored summary, whatever the outcome.
        await session.execute(update(Task).where(Task.id == run.task_id).values(result=end.summary))
    await session.flush()
    bus.publish_after_commit(
        session,
        job_event(
            "job.run_finished",
            run.job_id,
            run.library_id,
            runId=run.id,
            taskId=run.task_id,
            status=end.status,
            message=end.message,
        ),
    )
