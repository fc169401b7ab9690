"""The task queue's statements: enqueue, claim, lease, finish, cancel, retry (platform §3).

Every transition out of ``processing`` is guarded by ``locked_by``: zero rows means the lease
was lost and the caller drops its outcome.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.db.database import Database
from colophon.errors import Conflict, NotFound
from colophon.tasks.models import ACTIVE_STATUSES, FINISHED_STATUSES, Task

MAX_ERROR_CHARS = 4000


@dataclass(frozen=True, slots=True)
class TaskType:
    """A registered task type's defaults (§3.9)."""

    name: str
    priority: int
    max_attempts: int


TASK_TYPES = {
    t.name: t
    for t in (
        TaskType("revert_job_run", 900, 1),
        TaskType("refresh_library_metadata", 890, 1),
        TaskType("auto_match", 880, 3),
        TaskType("scan_library", 600, 3),
    )
}


@dataclass(frozen=True, slots=True)
class Enqueued:
    task: Task
    created: bool


@dataclass(frozen=True, slots=True)
class Targets:
    library_id: uuid.UUID | None = None
    series_id: uuid.UUID | None = None
    book_id: uuid.UUID | None = None
    job_id: uuid.UUID | None = None
    run_id: uuid.UUID | None = None


async def find_active(session: AsyncSession, dedup_key: str) -> Task | None:
    return await session.scalar(
        select(Task).where(Task.dedup_key == dedup_key, Task.status.in_(ACTIVE_STATUSES))
    )


async def enqueue(
    session: AsyncSession,
    task_type: str,
    *,
    params: dict[str, Any] | None = None,
    targets: Targets = Targets(),
    dedup_key: str | None = None,
    created_by: str = "system",
    priority: int | None = None,
    scheduled_for: datetime | None = None,
) -> Enqueued:
    """Insert a task in the caller's transaction; an active duplicate is returned instead."""
    kind = TASK_TYPES[task_type]
    if dedup_key is not None:
        existing = await find_active(session, dedup_key)
        if existing is not None:
            return Enqueued(existing, created=False)
    task = Task(
        task_type=task_type,
        priority=kind.priority if priority is None else priority,
        max_attempts=kind.max_attempts,
        params=params or {},
        dedup_key=dedup_key,
        created_by=created_by,
        scheduled_for=scheduled_for or utcnow(),
        library_id=targets.library_id,
        series_id=targets.series_id,
        book_id=targets.book_id,
        job_id=targets.job_id,
        run_id=targets.run_id,
    )
    try:
        async with session.begin_nested():
            session.add(task)
            await session.flush()
    except IntegrityError:
        # A concurrent enqueue won the partial unique index; return its task.
        if dedup_key is None:
            raise
        existing = await find_active(session, dedup_key)
        if existing is None:
            raise
        return Enqueued(existing, created=False)
    return Enqueued(task, created=True)


async def claim_next(
    db: Database, worker_id: str, task_types: frozenset[str], lease: timedelta
) -> Task | None:
    """Claim the most urgent due task of a known type, or None (§3.4)."""
    if not task_types:
        return None
    if db.is_sqlite:
        async with db.claim_lock:
            return await _claim(db, worker_id, task_types, lease, skip_locked=False)
    return await _claim(db, worker_id, task_types, lease, skip_locked=True)


async def _claim(
    db: Database,
    worker_id: str,
    task_types: frozenset[str],
    lease: timedelta,
    *,
    skip_locked: bool,
) -> Task | None:
    now = utcnow()
    async with db.write() as session:
        candidate = (
            select(Task.id)
            .where(
                Task.status == "pending",
                Task.scheduled_for <= now,
                Task.task_type.in_(sorted(task_types)),
            )
            .order_by(Task.priority.desc(), Task.scheduled_for, Task.created_at)
            .limit(1)
        )
        if skip_locked:
            candidate = candidate.with_for_update(skip_locked=True)
        task_id = await session.scalar(candidate)
        if task_id is None:
            return None
        task = await session.get(Task, task_id)
        assert task is not None
        task.status = "processing"
        task.locked_by = worker_id
        task.locked_until = now + lease
        task.heartbeat_at = now
        task.attempts += 1
        task.started_at = task.started_at or now
        await session.flush()
        return task


async def heartbeat(
    db: Database, task_id: uuid.UUID, worker_id: str, lease: timedelta
) -> bool | None:
    """Extend the lease; returns ``cancel_requested``, or None when the lease was lost."""
    now = utcnow()
    async with db.write() as session:
        result = await session.execute(
            update(Task)
            .where(Task.id == task_id, Task.status == "processing", Task.locked_by == worker_id)
            .values(locked_until=now + lease, heartbeat_at=now)
            .returning(Task.cancel_requested)
        )
        row = result.first()
    return None if row is None else bool(row[0])


def _owned(task_id: uuid.UUID, worker_id: str) -> Any:
    return and_(Task.id == task_id, Task.status == "processing", Task.locked_by == worker_id)


_UNLOCK = {"locked_by": None, "locked_until": None}


async def save_progress(db: Database, task_id: uuid.UUID, progress: dict[str, Any]) -> None:
    async with db.write() as session:
        await session.execute(update(Task).where(Task.id == task_id).values(progress=progress))


