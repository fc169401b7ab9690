"""Task use cases with their events: submit, cancel, retry, purge (platform §3.3, §3.11)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.database import Database
from colophon.errors import FieldError, ValidationFailed
from colophon.tasks import queue
from colophon.tasks.events import Event, EventBus, internal_message
from colophon.tasks.listing import task_dtos
from colophon.tasks.models import Task
from colophon.tasks.notify import Envelope, Rebuild
from colophon.tasks.queue import Enqueued, Targets
from colophon.tasks.schemas import PurgeResult, TaskActionResult
from colophon.tasks.task_events import lifecycle_event, progress_event
from colophon.tasks.titles import title_of

log = structlog.get_logger(__name__)
TASKS_READY = "tasks.ready"
# A century: older than any task this server wrote, and far below where `now - days`
# leaves the datetime range (a larger value used to answer 500).
MAX_PURGE_AGE_DAYS = 36500
CANCEL_REQUESTED = "task.cancel_requested"


async def announce(session: AsyncSession, bus: EventBus, name: str, task: Task) -> None:
    """Publish a lifecycle event of ``task`` with the session's commit (title read now)."""
    title = await title_of(session, task)
    bus.publish_after_commit(session, lifecycle_event(name, task, title=title))


async def submit(
    session: AsyncSession,
    bus: EventBus,
    task_type: str,
    *,
    params: dict[str, Any] | None = None,
    targets: Targets = Targets(),
    dedup_key: str | None = None,
    created_by: str = "system",
) -> Enqueued:
    """Enqueue in the caller's transaction; after commit announce it and wake the workers."""
    enqueued = await queue.enqueue(
        session,
        task_type,
        params=params,
        targets=targets,
        dedup_key=dedup_key,
        created_by=created_by,
    )
    if enqueued.created:
        log.info("task_queued", taskId=str(enqueued.task.id), taskType=task_type)
        await announce(session, bus, "task.queued", enqueued.task)
        bus.publish_after_commit(session, internal_message(TASKS_READY))
    return enqueued


async def cancel_task(db: Database, bus: EventBus, task_id: uuid.UUID) -> TaskActionResult:
    """Cancel now when pending; otherwise ask the owning worker, wherever it runs (§3.5)."""
    async with db.write() as session:
        task = await queue.request_cancel(session, task_id)
        if task.status == "cancelled":
            message = "Task cancelled"
            await announce(session, bus, "task.cancelled", task)
        else:
            message = "Cancellation requested"
            await announce(session, bus, CANCEL_REQUESTED, task)
            # The public event goes to SSE; the internal message reaches the owning worker
            # even in another process (it falls back to its next heartbeat otherwise).
            bus.publish_after_commit(session, internal_message(CANCEL_REQUESTED, taskId=task.id))
        log.info("task_cancel", taskId=str(task.id), taskType=task.task_type, status=task.status)
        dto = (await task_dtos(session, [task]))[0]
    return TaskActionResult(message=message, task=dto)


async def retry_task(db: Database, bus: EventBus, task_id: uuid.UUID) -> TaskActionResult:
    """Put a failed or cancelled task back in the queue (§3.6 rule 4)."""
    async with db.write() as session:
        task = await queue.retry(session, task_id)
        log.info("task_retry", taskId=str(task.id), taskType=task.task_type)
        await announce(session, bus, "task.queued", task)
        bus.publish_after_commit(session, internal_message(TASKS_READY))
        dto = (await task_dtos(session, [task]))[0]
    return TaskActionResult(message="Task queued for retry", task=dto)


async def purge_finished(db: Database, older_than_days: int) -> PurgeResult:
    """Delete finished tasks completed at least ``older_than_days`` ago (0 = all finished)."""
    if older_than_days < 0:
        raise ValidationFailed(FieldError("query.olderThanDays", "must be 0 or more"))
    if older_than_days > MAX_PURGE_AGE_DAYS:
        message = f"must be at most {MAX_PURGE_AGE_DAYS}"
        raise ValidationFailed(FieldError("query.olderThanDays", message))
    async with db.write() as session:
        deleted = await queue.purge_finished(session, timedelta(days=older_than_days))
    log.info("tasks_purged", deleted=deleted)
    return PurgeResult(deleted=deleted)


def task_event_rebuilder(db: Database) -> Rebuild:
    """Rebuild a task event that crossed processes as a reference (§4.4 rule 3)."""

    async def rebuild(envelope: Envelope) -> Event | None:
        ref = envelope.ref or {}
        if ref.get("kind") != "task":
            return None
        try:
            task_id = uuid.UUID(str(ref.get("id")))
        except ValueError:
            return None
        async with db.read() as session:
            task = await session.get(Task, task_id)
            if task is None:
                return None
            if envelope.name == "task.progress":
                return progress_event(task, task.progress or {})
            return lifecycle_event(envelope.name, task, title=await title_of(session, task))

    return rebuild
