"""The task queue's statements: enqueue, claim, lease, finish, cancel, retry (platform §3).

Every transition out of ``processing`` is guarded by ``locked_by``: zero rows means the lease
was lost and the caller drops its outcome. On PostgreSQL, lease and due-time comparisons use
the database clock (``now()``) so that nodes with drifting clocks agree (§1.1 rule 6); on
SQLite, with one process, the process clock is the database clock.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.db.database import Database
from colophon.errors import Conflict, NotFound
from colophon.tasks.models import ACTIVE_STATUSES, FINISHED_STATUSES, Task
from colophon.tasks.types import task_type

MAX_ERROR_CHARS = 4000
_RETURNING_OPTIONS = {"synchronize_session": False, "populate_existing": True}


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


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def database_now(session: AsyncSession) -> ColumnElement[datetime] | datetime:
    """``now()`` on PostgreSQL, the process clock on SQLite."""
    return utcnow() if _is_sqlite(session) else func.now()


async def find_active(session: AsyncSession, dedup_key: str) -> Task | None:
    """The pending or processing task holding ``dedup_key``, or None."""
    return await session.scalar(
        select(Task).where(Task.dedup_key == dedup_key, Task.status.in_(ACTIVE_STATUSES))
    )


async def enqueue(
    session: AsyncSession,
    type_name: str,
    *,
    params: dict[str, Any] | None = None,
    targets: Targets = Targets(),
    dedup_key: str | None = None,
    created_by: str = "system",
    priority: int | None = None,
    scheduled_for: datetime | None = None,
) -> Enqueued:
    """Insert a task in the caller's transaction; an active duplicate is returned instead."""
    kind = task_type(type_name)
    if dedup_key is not None:
        existing = await find_active(session, dedup_key)
        if existing is not None:
            return Enqueued(existing, created=False)
    task = Task(
        task_type=type_name,
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
        # A concurrent enqueue won the partial unique index ux_tasks_dedup_active: its row is
        # committed by now (the insert waited for it), so return that one.
        if dedup_key is None:
            raise
        existing = await find_active(session, dedup_key)
        if existing is None:
            raise
        return Enqueued(existing, created=False)
    return Enqueued(task, created=True)


@asynccontextmanager
async def claim_session(db: Database) -> AsyncIterator[AsyncSession]:
    """The write transaction a claim runs in; on SQLite also the in-process claim lock."""
    if db.is_sqlite:
        async with db.claim_lock, db.write() as session:
            yield session
    else:
        async with db.write() as session:
            yield session


async def claim_next(
    db: Database, worker_id: str, task_types: frozenset[str], lease: timedelta
) -> Task | None:
    """Claim in a transaction of its own (see :func:`claim`)."""
    async with claim_session(db) as session:
        return await claim(session, worker_id, task_types, lease)


async def claim(
    session: AsyncSession, worker_id: str, task_types: frozenset[str], lease: timedelta
) -> Task | None:
    """Claim the most urgent due task of a type this worker handles, or None (§3.4).

    One ``UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``: on PostgreSQL
    concurrent workers never block each other or share a row; SQLite ignores the locking
    clause and relies on :func:`claim_session`. Expired leases are never claimed here; the
    sweeper returns them first (:func:`recover_stale`).
    """
    if not task_types:
        return None
    now = database_now(session)
    candidate = (
        select(Task.id)
        .where(
            Task.status == "pending",
            Task.scheduled_for <= now,
            Task.task_type.in_(sorted(task_types)),
        )
        .order_by(Task.priority.desc(), Task.scheduled_for, Task.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = await session.scalars(
        update(Task)
        .where(Task.id == candidate)
        .values(
            status="processing",
            locked_by=worker_id,
            locked_until=now + lease,
            heartbeat_at=now,
            attempts=Task.attempts + 1,
            started_at=func.coalesce(Task.started_at, now),
        )
        .returning(Task),
        execution_options=_RETURNING_OPTIONS,
    )
    return claimed.one_or_none()


def _owned(task_id: uuid.UUID, worker_id: str) -> ColumnElement[bool]:
    return and_(Task.id == task_id, Task.status == "processing", Task.locked_by == worker_id)


async def heartbeat(
    db: Database, task_id: uuid.UUID, worker_id: str, lease: timedelta
) -> bool | None:
    """Extend the lease; returns ``cancel_requested``, or None when the lease was lost (§3.5)."""
    async with db.write() as session:
        now = database_now(session)
        result = await session.execute(
            update(Task)
            .where(_owned(task_id, worker_id))
            .values(locked_until=now + lease, heartbeat_at=now)
            .returning(Task.cancel_requested)
        )
        row = result.first()
    return None if row is None else bool(row[0])


async def save_progress(db: Database, task_id: uuid.UUID, progress: dict[str, Any]) -> None:
    async with db.write() as session:
        await session.execute(update(Task).where(Task.id == task_id).values(progress=progress))


async def finish(
    session: AsyncSession, task_id: uuid.UUID, worker_id: str, *, result: dict[str, Any] | None
) -> Task | None:
    """Completed, or cancelled when a cancel was requested; None when the lease was lost."""
    finished = await session.scalars(
        update(Task)
        .where(_owned(task_id, worker_id))
        .values(
            status=case((Task.cancel_requested, "cancelled"), else_="completed"),
            result=result,
            completed_at=utcnow(),
            locked_by=None,
            locked_until=None,
        )
        .returning(Task),
        execution_options=_RETURNING_OPTIONS,
    )
    return finished.one_or_none()


async def _owned_task(session: AsyncSession, task_id: uuid.UUID, worker_id: str) -> Task | None:
    return await session.scalar(select(Task).where(_owned(task_id, worker_id)).with_for_update())


def retry_delay(attempts: int, base_s: float, max_s: float) -> timedelta:
    """Exponential backoff: base × 2^(attempts−1), capped (§3.6): 60 s, 120 s, 240 s…"""
    return timedelta(seconds=min(base_s * 2 ** max(attempts - 1, 0), max_s))


async def fail(
    session: AsyncSession,
    task_id: uuid.UUID,
    worker_id: str,
    *,
    error: str,
    permanent: bool,
    backoff: tuple[float, float],
) -> Task | None:
    """Record a failure: back to pending with backoff while attempts remain, else failed.

    A failure while a cancel was requested ends ``cancelled`` (§3.5 rule 4).
    """
    task = await _owned_task(session, task_id, worker_id)
    if task is None:
        return None
    task.last_error = error[:MAX_ERROR_CHARS]
    task.locked_by = task.locked_until = None
    if task.cancel_requested:
        task.status, task.completed_at = "cancelled", utcnow()
    elif permanent or task.attempts >= task.max_attempts:
        task.status, task.completed_at = "failed", utcnow()
    else:
        task.status = "pending"
        task.scheduled_for = utcnow() + retry_delay(task.attempts, *backoff)
    await session.flush()
    return task


async def reschedule(
    session: AsyncSession, task_id: uuid.UUID, worker_id: str, *, delay: timedelta
) -> Task | None:
    """Retry later without using an attempt; fail past ``max_reschedules`` (§3.6 rule 3)."""
    task = await _owned_task(session, task_id, worker_id)
    if task is None:
        return None
    task.locked_by = task.locked_until = None
    task.attempts = max(task.attempts - 1, 0)
    task.reschedule_count += 1
    if task.reschedule_count > task.max_reschedules:
        task.status = "failed"
        task.last_error = f"exceeded {task.max_reschedules} reschedules"
        task.completed_at = utcnow()
    else:
        task.status = "pending"
        task.scheduled_for = utcnow() + delay
    await session.flush()
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
    await session.flush()
    return task


async def recover_stale(session: AsyncSession) -> list[Task]:
    """Return expired leases to pending, or fail them when attempts are exhausted (§3.7).

    The dead claim's attempt stays used. PostgreSQL skips rows another sweeper holds.
    """
    query = (
        select(Task)
        .where(Task.status == "processing", Task.locked_until < database_now(session))
        .with_for_update(skip_locked=True)
    )
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
    await session.flush()
    return recovered


async def get_task(session: AsyncSession, task_id: uuid.UUID) -> Task:
    """The task; NotFound (``task not found``) when it does not exist."""
    task = await session.get(Task, task_id)
    if task is None:
        raise NotFound("task not found")
    return task


async def request_cancel(session: AsyncSession, task_id: uuid.UUID) -> Task:
    """Pending → cancelled at once; processing → ``cancel_requested`` (§3.5 rule 3).

    Conflict when the task already finished.
    """
    task = await session.scalar(select(Task).where(Task.id == task_id).with_for_update())
    if task is None:
        raise NotFound("task not found")
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
    """Failed or cancelled → pending with counters reset (§3.6 rule 4).

    Conflict when the task is not failed or cancelled, or when another task holding the same
    ``dedup_key`` is active (the body names that task).
    """
    task = await session.scalar(select(Task).where(Task.id == task_id).with_for_update())
    if task is None:
        raise NotFound("task not found")
    if task.status not in ("failed", "cancelled"):
        raise Conflict("only failed or cancelled tasks can be retried", task_id=task.id)
    if task.dedup_key and (active := await find_active(session, task.dedup_key)) is not None:
        raise Conflict("an equivalent task is already queued or running", task_id=active.id)
    try:
        async with session.begin_nested():
            _reset_for_retry(task)
            await session.flush()
    except IntegrityError:
        # Another enqueue took the dedup key between our check and the update.
        active = await find_active(session, task.dedup_key or "")
        raise Conflict(
            "an equivalent task is already queued or running",
            task_id=active.id if active else None,
        ) from None
    return task


def _reset_for_retry(task: Task) -> None:
    task.status = "pending"
    task.attempts = task.reschedule_count = 0
    task.cancel_requested = False
    task.last_error = None
    task.result = task.progress = None
    task.locked_by = task.locked_until = task.heartbeat_at = task.completed_at = None
    task.scheduled_for = utcnow()


async def purge_finished(session: AsyncSession, older_than: timedelta) -> int:
    """Delete finished tasks whose ``completed_at`` is at least ``older_than`` ago."""
    cutoff = utcnow() - older_than
    result = await session.execute(
        delete(Task).where(
            Task.status.in_(FINISHED_STATUSES),
            or_(Task.completed_at.is_(None), Task.completed_at <= cutoff),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
