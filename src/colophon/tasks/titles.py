"""Task titles, resolved when read: ``Scan · Comics``, ``Refresh metadata · Nightly`` (§3.9).

Names are never stored on the task, so a renamed library or job shows its new name.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.base import Base
from colophon.library.models import Library
from colophon.tasks.models import Task
from colophon.tasks.types import TASK_TYPES

SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class TargetNames:
    """Library and job names of a batch of tasks, loaded in at most two queries."""

    libraries: dict[uuid.UUID, str] = field(default_factory=dict)
    jobs: dict[uuid.UUID, str] = field(default_factory=dict)

    def library_name(self, task: Task) -> str | None:
        return self.libraries.get(task.library_id) if task.library_id else None

    def job_name(self, task: Task) -> str | None:
        return self.jobs.get(task.job_id) if task.job_id else None

    def title(self, task: Task) -> str:
        """The type's label, followed by its target's name when that still exists."""
        kind = TASK_TYPES.get(task.task_type)
        if kind is None:
            return task.task_type
        name = self.job_name(task) if kind.title_target == "job" else self.library_name(task)
        return f"{kind.title}{SEPARATOR}{name}" if name else kind.title


async def load_names(session: AsyncSession, tasks: Iterable[Task]) -> TargetNames:
    """Names of the libraries and jobs the tasks point at (deleted ones are simply absent)."""
    batch = list(tasks)
    library_ids = {task.library_id for task in batch if task.library_id}
    job_ids = {task.job_id for task in batch if task.job_id}
    libraries: dict[uuid.UUID, str] = {}
    if library_ids:
        rows = await session.execute(
            select(Library.id, Library.name).where(Library.id.in_(library_ids))
        )
        libraries = {library_id: name for library_id, name in rows}
    return TargetNames(libraries, await _job_names(session, job_ids))


async def _job_names(session: AsyncSession, job_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    # The jobs domain owns library_jobs; until its models are imported the table is unknown
    # and job tasks show their label alone (the same lookup library.service.count_jobs uses).
    jobs_table = Base.metadata.tables.get("library_jobs")
    if jobs_table is None or not job_ids:
        return {}
    rows = await session.execute(
        select(jobs_table.c.id, jobs_table.c.name).where(jobs_table.c.id.in_(job_ids))
    )
    return {job_id: str(name) for job_id, name in rows}


async def title_of(session: AsyncSession, task: Task) -> str:
    """One task's title (events carry it, §4.2)."""
    kind = TASK_TYPES.get(task.task_type)
    if kind is None or kind.title_target is None:
        return kind.title if kind else task.task_type
    return (await load_names(session, [task])).title(task)
