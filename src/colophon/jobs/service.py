"""Job use cases: list, get, create, patch, delete, run now, previews (library-jobs §10).

Each public function owns its transaction and returns DTOs; ORM rows never leave here.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.auth.service import Principal
from colophon.db.clock import utcnow
from colophon.errors import Conflict, FieldError, NotFound, ValidationFailed
from colophon.jobs.cron import CronError, Schedule, TimezoneError, parse_cron, zone
from colophon.jobs.job_types import (
    RefreshConfig,
    StoredConfigError,
    find_job_type,
    refresh_config_from_stored,
    unsupported_type_message,
)
from colophon.jobs.models import LibraryJob, LibraryJobRun
from colophon.jobs.runs import (
    ACTIVE_RUN_MESSAGE,
    ActiveRun,
    active_runs_of,
    announce_jobs_changed,
    find_active_run,
    job_event,
    start_run,
)
from colophon.jobs.schemas import (
    ActiveRunDto,
    CreateJob,
    CronPreviewDto,
    FieldGroupDto,
    JobList,
    LibraryJobDto,
    PatchJob,
    RunStartedDto,
)
from colophon.jobs.validation import (
    JobDraft,
    cron_message,
    find_provider_plugin,
    timezone_message,
    validate_job,
)
from colophon.library.models import Library
from colophon.metadata.catalog import Entity, catalog_for
from colophon.runtime import Runtime

log = structlog.get_logger(__name__)
MAX_PREVIEW_COUNT = 20
NAME_SEPARATOR = " \u2014 "  # em dash between spaces (API-1)


async def require_library(session: AsyncSession, library_id: uuid.UUID) -> Library:
    """The library; NotFound `library not found`."""
    library = await session.get(Library, library_id)
    if library is None:
        raise NotFound("library not found")
    return library


async def get_job_row(
    session: AsyncSession, library_id: uuid.UUID, job_id: uuid.UUID, *, for_update: bool = False
) -> LibraryJob:
    """The job of that library; NotFound `library not found` / `job not found` (ERR-6)."""
    await require_library(session, library_id)
    statement = select(LibraryJob).where(
        LibraryJob.id == job_id, LibraryJob.library_id == library_id
    )
    if for_update:
        statement = statement.with_for_update()
    job = await session.scalar(statement)
    if job is None:
        raise NotFound("job not found")
    return job


def effective_timezone(job_timezone: str | None, default: str) -> str:
    """The job's zone, or the server default `scheduler.timezone` (CRON-8)."""
    return job_timezone or default


def next_slot(cron: str, timezone: str, now: datetime) -> datetime | None:
    """The first slot strictly after ``now``; None when the stored cron cannot be evaluated."""
    try:
        return Schedule.of(cron, timezone).first_after(now)
    except (CronError, TimezoneError, StopIteration):
        log.error("job_schedule_unusable", cron=cron, timezone=timezone)
        return None


def stored_config(job: LibraryJob) -> RefreshConfig | None:
    """The config read leniently (CFG-4); None for an unknown type or an undecodable row."""
    if find_job_type(job.type) is None:
        return None
    try:
        return refresh_config_from_stored(job.config)
    except StoredConfigError:
        return None


