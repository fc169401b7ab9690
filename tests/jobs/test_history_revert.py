"""Run history and revert (library-jobs §9)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from tests.conftest import ApiClient
from tests.jobs.conftest import Catalogue, JobFactory, jobs_url, run_job, wait_for_task

from colophon.jobs.models import LibraryJob
from colophon.metadata.models import MetadataChange, SeriesMetadata
from colophon.runtime import Runtime


async def test_runs_list_newest_first_with_cursor_and_detail_with_changes(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    """HIST-1, HIST-2."""
    await catalogue.series("Berserk", external_id="Berserk")
    job = await make_job(config={"skipRecentlySyncedWithinS": 0})
    first, _ = await run_job(admin, library_id, job["id"])
    second, _ = await run_job(admin, library_id, job["id"])
    url = f"{jobs_url(library_id)}/{job['id']}/runs"
    page = (await admin.get(url, params={"limit": 1})).json()
    assert [run["id"] for run in page["items"]] == [second["id"]]
    rest = (await admin.get(url, params={"limit": 1, "cursor": page["nextCursor"]})).json()
    assert [run["id"] for run in rest["items"]] == [first["id"]]
    assert (await admin.get(url, params={"limit": 201})).json()["message"] == (
        "limit must be between 1 and 200"
    )
    assert (await admin.get(url, params={"cursor": "!!"})).json()["message"] == "invalid cursor"
    detail = (await admin.get(f"{url}/{first['id']}")).json()
    assert detail["changeCount"] == len(detail["changes"]["items"]) > 0
    assert detail["changes"]["items"][0]["entityName"] == "Berserk"
    other = await make_job(name="other")
    missing = await admin.get(f"{jobs_url(library_id)}/{other['id']}/runs/{first['id']}")
    assert missing.json() == {"error": "not_found", "message": "run not found"}


async def test_revert_restores_before_values_and_records_on_the_run(
    admin: ApiClient,
    catalogue: Catalogue,
    make_job: JobFactory,
    library_id: uuid.UUID,
    app_runtime: Runtime,
) -> None:
    """REV-1..REV-3; the job's last_run_*, next_run_at and last_synced_at are untouched."""
    kept = await catalogue.series("Kept", external_id="Kept", summary="old")
    edited = await catalogue.series("Edited", external_id="Edited")
    locked = await catalogue.series("Locked", external_id="Locked")
    job = await make_job(enabled=True, config={"fieldGroups": ["descriptive"]})
    run, _ = await run_job(admin, library_id, job["id"])
    synced = await catalogue.synced_at(kept)
    async with app_runtime.db.write() as session:
        row = await session.get(SeriesMetadata, edited)
        assert row is not None
        row.summary = "hand edit"
        session.add(
            MetadataChange(entity_type="series", entity_id=edited, library_id=library_id,
                           field="summary", before='Echo summary for "Edited".',
                           after="hand edit", source="user:x")
        )  # fmt: skip
        locked_row = await session.get(SeriesMetadata, locked)
        assert locked_row is not None
        locked_row.summary_lock = True
    events: list[dict[str, object]] = []

    async def listen(event: object) -> None:
        if getattr(event, "name", "") == "job.run_reverted":
            events.append(event.data)  # type: ignore[attr-defined]

    app_runtime.bus.add_listener(listen)
    before_job = (await admin.get(f"{jobs_url(library_id)}/{job['id']}")).json()
    url = f"{jobs_url(library_id)}/{job['id']}/runs/{run['id']}"
    response = await admin.post(f"{url}/revert")
    assert response.status_code == 202 and response.json()["runId"] == run["id"]
    await wait_for_task(admin, response.json()["taskId"])
    detail = (await admin.get(url)).json()
    async with app_runtime.db.read() as session:
        kept_row = await session.get(SeriesMetadata, kept)
        reverts = list(
            await session.scalars(
                select(MetadataChange.source).where(MetadataChange.source.like("revert:%"))
            )
        )
        job_row = await session.get(LibraryJob, uuid.UUID(job["id"]))
    assert kept_row is not None and kept_row.summary == "old" and kept_row.authors == []
    assert set(reverts) == {f"revert:{run['id']}"}
    summary = detail["revertSummary"]
    assert detail["revertedAt"] is not None and summary["failed"] == 0
    assert summary["skippedByReason"] == {"changed_since": 1, "locked": 1}
    item = next(i for i in summary["skippedItems"] if i["reason"] == "locked")
    assert item["message"] == "Field is locked"
    assert events and events[0]["runId"] == run["id"]
    after_job = (await admin.get(f"{jobs_url(library_id)}/{job['id']}")).json()
    for key in ("lastRunAt", "lastRunStatus", "lastRunMessage", "nextRunAt"):
        assert after_job[key] == before_job[key]
    assert job_row is not None and await catalogue.synced_at(kept) == synced
    again = await admin.post(f"{url}/revert")
    assert again.json() == {"error": "conflict", "message": "run already reverted"}


async def test_revert_conflicts(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    """REV-1: a change-less run, a running run, a job with an active run → 409."""
    job = await make_job()
    nothing, _ = await run_job(admin, library_id, job["id"])
    url = f"{jobs_url(library_id)}/{job['id']}/runs"
    response = await admin.post(f"{url}/{nothing['id']}/revert")
    assert response.json() == {"error": "conflict", "message": "run made no changes"}
    active = (await admin.post(f"{jobs_url(library_id)}/{job['id']}/run-now")).json()
    blocked = await admin.post(f"{url}/{nothing['id']}/revert")
    progressing = await admin.post(f"{url}/{active['runId']}/revert")
    assert blocked.status_code == 409 and progressing.status_code == 409
    assert progressing.json()["message"] in (
        "run is still in progress",
        "run made no changes",  # the run may already be over on a fast machine
    )
