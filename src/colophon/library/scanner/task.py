"""The ``scan_library`` task handler (platform §3.9, §3.10, §8.3): a thin wrapper of run_scan."""

from __future__ import annotations

import uuid
from typing import Any

from colophon.errors import NotFound
from colophon.library.scanner.result import ScanResult
from colophon.library.scanner.service import ScanFailed, run_scan
from colophon.tasks.context import PermanentTaskError, TaskContext
from colophon.tasks.events import Event, entity_event
from colophon.tasks.models import Task


async def scan_library(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """Scan the task's library; the result has the keys of platform §8.3 rule 2.

    A missing library or an unusable root fails the task at once with the spec's message:
    retrying the same root would only repeat it.
    """
    if task.library_id is None:
        raise PermanentTaskError("library not found")
    params = task.params or {}
    try:
        result = await run_scan(
            ctx.db,
            ctx.runtime.settings.scanner,
            task.library_id,
            full=bool(params.get("full", False)),
            allow_empty=bool(params.get("allow_empty", params.get("allowEmpty", False))),
            progress=ctx.progress,
            cancelled=ctx.cancelled,
        )
    except (NotFound, ScanFailed) as exc:
        raise PermanentTaskError(str(exc)) from exc
    ctx.emit(library_scanned_event(result, task_id=task.id))
    return result.to_json()


def library_scanned_event(result: ScanResult, *, task_id: uuid.UUID | None) -> Event:
    """The single `library.scanned` entity event of a scan (platform §4.3)."""
    return entity_event(
        "library.scanned", libraryId=result.library_id, taskId=task_id, counts=result.counts()
    )