def job_dto(job: LibraryJob, active: LibraryJobRun | None, default_tz: str) -> LibraryJobDto:
    config = stored_config(job)
    return LibraryJobDto(
        id=job.id,
        library_id=job.library_id,
        name=job.name,
        enabled=job.enabled,
        cron_schedule=job.cron_schedule,
        timezone=job.timezone,
        effective_timezone=effective_timezone(job.timezone, default_tz),
        config=config.to_wire() if config is not None else None,
        next_run_at=job.next_run_at,
        last_run_at=job.last_run_at,
        last_run_status=job.last_run_status,
        last_run_message=job.last_run_message,
        active_run=(
            ActiveRunDto(run_id=active.id, task_id=active.task_id, status=active.status)
            if active is not None
            else None
        ),
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


async def _dto(session: AsyncSession, job: LibraryJob, default_tz: str) -> LibraryJobDto:
    return job_dto(job, await find_active_run(session, job.id), default_tz)


async def list_jobs(runtime: Runtime, library_id: uuid.UUID) -> JobList:
    """The library's jobs, `createdAt` ascending then id; activeRun in one query."""
    async with runtime.db.read() as session:
        await require_library(session, library_id)
        jobs = list(
            await session.scalars(
                select(LibraryJob)
                .where(LibraryJob.library_id == library_id)
                .order_by(LibraryJob.created_at, LibraryJob.id)
            )
        )
        active = await active_runs_of(session, [job.id for job in jobs])
    default_tz = runtime.settings.scheduler.timezone
    return JobList(jobs=[job_dto(job, active.get(job.id), default_tz) for job in jobs])


async def get_job(runtime: Runtime, library_id: uuid.UUID, job_id: uuid.UUID) -> LibraryJobDto:
    async with runtime.db.read() as session:
        job = await get_job_row(session, library_id, job_id)
        return await _dto(session, job, runtime.settings.scheduler.timezone)


async def auto_name(session: AsyncSession, config: RefreshConfig) -> str:
    """`<plugin display name> — <group ids>` (API-1), or the display name alone."""
    plugin_name = config.plugin_name or config.provider
    plugin = await find_provider_plugin(session, plugin_name)
    display = plugin.display_name if plugin is not None and plugin.display_name else plugin_name
    groups = list(dict.fromkeys([*config.field_groups, *config.book_field_groups]))
    name = f"{display}{NAME_SEPARATOR}{', '.join(groups)}" if groups else display
    return name[:200]


def _trimmed_name(name: str | None) -> str:
    return (name or "").strip()


async def _named(session: AsyncSession, draft: JobDraft) -> JobDraft:
    if draft.name:
        return draft
    return replace(draft, name=await auto_name(session, draft.config))


async def create_job(
    runtime: Runtime, principal: Principal | None, library_id: uuid.UUID, body: CreateJob
) -> LibraryJobDto:
    """API-1: 404 library → validation → store → `job.created`."""
    now = utcnow()
    async with runtime.db.write() as session:
        await require_library(session, library_id)
        draft = JobDraft(
            name=_trimmed_name(body.name),
            cron_schedule=body.cron_schedule,
            timezone=body.timezone,
            config=body.config.to_config(),
        )
        await validate_job(session, library_id, draft)
        draft = await _named(session, draft)
        job = LibraryJob(
            library_id=library_id,
            type=draft.config.type,
            created_at=now,
            updated_at=now,
        )
        _store_draft(job, draft, enabled=body.enabled, now=now, runtime=runtime)
        session.add(job)
        await session.flush()
        _announce(session, runtime, "job.created", job, principal)
        dto = job_dto(job, None, runtime.settings.scheduler.timezone)
    log.info("job_created", jobId=str(job.id), libraryId=str(library_id))
    return dto


def _store_draft(
    job: LibraryJob, draft: JobDraft, *, enabled: bool, now: datetime, runtime: Runtime
) -> None:
    job.name = draft.name
    job.cron_schedule = parse_cron(draft.cron_schedule).stored
    job.timezone = draft.timezone
    job.config = draft.config.deduplicated().to_stored()
    job.enabled = enabled
    tz = effective_timezone(draft.timezone, runtime.settings.scheduler.timezone)
    job.next_run_at = next_slot(job.cron_schedule, tz, now) if enabled else None
    job.updated_at = now


def _announce(
    session: AsyncSession,
    runtime: Runtime,
    name: str,
    job: LibraryJob,
    principal: Principal | None,
) -> None:
    user_id = principal.user_id if principal is not None else None
    runtime.bus.publish_after_commit(
        session, job_event(name, job.id, job.library_id, user_id=user_id)
    )
    announce_jobs_changed(session, runtime.bus)


async def patch_job(
    runtime: Runtime,
    principal: Principal,
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    body: PatchJob,
) -> LibraryJobDto:
    """API-2: merge, re-validate the merged job, renormalise, recompute `next_run_at`."""
    given = body.model_fields_set
    now = utcnow()
    async with runtime.db.write() as session:
        job = await get_job_row(session, library_id, job_id, for_update=True)
        current = _current_config(job)
        if "config" in given and body.config is not None and body.config.type != job.type:
            raise ValidationFailed(
                FieldError("config.type", f"config type cannot change (job type is '{job.type}')")
            )
        draft = _merged_draft(job, current, body, given)
        only_disabling = given == {"enabled"} and body.enabled is False
        await validate_job(session, library_id, draft, check_provider=not only_disabling)
        draft = await _named(session, draft)
        enabled = job.enabled if body.enabled is None else body.enabled
        _store_draft(job, draft, enabled=enabled, now=now, runtime=runtime)
        await session.flush()
        _announce(session, runtime, "job.updated", job, principal)
        dto = await _dto(session, job, runtime.settings.scheduler.timezone)
    log.info("job_updated", jobId=str(job_id), enabled=dto.enabled)
    return dto


def _current_config(job: LibraryJob) -> RefreshConfig:
    """The stored config, or 409 for an unsupported type or an undecodable row (CFG-4)."""
    config = stored_config(job)
    if config is None:
        raise Conflict(unsupported_type_message(job.type))
    return config


def _merged_draft(
    job: LibraryJob, current: RefreshConfig, body: PatchJob, given: set[str]
) -> JobDraft:
    name = job.name
    if "name" in given:
        name = _trimmed_name(body.name)
    config = current
    if "config" in given and body.config is not None:
        config = body.config.to_config()
    return JobDraft(
        name=name,
        cron_schedule=body.cron_schedule if body.cron_schedule is not None else job.cron_schedule,
        timezone=body.timezone if "timezone" in given else job.timezone,
        config=config,
    )


async def delete_job(
    runtime: Runtime, principal: Principal, library_id: uuid.UUID, job_id: uuid.UUID
) -> None:
    """API-3: refused with 409 while the job has an active run."""
    async with runtime.db.write() as session:
        job = await get_job_row(session, library_id, job_id, for_update=True)
        active = await find_active_run(session, job.id)
        if active is not None:
            raise Conflict(
                "job has an active run; cancel it first", task_id=active.task_id, run_id=active.id
            )
        _announce(session, runtime, "job.deleted", job, principal)
        await session.execute(delete(LibraryJob).where(LibraryJob.id == job.id))
    log.info("job_deleted", jobId=str(job_id))


async def run_now(
    runtime: Runtime,
    library_id: uuid.UUID,
    job_id: uuid.UUID,
    *,
    requested_by: uuid.UUID | None,
    created_by: str,
) -> RunStartedDto:
    """API-4: a manual run and its task in one transaction; 409 naming the active run."""
    async with runtime.db.write() as session:
        job = await get_job_row(session, library_id, job_id, for_update=True)
        if find_job_type(job.type) is None:
            raise Conflict(unsupported_type_message(job.type))
        started = await start_run(
            session,
            runtime.bus,
            job,
            trigger="manual",
            created_by=created_by,
            requested_by=requested_by,
        )
        if isinstance(started, ActiveRun):
            raise Conflict(ACTIVE_RUN_MESSAGE, task_id=started.task_id, run_id=started.run_id)
    log.info("job_run_requested", jobId=str(job_id), runId=str(started.run_id))
    return RunStartedDto(task_id=started.task_id, run_id=started.run_id)


def field_groups(entity: str) -> list[FieldGroupDto]:
    """The catalog's groups in order; 400 `unknown entity '<x>'`."""
    try:
        catalog = catalog_for(Entity(entity))
    except ValueError:
        raise ValidationFailed(FieldError("query.entity", f"unknown entity '{entity}'")) from None
    return [FieldGroupDto(id=g.id, label=g.label, fields=list(g.fields)) for g in catalog.groups]


def cron_preview(
    expr: str | None,
    timezone: str | None,
    count: int,
    after: datetime | None,
    *,
    default_timezone: str,
) -> CronPreviewDto:
    """API-5: the scheduler's own slots, shown in local time with offsets."""
    try:
        expression = parse_cron(expr or "")
    except CronError as exc:
        raise ValidationFailed(FieldError("query.expr", cron_message(exc))) from None
    zone_name = timezone or default_timezone
    try:
        tz = zone(zone_name)
    except TimezoneError:
        raise ValidationFailed(FieldError("query.timezone", timezone_message(zone_name))) from None
    if not 1 <= count <= MAX_PREVIEW_COUNT:
        raise ValidationFailed(
            FieldError("query.count", f"count must be between 1 and {MAX_PREVIEW_COUNT}")
        )
    schedule = Schedule(expression, tz)
    slots = schedule.next_runs(after or utcnow(), count)
    return CronPreviewDto(
        expression=expression.stored,
        timezone=zone_name,
        description=schedule.describe(),
        next_runs=[_local_instant(slot.astimezone(tz)) for slot in slots],
    )


def _local_instant(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds")
