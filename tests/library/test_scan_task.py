"""The `scan_library` task: handler result, event and failures (platform §3.10, §8.3)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from colophon.library.models import Library
from colophon.library.scanner.task import scan_library
from colophon.runtime import Runtime
from colophon.tasks import queue
from colophon.tasks.context import PermanentTaskError, TaskContext
from colophon.tasks.models import Task
from colophon.tasks.queue import Targets
from tests.conftest import ApiClient
from tests.library.builders import write_blob, write_cbz

Json = dict[str, object]
SCAN_RESULT_KEYS = [
    "seriesAdded", "seriesDeleted", "booksAdded", "booksUpdated", "booksUnchanged",
    "booksDeleted", "booksRestored", "ignoredFiles", "errors", "errorSamples", "durationS",
]  # fmt: skip


async def enqueue_scan(runtime: Runtime, root: Path, **params: object) -> Task:
    async with runtime.db.write() as session:
        library = Library(name="Comics", root_path=str(root))
        session.add(library)
        await session.flush()
        enqueued = await queue.enqueue(
            session,
            "scan_library",
            params={"full": False, "allow_empty": False, **params},
            targets=Targets(library_id=library.id),
        )
    return enqueued.task


async def test_the_handler_returns_the_result_and_emits_one_library_scanned_event(
    runtime: Runtime, library_root: Path
) -> None:
    """§8.3 rule 2 and §4.3: one `library.scanned` with the scan counts."""
    write_cbz(library_root / "Saga" / "Saga 1.cbz")
    write_blob(library_root / "stray.cbz")
    task = await enqueue_scan(runtime, library_root)
    ctx = TaskContext(runtime, task, "worker-test")

    result = await scan_library(ctx, task)
    await ctx.finish_progress()

    assert list(result) == SCAN_RESULT_KEYS
    assert (result["booksAdded"], result["seriesAdded"], result["ignoredFiles"]) == (1, 1, 1)
    assert [event.name for event in ctx.pending_events] == ["library.scanned"]
    payload = ctx.pending_events[0].data
    assert (payload["libraryId"], payload["taskId"]) == (str(task.library_id), str(task.id))
    assert payload["counts"] == {
        "added": 1, "updated": 0, "unchanged": 0, "deleted": 0, "errors": 0,
    }  # fmt: skip
    assert ctx.latest_progress is not None
    assert ctx.latest_progress["message"] == "Scanning Comics: 1/1 files"


async def test_an_inaccessible_root_fails_the_task_with_the_spec_message(
    runtime: Runtime, tmp_path: Path
) -> None:
    missing = tmp_path / "gone"
    task = await enqueue_scan(runtime, missing)

    with pytest.raises(PermanentTaskError) as failure:
        await scan_library(TaskContext(runtime, task, "worker-test"), task)

    assert str(failure.value) == f"library root is not accessible: {missing}"


async def test_allow_empty_is_read_from_the_task_params(
    runtime: Runtime, library_root: Path
) -> None:
    write_cbz(library_root / "Saga" / "Saga 1.cbz")
    first = await enqueue_scan(runtime, library_root)
    await scan_library(TaskContext(runtime, first, "worker-test"), first)
    (library_root / "Saga" / "Saga 1.cbz").unlink()
    async with runtime.db.write() as session:
        again = await queue.enqueue(
            session,
            "scan_library",
            params={"full": False, "allow_empty": True},
            targets=Targets(library_id=first.library_id),
        )

    result = await scan_library(TaskContext(runtime, again.task, "worker-test"), again.task)

    assert result["booksDeleted"] == 1


async def wait_for_last_scan(admin: ApiClient, library_id: str, *, deadline_s: float = 30) -> Json:
    """Poll the library until a scan has finished; the deadline only guards against a hang."""
    give_up = time.monotonic() + deadline_s
    while time.monotonic() < give_up:
        library: Json = (await admin.get(f"/api/v1/libraries/{library_id}")).json()
        if library["lastScanStatus"] is not None and library["activeScan"] is None:
            return library
        await asyncio.sleep(0.05)
    raise AssertionError(f"no scan of library {library_id} finished")


async def test_a_library_created_through_the_api_is_scanned_by_the_worker(
    admin: ApiClient, library_root: Path
) -> None:
    """§8.3 rule 3: library creation enqueues a scan; the worker runs this handler."""
    write_cbz(library_root / "Saga" / "Saga 1.cbz")
    write_cbz(library_root / "Saga" / "Saga 2.cbz")
    created = await admin.post(
        "/api/v1/libraries", json={"name": "Comics", "rootPath": str(library_root)}
    )
    assert created.status_code == 201, created.text

    library = await wait_for_last_scan(admin, created.json()["id"])

    assert library["lastScanStatus"] == "completed"
    assert (library["bookCount"], library["seriesCount"]) == (2, 1)
