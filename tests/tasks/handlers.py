"""Test-only task types and handlers (loaded by workers via COLOPHON_TEST_TASK_HANDLERS).

Importing this module registers the types, so a test process can enqueue them too.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from colophon.tasks.context import Handler, PermanentTaskError, RetryLaterError, TaskContext
from colophon.tasks.events import entity_event
from colophon.tasks.models import Task
from colophon.tasks.types import TaskType, register_task_type

NOOP = "test_noop"
SLEEP = "test_sleep"
FAIL = "test_fail"
PROGRESS = "test_progress"

for kind in (
    TaskType(NOOP, 0, 1, "No-op"),
    TaskType(SLEEP, 0, 3, "Sleep", "library"),
    TaskType(FAIL, 0, 3, "Fail"),
    TaskType(PROGRESS, 0, 1, "Progress"),
):
    register_task_type(kind)


async def noop(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """Do nothing; with ``log`` append ``<task id> <worker id>`` to that file (one line)."""
    log_path = task.params.get("log")
    if log_path:
        line = f"{task.id} {ctx.worker_id}\n".encode()
        descriptor = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line)
        finally:
            os.close(descriptor)
    return {"ok": True}


async def sleep(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """``steps`` steps of ``step_s`` seconds with progress; stops early when cancelled.

    With ``block_first_attempt`` the first attempt never ends by itself (a worker to kill).
    """
    params = task.params
    steps, step_s = int(params.get("steps", 10)), float(params.get("step_s", 0.05))
    if params.get("block_first_attempt") and task.attempts == 1:
        await ctx.progress(0, steps, "blocked")
        await ctx.cancelled.wait()
        return {"done": 0}
    done = 0
    for step in range(steps):
        if ctx.cancelled.is_set() or ctx.stopping.is_set():
            break
        await asyncio.sleep(step_s)
        done = step + 1
        await ctx.progress(done, steps, f"step {done}", {"succeeded": done, "failed": 0})
    ctx.emit(entity_event("library.updated", libraryId=task.library_id))
    return {"done": done}


async def fail(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """Raise what ``params.mode`` says: error, permanent or later."""
    mode = task.params.get("mode", "error")
    if mode == "permanent":
        raise PermanentTaskError("cannot work")
    if mode == "later":
        raise RetryLaterError(float(task.params.get("delay_s", 30)), "not yet")
    raise RuntimeError("boom")


async def progress(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """``steps`` progress reports ``gap_s`` apart; each message is the wall-clock send time."""
    steps, gap_s = int(task.params.get("steps", 20)), float(task.params.get("gap_s", 0))
    for step in range(1, steps + 1):
        await ctx.progress(step, steps, f"{time.time():.6f}")
        if gap_s:
            await asyncio.sleep(gap_s)
    return {"steps": steps}


HANDLERS: dict[str, Handler] = {NOOP: noop, SLEEP: sleep, FAIL: fail, PROGRESS: progress}