async def finish(
    session: AsyncSession,
    task_id: uuid.UUID,
    worker_id: str,
    *,
    result: dict[str, Any] | None,
) -> Task | None:
    """Mark completed (or cancelled when a cancel was requested); None when the lease was lost."""
    task = await _owned_task(session, task_id, worker_id)
    if task is None:
        return None
    task.status = "cancelled" if task.cancel_requested else "completed"
    task.result = result
    task.completed_at = utcnow()
    task.locked_by = task.locked_until = None
    return task


async def _owned_task(session: AsyncSession, task_id: uuid.UUID, worker_id: str) -> Task | None:
    return await session.scalar(select(Task).where(_owned(task_id, worker_id)).with_for_update())


def retry_delay(attempts: int, base_s: float, max_s: float) -> timedelta:
    """Exponential backoff: base × 2^(attempts−1), capped (§3.6)."""
    return timedelta(seconds=min(base_s * 2 ** max(attempts - 1, 0), max_s))


async def fail(
    session: AsyncSession,
    task_id: uuid.UUID,
    worker_id: str,
    *,
    error: str,
    permanent: bool,
    backoff: tuple[float, float],
    result: dict[str, Any] | None = None,
) -> Task | None:
    """Record a failure: back to pending with backoff while attempts remain, else failed."""
    task = await _owned_task(session, task_id, worker_id)
    if task is None:
        return None
    task.last_error = error[:MAX_ERROR_CHARS]
    task.locked_by = task.locked_until = None
    task.result = result if result is not None else task.result
    if permanent or task.cancel_requested or task.attempts >= task.max_attempts:
        task.status = "cancelled" if task.cancel_requested else "failed"
        task.completed_at = utcnow()
    else:
        task.status = "pending"
        task.scheduled_for = utcnow() + retry_delay(task.attempts, *backoff)
    return task


async def reschedule(
    session: AsyncSession, task_id: uuid.UUID, worker_id: str, *, delay: timedelta
) -> Task | None:
    """Retry later without using an attempt; fail past ``max_reschedules`` (§3.6 rule 3)."""
    task = await _owned_task(session, task_id, worker_id)
    if task is None:
        return None
    task.locked_by = task.locked_until = None
    task.attempts -= 1
    task.reschedule_count += 1
    if task.reschedule_count > task.max_reschedules:
        task.status = "failed"
        task.last_error = f"exceeded {task.max_reschedules} reschedules"
        task.completed_at = utcnow()
    else:
        task.status = "pending"
        task.scheduled_for = utcnow() + delay
    return task


async def release(session: AsyncSession, task_id: uuid.UUID, worker_id: str) -> Task | None:
    """Shutdown: give the task back without consuming its attempt (§1.3 rule 4)."""
    task = await _owned_task(session, task_id, worker_id)
    if task is None:
        return None
    task.status = "pending"
    task.locked_by = task.locked_until = None
    task.attempts = max(task.attempts - 1, 0)
    task.scheduled_for = utcnow()
    return task


async def recover_stale(session: AsyncSession, *, skip_locked: bool) -> list[Task]:
    """Return expired leases to pending, or fail them when attempts are exhausted (§3.7)."""
    query = select(Task).where(Task.status == "processing", Task.locked_until < utcnow())
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    recovered = list(await session.scalars(query))
    for task in recovered:
        owner = task.locked_by
        task.locked_by = task.locked_until = None
        if task.attempts >= task.max_attempts:
            task.status = "failed"
            task.last_error = f"lease expired after {task.attempts} attempts"
            task.completed_at = utcnow()
        else:
            task.status = "pending"
            task.last_error = f"lease expired (worker {owner})"
    return recovered


async def get_task(session: AsyncSession, task_id: uuid.UUID) -> Task:
    task = await session.get(Task, task_id)
    if task is None:
        raise NotFound("task not found")
    return task


async def request_cancel(session: AsyncSession, task_id: uuid.UUID) -> Task:
    """Pending → cancelled at once; processing → ``cancel_requested`` (§3.5 rule 3)."""
    task = await get_task(session, task_id)
    if task.status in FINISHED_STATUSES:
        raise Conflict("task already finished", task_id=task.id)
    if task.status == "pending":
        task.status = "cancelled"
        task.completed_at = utcnow()
    else:
        task.cancel_requested = True
    await session.flush()
    return task


async def retry(session: AsyncSession, task_id: uuid.UUID) -> Task:
    """Failed or cancelled → pending with counters reset (§3.6 rule 4)."""
    task = await get_task(session, task_id)
    if task.status not in ("failed", "cancelled"):
        raise Conflict("only failed or cancelled tasks can be retried", task_id=task.id)
    if task.dedup_key and (active := await find_active(session, task.dedup_key)) is not None:
        raise Conflict("another task with the same key is active", task_id=active.id)
    task.status = "pending"
    task.attempts = task.reschedule_count = 0
    task.cancel_requested = False
    task.last_error = None
    task.result = task.progress = None
    task.locked_by = task.locked_until = task.completed_at = None
    task.scheduled_for = utcnow()
    await session.flush()
    return task


async def purge_finished(session: AsyncSession, older_than: timedelta) -> int:
    """Delete finished tasks whose ``completed_at`` is older than ``older_than``."""
    cutoff = utcnow() - older_than
    result = await session.execute(
        delete(Task).where(
            Task.status.in_(FINISHED_STATUSES),
            or_(Task.completed_at.is_(None), Task.completed_at <= cutoff),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
