"""The jobs API (library-jobs §10): parse, authorise, call one service function."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from colophon.auth.deps import CanReadLibraries, CanWriteLibraries
from colophon.jobs import dryrun, history, service
from colophon.jobs.schemas import (
    CreateJob,
    CronPreviewDto,
    DryRunDto,
    FieldGroupDto,
    JobList,
    LibraryJobDto,
    PatchJob,
    RunDetailDto,
    RunPage,
    RunStartedDto,
    SavedDryRun,
    UnsavedDryRun,
)
from colophon.runtime import RuntimeDep

router = APIRouter(tags=["jobs"])
JOBS = "/libraries/{library_id}/jobs"
JOB = JOBS + "/{job_id}"


@router.get(JOBS)
async def list_jobs(
    library_id: uuid.UUID, principal: CanReadLibraries, runtime: RuntimeDep
) -> JobList:
    return await service.list_jobs(runtime, library_id)


@router.post(JOBS, status_code=201)
async def create_job(
    library_id: uuid.UUID, body: CreateJob, principal: CanWriteLibraries, runtime: RuntimeDep
) -> LibraryJobDto:
    return await service.create_job(runtime, principal, library_id, body)


# The literal route is registered before /jobs/{job_id} (§10.2).
@router.post(JOBS + "/dry-run")
async def dry_run_unsaved(
    library_id: uuid.UUID, body: UnsavedDryRun, principal: CanWriteLibraries, runtime: RuntimeDep
) -> DryRunDto:
    return await dryrun.dry_run_unsaved(runtime, library_id, body)


@router.get(JOB)
async def get_job(
    library_id: uuid.UUID, job_id: uuid.UUID, principal: CanReadLibraries, runtime: RuntimeDep
) -> LibraryJobDto:
    return await service.get_job(runtime, library_id, job_id)


@router.patch(JOB)
async def patch_job(
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    body: PatchJob,
    principal: CanWriteLibraries,
    runtime: RuntimeDep,
) -> LibraryJobDto:
    return await service.patch_job(runtime, principal, library_id, job_id, body)


@router.delete(JOB, status_code=204)
async def delete_job(
    library_id: uuid.UUID, job_id: uuid.UUID, principal: CanWriteLibraries, runtime: RuntimeDep
) -> Response:
    await service.delete_job(runtime, principal, library_id, job_id)
    return Response(status_code=204)


@router.post(JOB + "/run-now", status_code=202)
async def run_now(
    library_id: uuid.UUID, job_id: uuid.UUID, principal: CanWriteLibraries, runtime: RuntimeDep
) -> RunStartedDto:
    return await service.run_now(
        runtime, library_id, job_id, requested_by=principal.user_id, created_by=principal.actor
    )


@router.post(JOB + "/dry-run")
async def dry_run_saved(
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    principal: CanWriteLibraries,
    runtime: RuntimeDep,
    body: SavedDryRun | None = None,
) -> DryRunDto:
    return await dryrun.dry_run_saved(runtime, library_id, job_id, body or SavedDryRun())


@router.get(JOB + "/runs")
async def list_runs(
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    principal: CanReadLibraries,
    runtime: RuntimeDep,
    limit: int = 50,
    cursor: str | None = None,
) -> RunPage:
    return await history.list_runs(runtime, library_id, job_id, limit=limit, cursor=cursor)


@router.get(JOB + "/runs/{run_id}")
async def get_run(
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    run_id: uuid.UUID,
    principal: CanReadLibraries,
    runtime: RuntimeDep,
    limit: int = 50,
    cursor: str | None = None,
) -> RunDetailDto:
    return await history.get_run(runtime, library_id, job_id, run_id, limit=limit, cursor=cursor)


@router.post(JOB + "/runs/{run_id}/revert", status_code=202)
async def revert_run(
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    run_id: uuid.UUID,
    principal: CanWriteLibraries,
    runtime: RuntimeDep,
) -> RunStartedDto:
    return await history.request_revert(
        runtime, library_id, job_id, run_id, created_by=principal.actor
    )


@router.get("/library-jobs/metadata-refresh/field-groups")
async def field_groups(principal: CanReadLibraries, entity: str = "series") -> list[FieldGroupDto]:
    return service.field_groups(entity)


@router.get("/library-jobs/cron-preview")
async def cron_preview(
    principal: CanReadLibraries,
    runtime: RuntimeDep,
    expr: str | None = None,
    timezone: str | None = None,
    count: int = 5,
    after: Annotated[datetime | None, Query()] = None,
) -> CronPreviewDto:
    if after is not None and after.tzinfo is None:
        after = after.replace(tzinfo=UTC)
    return service.cron_preview(
        expr, timezone, count, after, default_timezone=runtime.settings.scheduler.timezone
    )
