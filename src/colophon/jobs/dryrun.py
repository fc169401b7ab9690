"""Dry-run: the run's plan and per-item pipeline on a sample, writing nothing (§8).

The sample goes through exactly the run's path (plan, match, get, the applier's gates) with
the applier in dry-run mode, so a preview cannot drift from a run (DRY-4, DRY-5).
"""

from __future__ import annotations

import asyncio
import uuid

from colophon.db.clock import utcnow
from colophon.errors import Conflict, FieldError, ValidationFailed
from colophon.jobs.job_types import RefreshConfig, find_job_type, unsupported_type_message
from colophon.jobs.planner import ItemRef, Plan, SkippedItem, SkipReason, plan_refresh
from colophon.jobs.refresh_item import ItemOutcome, ItemPipeline, ItemTimeout
from colophon.jobs.schemas import (
    DryRunDto,
    DryRunItemDto,
    FieldChangeDto,
    SavedDryRun,
    SkippedFieldDto,
    SkippedItemDto,
    UnsavedDryRun,
)
from colophon.jobs.service import get_job_row, require_library, stored_config
from colophon.jobs.validation import (
    JobDraft,
    find_provider_plugin,
    provider_error,
    static_error,
)
from colophon.metadata.apply import ApplyingPlugin
from colophon.metadata.permissions import PluginPermissions
from colophon.plugins.errors import PluginError, PluginRateLimited
from colophon.plugins.supervisor import supervisor_of
from colophon.runtime import Runtime

SAMPLE_RANGE = (1, 20)
INTERACTIVE_MAX_WAIT_S = 10.0  # the API process does not queue behind long limiter waits


def check_sample_size(sample_size: int) -> None:
    """VAL-17 (checked before VAL-1)."""
    low, high = SAMPLE_RANGE
    if not low <= sample_size <= high:
        raise ValidationFailed(
            FieldError("sampleSize", f"sampleSize must be between {low} and {high}")
        )


async def dry_run_saved(
    runtime: Runtime, library_id: uuid.UUID, job_id: uuid.UUID, body: SavedDryRun
) -> DryRunDto:
    """DRY-1: the stored config as is, or a validated `configOverride`; nothing is saved."""
    check_sample_size(body.sample_size)
    async with runtime.db.read() as session:
        job = await get_job_row(session, library_id, job_id)
        config = stored_config(job)
        if find_job_type(job.type) is None or config is None:
            raise Conflict(unsupported_type_message(job.type))
        if body.config_override is not None:
            if body.config_override.type != job.type:
                raise ValidationFailed(
                    FieldError("configOverride.type", f"configOverride type must be '{job.type}'")
                )
            config = body.config_override.to_config()
            draft = JobDraft(job.name, job.cron_schedule, job.timezone, config)
            error = static_error(draft, prefix="configOverride")
            if error is None:
                plugin = await find_provider_plugin(session, config.plugin_name or "")
                error = provider_error(config, plugin, library_id, prefix="configOverride")
            if error is not None:
                raise ValidationFailed(error)
    return await preview(runtime, library_id, config, body.sample_size, job_id=job_id)


async def dry_run_unsaved(
    runtime: Runtime, library_id: uuid.UUID, body: UnsavedDryRun
) -> DryRunDto:
    """DRY-2: a create body, validated where present; nothing is created."""
    check_sample_size(body.sample_size)
    config = body.config.to_config()
    async with runtime.db.read() as session:
        await require_library(session, library_id)
        draft = JobDraft(
            name=(body.name or "").strip(),
            # Validated when present (VAL-18); a valid stand-in otherwise.
            cron_schedule=body.cron_schedule if body.cron_schedule is not None else "@daily",
            timezone=body.timezone,
            config=config,
        )
        error = static_error(draft)
        if error is None:
            plugin = await find_provider_plugin(session, config.plugin_name or "")
            error = provider_error(config, plugin, library_id)
        if error is not None:
            raise ValidationFailed(error)
    return await preview(runtime, library_id, config, body.sample_size, job_id=None)


