"""Submitting tasks from domain services, with their events (platform §3.3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from colophon.tasks import queue
from colophon.tasks.events import Event, EventBus
from colophon.tasks.queue import Enqueued, Targets
from colophon.tasks.task_events import lifecycle_event

TASKS_READY = Event("internal", "tasks.ready", {})


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
        bus.publish_after_commit(session, lifecycle_event("task.queued", enqueued.task))
        bus.publish_after_commit(session, TASKS_READY)
    return enqueued
