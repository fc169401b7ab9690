"""Payloads of the task stream's events (platform §4.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from colophon.db.clock import utcnow
from colophon.tasks.events import Event
from colophon.tasks.models import Task
from colophon.wire import format_instant

MAX_MESSAGE_CHARS = 500
# A lifecycle event's name for each status a worker transition ends in.
OUTCOME_EVENTS = {
    "completed": "task.completed",
    "cancelled": "task.cancelled",
    "failed": "task.failed",
    "pending": "task.retrying",
}


def _instant(value: datetime | None) -> str | None:
    return format_instant(value) if value else None


def _id(value: object | None) -> str | None:
    return str(value) if value else None


def lifecycle_event(name: str, task: Task, *, title: str | None) -> Event:
    """``task.queued``, ``task.started``, ``task.completed``… with the task's state."""
    data: dict[str, Any] = {
        "type": name,
        "taskId": str(task.id),
        "taskType": task.task_type,
        "status": task.status,
        "title": title,
        "libraryId": _id(task.library_id),
        "seriesId": _id(task.series_id),
        "bookId": _id(task.book_id),
        "jobId": _id(task.job_id),
        "runId": _id(task.run_id),
        "attempts": task.attempts,
        "maxAttempts": task.max_attempts,
        "cancelRequested": task.cancel_requested,
        "error": (task.last_error or "")[:MAX_MESSAGE_CHARS] or None,
        "retryAt": _instant(task.scheduled_for) if name == "task.retrying" else None,
        "createdAt": _instant(task.created_at),
        "startedAt": _instant(task.started_at),
        "completedAt": _instant(task.completed_at),
        "timestamp": format_instant(utcnow()),
    }
    return Event("tasks", name, data)


def progress_event(task: Task, progress: dict[str, Any]) -> Event:
    """``task.progress`` with ``current``, ``total``, ``message`` and flat ``counts``."""
    data = {
        "type": "task.progress",
        "taskId": str(task.id),
        "taskType": task.task_type,
        "jobId": _id(task.job_id),
        "runId": _id(task.run_id),
        "libraryId": _id(task.library_id),
        "current": progress.get("current", 0),
        "total": progress.get("total", 0),
        "message": str(progress.get("message", ""))[:MAX_MESSAGE_CHARS],
        "counts": progress.get("counts") or {},
        "timestamp": format_instant(utcnow()),
    }
    return Event("tasks", "task.progress", data)