async def preview(
    runtime: Runtime,
    library_id: uuid.UUID,
    config: RefreshConfig,
    sample_size: int,
    *,
    job_id: uuid.UUID | None,
) -> DryRunDto:
    """DRY-3..DRY-8: plan as a run would now, then preview the first `sample_size` items."""
    config = config.deduplicated()
    async with runtime.db.read() as session:
        plugin = await find_provider_plugin(session, config.plugin_name or "")
        plan = await plan_refresh(session, library_id, config, plugin, now=utcnow())
    if plan.failure is not None:
        return _response(job_id, config, plan, sample_size, sample=[], skipped=[])
    sample = list(plan.planned[:sample_size])
    items = await _preview_items(runtime, config, sample)
    skipped = [_skipped_dto(skip) for skip in plan.skipped[:sample_size]]
    return _response(job_id, config, plan, sample_size, sample=items, skipped=skipped)


def _response(
    job_id: uuid.UUID | None,
    config: RefreshConfig,
    plan: Plan,
    sample_size: int,
    *,
    sample: list[DryRunItemDto],
    skipped: list[SkippedItemDto],
) -> DryRunDto:
    return DryRunDto(
        job_id=job_id,
        config=config.to_wire(),
        total_items=len(plan.planned) + len(plan.skipped),
        total_eligible=len(plan.planned),
        est_skipped_no_id=plan.skipped_count(SkipReason.NO_EXTERNAL_ID),
        est_skipped_recently_synced=plan.skipped_count(SkipReason.RECENTLY_SYNCED),
        plan_failure=plan.failure.value if plan.failure else None,
        sample_size=sample_size,
        sample=sample,
        skipped_sample=skipped,
    )


async def _preview_items(
    runtime: Runtime, config: RefreshConfig, sample: list[ItemRef]
) -> list[DryRunItemDto]:
    if not sample:
        return []
    supervisor = supervisor_of(runtime)
    try:
        record = await supervisor.record_by_name(config.plugin_name or "")
        host = await supervisor.host(record)
    except PluginError as exc:
        return [_error(item, exc.message) for item in sample]
    pipeline = ItemPipeline(
        runtime=runtime,
        host=host,
        plugin=ApplyingPlugin(record.name, PluginPermissions.from_stored(record.permissions)),
        config=config,
        series_fields=config.series_fields(),
        book_fields=config.book_fields(),
        max_wait_s=INTERACTIVE_MAX_WAIT_S,
    )
    slots = asyncio.Semaphore(config.max_concurrency)

    async def one(item: ItemRef) -> DryRunItemDto:
        async with slots:
            return await _preview_item(pipeline, item)

    return list(await asyncio.gather(*(one(item) for item in sample)))


async def _preview_item(pipeline: ItemPipeline, item: ItemRef) -> DryRunItemDto:
    """One sampled item; every failure is that item's `error` (DRY-4)."""
    try:
        outcome = await pipeline.refresh(item, dry_run=True)
    except PluginRateLimited as exc:
        return _error(item, f"rate limited by provider; retry after {exc.retry_after_s}s")
    except ItemTimeout as exc:
        return _error(item, str(exc))
    except PluginError as exc:
        return _error(item, exc.message)
    return _item_dto(item, outcome)


def _item_dto(item: ItemRef, outcome: ItemOutcome) -> DryRunItemDto:
    base = {
        "entity_type": item.entity.value,
        "entity_id": item.entity_id,
        "series_id": item.series_id,
        "name": item.name,
        "external_id": outcome.external_id or item.external_id,
        "match_confidence": outcome.match_confidence,
    }
    if outcome.kind == "skipped":
        reason = outcome.skip_reason.value if outcome.skip_reason else None
        return DryRunItemDto(**base, status="skipped", reason=reason)
    if outcome.kind == "failed" or outcome.result is None:
        return DryRunItemDto(**base, status="error", reason=outcome.message)
    result = outcome.result
    return DryRunItemDto(
        **base,
        status="would_change" if result.changes else "no_change",
        changes=[
            FieldChangeDto(field=c.field, before=c.before, after=c.after) for c in result.changes
        ],
        unchanged=list(result.unchanged),
        skipped=[SkippedFieldDto(field=s.field, reason=s.reason) for s in result.skipped],
    )


def _error(item: ItemRef, message: str) -> DryRunItemDto:
    return DryRunItemDto(
        entity_type=item.entity.value,
        entity_id=item.entity_id,
        series_id=item.series_id,
        name=item.name,
        status="error",
        external_id=item.external_id,
        match_confidence=None,
        reason=message,
    )


def _skipped_dto(skip: SkippedItem) -> SkippedItemDto:
    item = skip.item
    return SkippedItemDto(
        entity_type=item.entity.value,
        entity_id=item.entity_id,
        name=item.name,
        reason=skip.reason.value,
        last_synced_at=item.last_synced_at,
    )
