"""Reading tasks: the filtered list, one task, and the queue's statistics (platform §3.11)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.database import Database
from colophon.errors import FieldError, ValidationFailed
from colophon.runtime import Runtime
from colophon.system.instances import liveness
from colophon.tasks import queue
from colophon.tasks.models import ACTIVE_STATUSES, FINISHED_STATUSES, Task
from colophon.tasks.schemas import StatusCounts, TaskDto, TaskPage, TaskStats
from colophon.tasks.titles import TargetNames, load_names
from colophon.tasks.types import TASK_TYPES

ALL_STATUSES = (*ACTIVE_STATUSES, *FINISHED_STATUSES)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class TaskFilter:
    """What ``GET /tasks`` selects; empty tuples mean "any"."""

    statuses: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    library_id: uuid.UUID | None = None
    job_id: uuid.UUID | None = None
    active: bool | None = None


def _comma_list(raw: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())


def task_filter(
    *,
    status: str | None,
    task_type: str | None,
    library_id: uuid.UUID | None,
    job_id: uuid.UUID | None,
    active: bool | None,
) -> TaskFilter:
    """Parse the list's query; unknown statuses or types are 400 on their parameter."""
    statuses, types = _comma_list(status), _comma_list(task_type)
    problems = [
        FieldError("query.status", f"unknown status '{name}'")
        for name in statuses
        if name not in ALL_STATUSES
    ] + [
        FieldError("query.type", f"unknown task type '{name}'")
        for name in types
        if name not in TASK_TYPES
    ]
    if problems:
        raise ValidationFailed(problems)
    return TaskFilter(statuses, types, library_id, job_id, active)


def _conditions(selection: TaskFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if selection.statuses:
        conditions.append(Task.status.in_(selection.statuses))
    if selection.types:
        conditions.append(Task.task_type.in_(selection.types))
    if selection.library_id:
        conditions.append(Task.library_id == selection.library_id)
    if selection.job_id:
        conditions.append(Task.job_id == selection.job_id)
    if selection.active is not None:
        wanted = ACTIVE_STATUSES if selection.active else FINISHED_STATUSES
        conditions.append(Task.status.in_(wanted))
    return conditions


# The list is newest first and new tasks keep arriving, so the cursor is a position in that
# order (created_at, id) rather than an offset that would shift under the reader.
def _encode_cursor(task: Task) -> str:
    raw = json.dumps({"c": task.created_at.isoformat(), "i": str(task.id)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(raw["c"]), uuid.UUID(raw["i"])
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed(FieldError("query.cursor", "invalid cursor")) from None


def _after(cursor: str) -> ColumnElement[bool]:
    created_at, task_id = _decode_cursor(cursor)
    if created_at.tzinfo is None:
        raise ValidationFailed(FieldError("query.cursor", "invalid cursor"))
    return or_(Task.created_at < created_at, and_(Task.created_at == created_at, Task.id < task_id))


def camel_keys(params: dict[str, Any]) -> dict[str, Any]:
    """``{"allow_empty": true}`` → ``{"allowEmpty": true}``: params are camelCase on the wire."""
    return {to_camel(key): value for key, value in params.items()}


def task_dto(task: Task, names: TargetNames) -> TaskDto:
    """The wire view of a task, with its read-time title and target names."""
    return TaskDto(
        id=task.id,
        task_type=task.task_type,
        title=names.title(task),
        status=task.status,
        priority=task.priority,
        library_id=task.library_id,
        library_name=names.library_name(task),
        series_id=task.series_id,
        book_id=task.book_id,
        job_id=task.job_id,
        job_name=names.job_name(task),
        run_id=task.run_id,
        params=camel_keys(task.params or {}),
        dedup_key=task.dedup_key,
        attempts=task.attempts,
        max_attempts=task.max_attempts,
        cancel_requested=task.cancel_requested,
        progress=task.progress,
        result=task.result,
        last_error=task.last_error,
        locked_by=task.locked_by,
        locked_until=task.locked_until,
        heartbeat_at=task.heartbeat_at,
        created_by=task.created_by,
        scheduled_for=task.scheduled_for,
        created_at=task.created_at,
        started_at=task.started_at,
        completed_at=task.completed_at,
    )


async def task_dtos(session: AsyncSession, tasks: Sequence[Task]) -> list[TaskDto]:
    names = await load_names(session, tasks)
    return [task_dto(task, names) for task in tasks]


async def list_tasks(
    db: Database, selection: TaskFilter, *, limit: int, cursor: str | None
) -> TaskPage:
    """One page of tasks, newest first; 400 on a malformed cursor."""
    query = select(Task).where(*_conditions(selection))
    if cursor:
        query = query.where(_after(cursor))
    query = query.order_by(Task.created_at.desc(), Task.id.desc()).limit(limit + 1)
    async with db.read() as session:
        rows = list(await session.scalars(query))
        page = rows[:limit]
        items = await task_dtos(session, page)
    more = len(rows) > limit
    return TaskPage(items=items, next_cursor=_encode_cursor(page[-1]) if more else None)


async def read_task(db: Database, task_id: uuid.UUID) -> TaskDto:
    """One task; NotFound (``task not found``) when it does not exist."""
    async with db.read() as session:
        task = await queue.get_task(session, task_id)
        return (await task_dtos(session, [task]))[0]


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """Tasks per type and status, plus the figures stats and metrics share."""

    by_type: dict[str, StatusCounts]
    stale: int
    oldest_pending_age_s: float | None

    @property
    def totals(self) -> StatusCounts:
        total = StatusCounts()
        for counts in self.by_type.values():
            for status in ALL_STATUSES:
                setattr(total, status, getattr(total, status) + getattr(counts, status))
        return total


async def count_tasks(db: Database) -> QueueCounts:
    """Counts by type and status, stale leases, and how long the oldest due task has waited."""
    async with db.read() as session:
        now = queue.database_now(session)
        rows = await session.execute(
            select(Task.task_type, Task.status, func.count()).group_by(Task.task_type, Task.status)
        )
        stale = await session.scalar(
            select(func.count()).where(Task.status == "processing", Task.locked_until < now)
        )
        oldest = await session.scalar(
            select(func.min(Task.scheduled_for)).where(
                Task.status == "pending", Task.scheduled_for <= now
            )
        )
        reference = await session.scalar(select(now)) if not isinstance(now, datetime) else now
    by_type: dict[str, StatusCounts] = {}
    for type_name, status, count in rows:
        counts = by_type.setdefault(type_name, StatusCounts())
        if status in ALL_STATUSES:
            setattr(counts, status, count)
    age = (reference - oldest).total_seconds() if oldest and reference else None
    return QueueCounts(by_type, int(stale or 0), max(age, 0.0) if age is not None else None)


async def queue_stats(runtime: Runtime) -> TaskStats:
    """``GET /tasks/stats``: counts, stale leases, oldest wait, live workers, retention."""
    counts = await count_tasks(runtime.db)
    workers = await liveness(runtime, "worker")
    return TaskStats(
        counts=counts.totals,
        by_type=counts.by_type,
        stale=counts.stale,
        oldest_pending_age_s=counts.oldest_pending_age_s,
        alive_workers=workers.alive,
        retention_days=runtime.settings.tasks.retention_days,
    )
