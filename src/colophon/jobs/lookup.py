"""Jobs for the command line: list them, find one by id or name, the demo job (platform §10)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from colophon.errors import NotFound
from colophon.jobs.models import LibraryJob
from colophon.jobs.runs import find_active_run
from colophon.jobs.schemas import CreateJob, LibraryJobDto
from colophon.jobs.service import create_job, job_dto
from colophon.library.models import Library
from colophon.runtime import Runtime

DEMO_JOB = "Demo refresh"


@dataclass(frozen=True, slots=True)
class JobLine:
    """One row of `colophon jobs list`."""

    job: LibraryJobDto
    library_name: str


async def list_job_lines(runtime: Runtime, library_id: uuid.UUID | None = None) -> list[JobLine]:
    """Every job (of one library when given), by library name then creation."""
    statement = (
        select(LibraryJob, Library.name)
        .join(Library, Library.id == LibraryJob.library_id)
        .order_by(Library.name, LibraryJob.created_at, LibraryJob.id)
    )
    if library_id is not None:
        statement = statement.where(LibraryJob.library_id == library_id)
    default_tz = runtime.settings.scheduler.timezone
    async with runtime.db.read() as session:
        rows = (await session.execute(statement)).all()
        return [
            JobLine(job_dto(job, await find_active_run(session, job.id), default_tz), name)
            for job, name in rows
        ]


async def find_job(
    runtime: Runtime, name_or_id: str, library_id: uuid.UUID | None
) -> tuple[uuid.UUID, uuid.UUID]:
    """(library id, job id) of a job named by id, or by name with its library; NotFound."""
    async with runtime.db.read() as session:
        try:
            job = await session.get(LibraryJob, uuid.UUID(name_or_id))
        except ValueError:
            statement = select(LibraryJob).where(LibraryJob.name == name_or_id)
            if library_id is not None:
                statement = statement.where(LibraryJob.library_id == library_id)
            matches = list(await session.scalars(statement.limit(2)))
            if len(matches) > 1:
                raise NotFound(f"job name '{name_or_id}' is ambiguous; use --library") from None
            job = matches[0] if matches else None
    if job is None or (library_id is not None and job.library_id != library_id):
        raise NotFound("job not found")
    return job.library_id, job.id


async def ensure_demo_job(runtime: Runtime, library_id: uuid.UUID) -> tuple[LibraryJobDto, bool]:
    """The demo job of platform §10.1 point 4, created once; (job, created)."""
    async with runtime.db.read() as session:
        existing = await session.scalar(
            select(LibraryJob).where(
                LibraryJob.library_id == library_id, LibraryJob.name == DEMO_JOB
            )
        )
        if existing is not None:
            return job_dto(existing, None, runtime.settings.scheduler.timezone), False
    body = CreateJob.model_validate(
        {
            "name": DEMO_JOB,
            "enabled": False,
            "cronSchedule": "0 4 * * *",
            "config": {
                "type": "metadata_refresh",
                "provider": "plugin:echo",
                "scope": "series_only",
                "fieldGroups": ["descriptive", "status", "ratings"],
                "existingSourceIdsOnly": False,
                "minMatchConfidence": 0.8,
            },
        }
    )
    return await create_job(runtime, None, library_id, body), True
