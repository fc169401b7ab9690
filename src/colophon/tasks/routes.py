"""The task API (platform §3.11): list, get, cancel, retry, purge, stats."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from colophon.auth.deps import CanReadTasks, CanWriteTasks
from colophon.runtime import RuntimeDep
from colophon.tasks import listing, service
from colophon.tasks.schemas import PurgeResult, TaskActionResult, TaskDto, TaskPage, TaskStats

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("")
async def list_tasks(
    principal: CanReadTasks,
    runtime: RuntimeDep,
    status: str | None = Query(None, description="Comma list of statuses."),
    task_type: str | None = Query(None, alias="type", description="Comma list of task types."),
    library_id: uuid.UUID | None = Query(None, alias="libraryId"),
    job_id: uuid.UUID | None = Query(None, alias="jobId"),
    active: bool | None = Query(None, description="true: pending or processing; false: ended."),
    limit: int = Query(listing.DEFAULT_LIMIT, ge=1, le=listing.MAX_LIMIT),
    cursor: str | None = None,
) -> TaskPage:
    selection = listing.task_filter(
        status=status, task_type=task_type, library_id=library_id, job_id=job_id, active=active
    )
    return await listing.list_tasks(runtime.db, selection, limit=limit, cursor=cursor)


@router.get("/stats")
async def task_stats(principal: CanReadTasks, runtime: RuntimeDep) -> TaskStats:
    return await listing.queue_stats(runtime)


@router.delete("/finished")
async def purge_finished(
    principal: CanWriteTasks,
    runtime: RuntimeDep,
    older_than_days: int = Query(0, alias="olderThanDays"),
) -> PurgeResult:
    return await service.purge_finished(runtime.db, older_than_days)


@router.get("/{task_id}")
async def get_task(task_id: uuid.UUID, principal: CanReadTasks, runtime: RuntimeDep) -> TaskDto:
    return await listing.read_task(runtime.db, task_id)


@router.post("/{task_id}/cancel")
async def cancel_task(
    task_id: uuid.UUID, principal: CanWriteTasks, runtime: RuntimeDep
) -> TaskActionResult:
    return await service.cancel_task(runtime.db, runtime.bus, task_id)


@router.post("/{task_id}/retry")
async def retry_task(
    task_id: uuid.UUID, principal: CanWriteTasks, runtime: RuntimeDep
) -> TaskActionResult:
    return await service.retry_task(runtime.db, runtime.bus, task_id)
