"""Wire models of the task API (platform §3.11)."""

from __future__ import annotations

import uuid
from typing import Literal

from colophon.wire import Instant, JsonObject, Page, WireModel

TaskStatus = Literal["pending", "processing", "completed", "failed", "cancelled"]


class TaskProgressDto(WireModel):
    """What ``ctx.progress`` stores (§3.10); ``counts`` is flat and keyed per task type."""

    current: int
    total: int
    message: str
    counts: dict[str, int]


class TaskDto(WireModel):
    """One task as the API shows it; ``title``, ``libraryName`` and ``jobName`` are read-time."""

    id: uuid.UUID
    task_type: str
    title: str
    status: TaskStatus
    priority: int
    library_id: uuid.UUID | None
    library_name: str | None
    series_id: uuid.UUID | None
    book_id: uuid.UUID | None
    job_id: uuid.UUID | None
    job_name: str | None
    run_id: uuid.UUID | None
    params: JsonObject
    dedup_key: str | None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    progress: TaskProgressDto | None
    result: JsonObject | None  # free-form: each handler returns its own result
    last_error: str | None
    locked_by: str | None
    locked_until: Instant | None
    heartbeat_at: Instant | None
    created_by: str
    scheduled_for: Instant
    created_at: Instant
    started_at: Instant | None
    completed_at: Instant | None


TaskPage = Page[TaskDto]


class TaskActionResult(WireModel):
    """The answer of cancel and retry: what happened, and the task afterwards."""

    message: str
    task: TaskDto


class PurgeResult(WireModel):
    deleted: int


class StatusCounts(WireModel):
    pending: int = 0
    processing: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0


class TaskStats(WireModel):
    counts: StatusCounts
    by_type: dict[str, StatusCounts]
    stale: int
    oldest_pending_age_s: float | None
    alive_workers: int
    retention_days: int
