"""The `revert_job_run` handler: restore a run's writes and record the outcome on it (§9.2)."""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from sqlalchemy import select

from colophon.auth.models import ApiKey
from colophon.db.clock import utcnow
from colophon.jobs.models import LibraryJobRun
from colophon.jobs.runs import job_event
from colophon.metadata.revert import RevertOutcome, revert_run
from colophon.runtime import Runtime
from colophon.tasks.context import PermanentTaskError, TaskContext
from colophon.tasks.models import Task

log = structlog.get_logger(__name__)


def _run_id(task: Task) -> uuid.UUID:
    try:
        return uuid.UUID(str(task.params["run_id"]))
    except (KeyError, ValueError):
        raise PermanentTaskError("invalid task params") from None


async def requester_of(runtime: Runtime, created_by: str) -> uuid.UUID | None:
    """The user behind `user:<id>` or `apikey:<id>` (the key's owner); None otherwise."""
    kind, _, raw = created_by.partition(":")
    try:
        actor_id = uuid.UUID(raw)
    except ValueError:
        return None
    if kind == "user":
        return actor_id
    if kind == "apikey":
        async with runtime.db.read() as session:
            owner: uuid.UUID | None = await session.scalar(
                select(ApiKey.user_id).where(ApiKey.id == actor_id)
            )
            return owner
    return None


async def revert_job_run(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """REV-2, REV-3: revert entity by entity; `reverted_at` only when nothing failed."""
    run_id = _run_id(task)
    runtime = ctx.runtime
    async with runtime.db.read() as session:
        if await session.get(LibraryJobRun, run_id) is None:
            raise PermanentTaskError("run not found")
    user_id = await requester_of(runtime, task.created_by)

    async def on_progress(done: int, total: int) -> None:
        await ctx.progress(done, total, f"Reverting run ({done}/{total} item(s))")

    outcome = await revert_run(runtime.db, run_id, user_id=user_id, on_progress=on_progress)
    summary = outcome.summary_json()
    await ctx.finish_progress()
    await _record(runtime, run_id, user_id, outcome, summary)
    log.info("run_reverted", runId=str(run_id), restored=outcome.restored, failed=outcome.failed)
    return summary


async def _record(
    runtime: Runtime,
    run_id: uuid.UUID,
    user_id: uuid.UUID | None,
    outcome: RevertOutcome,
    summary: dict[str, Any],
) -> None:
    async with runtime.db.write() as session:
        run = await session.get(LibraryJobRun, run_id)
        if run is None:
            return
        run.revert_summary = summary
        if outcome.failed == 0:
            run.reverted_at, run.reverted_by = utcnow(), user_id
        runtime.bus.publish_after_commit(
            session,
            job_event(
                "job.run_reverted",
                run.job_id,
                run.library_id,
                user_id=user_id,
                runId=run.id,
                restored=outcome.restored,
                skipped=len(outcome.skipped),
            ),
        )
