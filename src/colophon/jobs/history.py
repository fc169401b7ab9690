"""Run history: the runs of a job, one run with its change list, and requesting a revert (§9).

Change counts and entity names are computed set-based, one query per page.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.errors import Conflict, FieldError, NotFound, ValidationFailed
from colophon.jobs.job_types import REVERT_TASK
from colophon.jobs.models import ACTIVE_RUN_STATUSES, LibraryJobRun
from colophon.jobs.runs import ACTIVE_RUN_MESSAGE, find_active_run
from colophon.jobs.schemas import (
    ChangeDto,
    ChangePage,
    RevertSummaryDto,
    RunDetailDto,
    RunDto,
    RunPage,
    RunStartedDto,
    RunSummaryDto,
)
from colophon.jobs.service import get_job_row
from colophon.metadata.models import BookMetadata, MetadataChange, SeriesMetadata
from colophon.pagination import decode_cursor, next_cursor
from colophon.runtime import Runtime
from colophon.tasks.queue import Targets, find_active
from colophon.tasks.service import submit

MAX_LIMIT = 200


def check_limit(limit: int) -> int:
    """HIST-1: 1..200, else 400 `limit must be between 1 and 200`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            FieldError("query.limit", f"limit must be between 1 and {MAX_LIMIT}")
        )
    return limit


def camel_keys(value: Any) -> Any:
    """Stored snake_case JSON → wire camelCase, recursively over dict keys only."""
    if isinstance(value, dict):
        return {_camel(str(key)): camel_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    return value


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def run_dto(run: LibraryJobRun, change_count: int) -> RunDto:
    return RunDto(
        id=run.id,
        job_id=run.job_id,
        library_id=run.library_id,
        task_id=run.task_id,
        trigger="schedule" if run.trigger == "schedule" else "manual",
        status=run.status,
        scheduled_for=run.scheduled_for,
        requested_by=run.requested_by,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        message=run.message,
        summary=RunSummaryDto.model_validate(run.summary) if run.summary is not None else None,
        config=camel_keys(run.config) if run.config is not None else None,
        change_count=change_count,
        reverted_at=run.reverted_at,
        reverted_by=run.reverted_by,
        revert_summary=(
            RevertSummaryDto.model_validate(run.revert_summary)
            if run.revert_summary is not None
            else None
        ),
    )


async def _change_counts(
    session: AsyncSession, run_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not run_ids:
        return {}
    rows = await session.execute(
        select(MetadataChange.run_id, func.count())
        .where(MetadataChange.run_id.in_(run_ids))
        .group_by(MetadataChange.run_id)
    )
    return {run_id: int(count) for run_id, count in rows if run_id is not None}


async def list_runs(
    runtime: Runtime,
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> RunPage:
    """HIST-1: newest first (`created_at DESC, id DESC`)."""
    check_limit(limit)
    offset = decode_cursor(cursor)
    async with runtime.db.read() as session:
        await get_job_row(session, library_id, job_id)
        runs = list(
            await session.scalars(
                select(LibraryJobRun)
                .where(LibraryJobRun.job_id == job_id)
                .order_by(LibraryJobRun.created_at.desc(), LibraryJobRun.id.desc())
                .offset(offset)
                .limit(limit)
            )
        )
        counts = await _change_counts(session, [run.id for run in runs])
    return RunPage(
        items=[run_dto(run, counts.get(run.id, 0)) for run in runs],
        next_cursor=next_cursor(offset, limit, len(runs)),
    )


async def get_run_row(
    session: AsyncSession, library_id: uuid.UUID, job_id: uuid.UUID, run_id: uuid.UUID
) -> LibraryJobRun:
    """The run of that job; NotFound `library not found` / `job not found` / `run not found`."""
    await get_job_row(session, library_id, job_id)
    run = await session.get(LibraryJobRun, run_id)
    if run is None or run.job_id != job_id:
        raise NotFound("run not found")
    return run


async def get_run(
    runtime: Runtime,
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> RunDetailDto:
    """HIST-2: the run plus one page of its audit rows in id order."""
    check_limit(limit)
    offset = decode_cursor(cursor)
    async with runtime.db.read() as session:
        run = await get_run_row(session, library_id, job_id, run_id)
        counts = await _change_counts(session, [run.id])
        changes = await _changes(session, run.id, offset=offset, limit=limit)
    base = run_dto(run, counts.get(run.id, 0))
    page = ChangePage(items=changes, next_cursor=next_cursor(offset, limit, len(changes)))
    return RunDetailDto(**base.model_dump(), changes=page)


async def _changes(
    session: AsyncSession, run_id: uuid.UUID, *, offset: int, limit: int
) -> list[ChangeDto]:
    series_title, book_title = SeriesMetadata.title, BookMetadata.title
    rows = await session.execute(
        select(MetadataChange, series_title, book_title)
        .outerjoin(
            SeriesMetadata,
            and_(
                MetadataChange.entity_type == "series",
                SeriesMetadata.series_id == MetadataChange.entity_id,
            ),
        )
        .outerjoin(
            BookMetadata,
            and_(
                MetadataChange.entity_type == "book",
                BookMetadata.book_id == MetadataChange.entity_id,
            ),
        )
        .where(MetadataChange.run_id == run_id)
        .order_by(MetadataChange.id)
        .offset(offset)
        .limit(limit)
    )
    return [
        ChangeDto(
            id=change.id,
            entity_type=change.entity_type,
            entity_id=change.entity_id,
            entity_name=series_name if change.entity_type == "series" else book_name,
            field=change.field,
            before=change.before,
            after=change.after,
            source=change.source,
            user_id=change.user_id,
            created_at=change.created_at,
        )
        for change, series_name, book_name in rows
    ]


def revert_dedup_key(run_id: uuid.UUID) -> str:
    return f"{REVERT_TASK}:{run_id}"


async def request_revert(
    runtime: Runtime,
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    created_by: str,
) -> RunStartedDto:
    """REV-1: the 409 conditions in order, then enqueue `revert_job_run`."""
    async with runtime.db.write() as session:
        run = await get_run_row(session, library_id, job_id, run_id)
        if run.status in ACTIVE_RUN_STATUSES:
            raise Conflict("run is still in progress")
        if run.reverted_at is not None:
            raise Conflict("run already reverted")
        revert = await find_active(session, revert_dedup_key(run.id))
        if revert is not None:
            raise Conflict("A revert of this run is already queued or running", task_id=revert.id)
        active = await find_active_run(session, job_id)
        if active is not None:
            raise Conflict(ACTIVE_RUN_MESSAGE, task_id=active.task_id, run_id=active.id)
        if not (await _change_counts(session, [run.id])).get(run.id):
            raise Conflict("run made no changes")
        enqueued = await submit(
            session,
            runtime.bus,
            REVERT_TASK,
            params={"run_id": str(run.id)},
            targets=Targets(library_id=library_id, job_id=job_id, run_id=run.id),
            dedup_key=revert_dedup_key(run.id),
            created_by=created_by,
        )
        if not enqueued.created:
            raise Conflict(
                "A revert of this run is already queued or running", task_id=enqueued.task.id
            )
    return RunStartedDto(task_id=enqueued.task.id, run_id=run.id)
