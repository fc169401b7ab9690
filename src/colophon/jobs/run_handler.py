"""The `refresh_library_metadata` handler: start, plan, process items, finish (§7).

Items are dispatched in plan order with at most ``maxConcurrency`` in flight (a TaskGroup and
a semaphore); each item commits alone through the applier, so a failing item never stops the
run. The run row is the durable record; the task ends with its summary as result.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.jobs.job_types import RefreshConfig, StoredConfigError, refresh_config_from_stored
from colophon.jobs.models import ACTIVE_RUN_STATUSES, LibraryJob, LibraryJobRun
from colophon.jobs.planner import ItemRef, Plan, plan_refresh
from colophon.jobs.refresh_item import ItemOutcome, ItemPipeline, ItemTimeout
from colophon.jobs.run_summary import (
    CANCELLED_BEFORE_START,
    INTERNAL_ERROR,
    WORKER_LOST,
    RunCounters,
    completed_message,
    nothing_planned_message,
    plan_failure_message,
    run_status,
)
from colophon.jobs.runs import RunEnd, job_event, record_run_end
from colophon.jobs.validation import find_provider_plugin
from colophon.library.models import Library
from colophon.metadata.apply import ApplyingPlugin
from colophon.metadata.catalog import Entity
from colophon.metadata.covers import CoverStore
from colophon.metadata.permissions import PluginPermissions
from colophon.plugins.errors import PluginError, PluginRateLimited
from colophon.plugins.host import PluginHost
from colophon.plugins.supervisor import supervisor_of
from colophon.runtime import Runtime
from colophon.system import metrics
from colophon.tasks.context import PermanentTaskError, RetryLaterError, TaskContext
from colophon.tasks.events import entity_event
from colophon.tasks.models import Task

log = structlog.get_logger(__name__)
MAX_RATE_LIMIT_RETRIES = 3
JOB_CHECK_INTERVAL_S = 1.0  # RUN-6: how stale "the job still exists" may be
MAX_MESSAGE_CHARS = 500


class RunFailed(Exception):
    """Ends the run `failure` with ``message`` (plan failure, bad config, handler error)."""

    def __init__(self, message: str, counters: RunCounters | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.counters = counters or RunCounters()


@dataclass(frozen=True, slots=True)
class RunStart:
    """The run this task executes, as it was when marked running."""

    run_id: uuid.UUID
    job_id: uuid.UUID
    library_id: uuid.UUID
    requested_by: uuid.UUID | None
    config: dict[str, Any]


def _job_id_of(params: dict[str, Any]) -> uuid.UUID:
    try:
        return uuid.UUID(str(params["job_id"]))
    except (KeyError, ValueError):
        raise PermanentTaskError("invalid task params") from None


def _run_id_of(params: dict[str, Any], task: Task) -> uuid.UUID | None:
    raw = params.get("run_id") or task.run_id
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


async def refresh_library_metadata(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """Run one job run (RUN-1..RUN-21); the result is the stored summary."""
    job_id = _job_id_of(task.params)
    start = await _start(ctx, task, job_id)
    if start is None:
        return RunCounters().to_stored()
    with structlog.contextvars.bound_contextvars(
        jobId=str(job_id), runId=str(start.run_id), libraryId=str(start.library_id)
    ):
        started = time.monotonic()
        try:
            end = await _execute(ctx, start)
        except RunFailed as failure:
            end = RunEnd("failure", failure.message, failure.counters.to_stored())
            await _finish(ctx, start, end)
        _count(status=end.status, duration_s=time.monotonic() - started)
        if end.status == "failure":
            # RUN-19: the task fails with the run's message; its result is already stored.
            raise PermanentTaskError(end.message)
        return end.summary or {}


def _count(*, status: str, duration_s: float) -> None:
    metrics.JOB_RUNS.labels(status=status).inc()
    metrics.JOB_RUN_DURATION.labels(status=status).observe(duration_s)


async def _start(ctx: TaskContext, task: Task, job_id: uuid.UUID) -> RunStart | None:
    """RUN-1..RUN-4 in one transaction; None when the run ended before it began."""
    runtime = ctx.runtime
    async with runtime.db.write() as session:
        job = await session.get(LibraryJob, job_id)
        if job is None:
            raise PermanentTaskError(f"Library job not found: {job_id}")
        run = await _run_to_execute(session, task, job)
        cancel_requested = await session.scalar(
            select(Task.cancel_requested).where(Task.id == task.id)
        )
        if cancel_requested:
            end = RunEnd("cancelled", CANCELLED_BEFORE_START, RunCounters().to_stored())
            await record_run_end(session, runtime.bus, run, end)
            return None
        run.status, run.task_id, run.config = "running", task.id, dict(job.config)
        run.started_at = run.started_at or utcnow()
        await session.flush()
        runtime.bus.publish_after_commit(
            session,
            job_event(
                "job.run_started",
                job.id,
                job.library_id,
                runId=run.id,
                taskId=task.id,
                trigger=run.trigger,
            ),
        )
        log.info("run_started", jobId=str(job.id), runId=str(run.id), trigger=run.trigger)
        return RunStart(run.id, job.id, job.library_id, run.requested_by, dict(job.config))


async def _run_to_execute(session: AsyncSession, task: Task, job: LibraryJob) -> LibraryJobRun:
    """RUN-2: the pending or running run named by the task, else a new manual run."""
    run_id = _run_id_of(task.params, task)
    run = await session.get(LibraryJobRun, run_id) if run_id else None
    if run is not None and run.status in ACTIVE_RUN_STATUSES and run.job_id == job.id:
        return run
    run = LibraryJobRun(
        job_id=job.id, library_id=job.library_id, trigger="manual", status="pending"
    )
    try:
        async with session.begin_nested():
            session.add(run)
            await session.flush()
    except IntegrityError:
        raise PermanentTaskError("another run of this job is active") from None
    await session.execute(update(Task).where(Task.id == task.id).values(run_id=run.id))
    return run


async def _execute(ctx: TaskContext, start: RunStart) -> RunEnd:
    """Plan and process; RunFailed for the outcomes that fail the run before items run."""
    try:
        config = refresh_config_from_stored(start.config)
    except StoredConfigError as exc:
        raise RunFailed(f"Run failed: stored config is invalid: {exc}") from None
    try:
        return await _plan_and_process(ctx, start, config)
    except (RunFailed, PermanentTaskError, RetryLaterError):  # decided outcomes
        raise
    except Exception:
        # RUN-10: an unexpected handler error fails the run; details go to the log only.
        log.exception("run_handler_error")
        raise RunFailed(INTERNAL_ERROR) from None


async def _plan_and_process(ctx: TaskContext, start: RunStart, config: RefreshConfig) -> RunEnd:
    runtime = ctx.runtime
    async with runtime.db.read() as session:
        plugin = await find_provider_plugin(session, config.plugin_name or "")
        library = await session.get(Library, start.library_id)
        plan = await plan_refresh(session, start.library_id, config, plugin, now=utcnow())
    counters = RunCounters.of(plan)
    if plan.failure is not None:
        raise RunFailed(plan_failure_message(plan.failure.value, config.provider), counters)
    if not plan.planned:
        end = RunEnd("success", nothing_planned_message(counters), counters.to_stored())
        await _finish(ctx, start, end)
        return end
    host, display_name, plugin_rights = await _provider(runtime, config)
    pipeline = ItemPipeline(
        runtime=runtime,
        host=host,
        plugin=plugin_rights,
        config=config,
        series_fields=config.series_fields(),
        book_fields=config.book_fields(),
        max_wait_s=runtime.settings.plugins.max_queue_wait_s,
        run_id=start.run_id,
        user_id=start.requested_by,
        covers=CoverStore(runtime.settings.data_path),
    )
    processor = RunProcessor(ctx, start, plan, pipeline, counters, library.name if library else "")
    processor.display_name = display_name
    return await processor.run()


async def _provider(
    runtime: Runtime, config: RefreshConfig
) -> tuple[PluginHost, str, ApplyingPlugin]:
    supervisor = supervisor_of(runtime)
    try:
        record = await supervisor.record_by_name(config.plugin_name or "")
        host = await supervisor.host(record)
    except PluginError as exc:
        raise RunFailed(f"Run failed: {exc.message}") from None
    rights = ApplyingPlugin(record.name, PluginPermissions.from_stored(record.permissions))
    return host, record.display_name or record.name, rights


class RunProcessor:
    """Dispatches the planned items and keeps the counters and progress of one run."""

    def __init__(
        self,
        ctx: TaskContext,
        start: RunStart,
        plan: Plan,
        pipeline: ItemPipeline,
        counters: RunCounters,
        library_name: str,
    ) -> None:
        self.ctx, self.start, self.plan, self.pipeline = ctx, start, plan, pipeline
        self.counters, self.library_name = counters, library_name
        self.display_name = pipeline.plugin.name
        self.in_flight = 0
        self.stop_reason: str | None = None
        self._job_checked_at = time.monotonic()

    async def run(self) -> RunEnd:
        c = self.counters
        await self._progress(
            f"Refreshing {self.library_name}: {c.planned} item(s) planned, "
            f"{c.skipped_total} skipped"
        )
        await self._dispatch_all()
        if self.stop_reason == "job_gone":
            await self._end_task_cancelled()
            return RunEnd("cancelled", "job deleted during the run", c.to_stored())
        if self.stop_reason == "stopping":
            # Shutdown: leave the run `running`; the re-delivered task resumes it (RUN-2).
            raise RetryLaterError(0, "released at shutdown")
        status = run_status(c, cancelled=c.not_processed > 0)
        message = completed_message(c, status)
        await self._progress(self._item_message())
        end = RunEnd(status, message, c.to_stored())
        await _finish(self.ctx, self.start, end)
        return end

    async def _dispatch_all(self) -> None:
        planned = self.plan.planned
        slots = asyncio.Semaphore(self.pipeline.config.max_concurrency)
        dispatched = 0
        async with asyncio.TaskGroup() as group:
            for item in planned:
                await slots.acquire()
                self.stop_reason = await self._stop_reason()
                if self.stop_reason is not None:
                    slots.release()
                    break
                dispatched += 1
                self.in_flight += 1
                group.create_task(self._item(item, slots))
            if self.stop_reason == "cancelled":
                await self._progress(
                    f"Cancelling ({self.counters.finished}/{self.counters.planned}, "
                    f"waiting for {self.in_flight} in-flight item(s))"
                )
        self.counters.not_processed += len(planned) - dispatched

    async def _stop_reason(self) -> str | None:
        """RUN-6, RUN-16: cancel requested, process stopping, or the job deleted."""
        if self.ctx.cancelled.is_set():
            return "cancelled"
        if self.ctx.stopping.is_set():
            return "stopping"
        if time.monotonic() - self._job_checked_at >= JOB_CHECK_INTERVAL_S:
            self._job_checked_at = time.monotonic()
            async with self.ctx.runtime.db.read() as session:
                exists = await session.scalar(
                    select(LibraryJob.id).where(LibraryJob.id == self.start.job_id)
                )
            if exists is None:
                return "job_gone"
        return None

    async def _item(self, item: ItemRef, slots: asyncio.Semaphore) -> None:
        try:
            outcome = await self._refresh_with_retries(item)
            if outcome is None:
                self.counters.not_processed += 1
            else:
                await self._record(item, outcome)
        finally:
            self.in_flight -= 1
            slots.release()
        if outcome is not None:
            await self._progress(self._item_message())

    async def _refresh_with_retries(self, item: ItemRef) -> ItemOutcome | None:
        """RUN-14: up to 3 retries after rate limits; None when abandoned while waiting."""
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            try:
                return await self.pipeline.refresh(item, dry_run=False)
            except PluginRateLimited as exc:
                if attempt == MAX_RATE_LIMIT_RETRIES:
                    message = f"rate limited by provider after {MAX_RATE_LIMIT_RETRIES} retries"
                    return ItemOutcome("failed", message=message)
                self.counters.rate_limit_retries += 1
                if not await self._wait_out(exc):
                    return None
            except ItemTimeout as exc:
                return ItemOutcome("failed", message=str(exc))
            except PluginError as exc:
                return ItemOutcome("failed", message=exc.message[:MAX_MESSAGE_CHARS])
            except SQLAlchemyError as exc:
                log.warning("item_database_error", entityId=str(item.entity_id), error=str(exc))
                return ItemOutcome("failed", message=f"database error: {type(exc).__name__}")
            except Exception as exc:
                # RUN-10: each item is its own boundary; one bad item never stops the run.
                log.exception("item_failed", entityId=str(item.entity_id))
                return ItemOutcome("failed", message=f"{type(exc).__name__}: {exc}"[:500])
        return None

    async def _wait_out(self, exc: PluginRateLimited) -> bool:
        """Wait for the limiter's pause (or the local refusal's delay); False if cancelled."""
        limiter = self.pipeline.host.limiter
        wait_s = max(limiter.paused_until - time.monotonic(), 0.0) or float(exc.retry_after_s)
        c = self.counters
        await self._progress(
            f"Waiting {round(wait_s)}s for {self.display_name} rate limit "
            f"({c.finished}/{c.planned})"
        )
        stop = asyncio.ensure_future(_first_set(self.ctx.cancelled, self.ctx.stopping))
        try:
            await asyncio.wait_for(asyncio.shield(stop), timeout=wait_s)
        except TimeoutError:
            return True
        finally:
            stop.cancel()
        return False

    async def _record(self, item: ItemRef, outcome: ItemOutcome) -> None:
        c = self.counters
        if outcome.kind == "skipped" and outcome.skip_reason is not None:
            c.skipped[outcome.skip_reason] += 1
            metrics.JOB_ITEMS.labels(outcome="skipped").inc()
            return
        if outcome.kind == "failed":
            c.add_error(item.entity.value, item.entity_id, item.name, outcome.message or "failed")
            metrics.JOB_ITEMS.labels(outcome="failed").inc()
            return
        c.succeeded += 1
        metrics.JOB_ITEMS.labels(outcome="succeeded").inc()
        result = outcome.result
        if result is not None and result.applied:
            c.items_changed += 1
            c.fields_changed += len(result.applied)
            await self._announce_changes(item, list(result.applied), result.cover_selection_changed)

    async def _announce_changes(
        self, item: ItemRef, fields: list[str], cover_changed: bool
    ) -> None:
        """RUN-9: after the item's commit, its metadata (and cover) events."""
        bus, user = self.ctx.runtime.bus, self.start.requested_by
        source = self.pipeline.plugin.source
        library_id = self.start.library_id
        if item.entity is Entity.SERIES:
            event = entity_event(
                "series.metadata_updated",
                user_id=user,
                seriesId=item.entity_id,
                libraryId=library_id,
                source=source,
                fieldsUpdated=fields,
                runId=self.start.run_id,
            )
        else:
            event = entity_event(
                "book.metadata_updated",
                user_id=user,
                bookId=item.entity_id,
                seriesId=item.series_id,
                libraryId=library_id,
                source=source,
                fieldsUpdated=fields,
            )
        await bus.publish(event)
        if cover_changed:
            await bus.publish(
                entity_event(
                    "cover.updated",
                    user_id=user,
                    entityType=item.entity.value,
                    entityId=item.entity_id,
                    libraryId=library_id,
                )
            )

    def _item_message(self) -> str:
        c = self.counters
        return (
            f"Refreshing {self.library_name} ({c.finished}/{c.planned}, {c.succeeded} succeeded, "
            f"{c.failed} failed, {c.skipped_total} skipped)"
        )

    async def _progress(self, message: str) -> None:
        c = self.counters
        await self.ctx.progress(c.finished, c.planned, message, c.progress_counts())

    async def _end_task_cancelled(self) -> None:
        """RUN-6: the job is gone; end the task `cancelled` without touching run or job rows."""
        async with self.ctx.runtime.db.write() as session:
            await session.execute(
                update(Task).where(Task.id == self.ctx.task_id).values(cancel_requested=True)
            )


async def _first_set(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def _finish(ctx: TaskContext, start: RunStart, end: RunEnd) -> None:
    """§7.5: run and job in one transaction, after the final progress value went out."""
    await ctx.finish_progress()
    async with ctx.runtime.db.write() as session:
        run = await session.get(LibraryJobRun, start.run_id)
        if run is not None:
            await record_run_end(session, ctx.runtime.bus, run, end)
    log.info("run_finished", status=end.status, message=end.message)


async def on_refresh_abandoned(runtime: Runtime, task: Task) -> None:
    """RUN-17: the queue gave up on the task (lease expired, no attempts left)."""
    run_id = _run_id_of(task.params, task)
    if run_id is None:
        return
    async with runtime.db.write() as session:
        run = await session.get(LibraryJobRun, run_id)
        if run is None or run.status not in ACTIVE_RUN_STATUSES:
            return
        await record_run_end(
            session, runtime.bus, run, RunEnd("failure", WORKER_LOST, RunCounters().to_stored())
        )
    log.warning("run_worker_lost", runId=str(run_id))
