"""The refresh run end to end (library-jobs §7): real worker, real echo plugin, both databases."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import ApiClient
from tests.jobs.conftest import (
    Catalogue,
    JobFactory,
    add_plugin,
    assert_counts_add_up,
    jobs_url,
    run_job,
)

from colophon.jobs import refresh_item
from colophon.jobs.models import LibraryJob
from colophon.metadata.models import MetadataChange, SeriesExternalId, SeriesMetadata
from colophon.runtime import Runtime
from colophon.tasks.events import Event
from colophon_plugins.echo.plugin import STATUSES, title_hash

PROBE = str(Path(__file__).parent / "probe_plugin.py")
SUMMARY_KEYS = {
    "planned", "succeeded", "failed", "skipped", "notProcessed", "itemsChanged",
    "fieldsChanged", "rateLimitRetries", "planFailure", "errors",
}  # fmt: skip


async def series_row(runtime: Runtime, series_id: uuid.UUID) -> SeriesMetadata:
    async with runtime.db.read() as session:
        row = await session.get(SeriesMetadata, series_id)
        assert row is not None
        return row


async def audit_rows(runtime: Runtime, run_id: str) -> list[MetadataChange]:
    async with runtime.db.read() as session:
        return list(
            await session.scalars(
                select(MetadataChange)
                .where(MetadataChange.run_id == uuid.UUID(run_id))
                .order_by(MetadataChange.id)
            )
        )


class Recorder:
    """Collects the entity events published on the bus."""

    def __init__(self, runtime: Runtime) -> None:
        self.events: list[Event] = []
        runtime.bus.add_listener(self._on)

    async def _on(self, event: Event) -> None:
        if event.stream != "internal":
            self.events.append(event)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [event.data for event in self.events if event.name == name]


async def test_only_allow_listed_unlocked_changed_fields_are_written_with_one_audit_row_each(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, app_runtime: Runtime
) -> None:
    """CFG-9 gates, RUN-9 audit rows with source and run id; locks win."""
    series_id = await catalogue.series("Berserk", external_id="Berserk", status_lock=True)
    job = await make_job(config={"fieldGroups": ["descriptive", "status"]})
    run, task = await run_job(admin, catalogue.library_id, job["id"])  # type: ignore[arg-type]
    assert run["status"] == "success" and task["status"] == "completed"
    rows = await audit_rows(app_runtime, run["id"])
    # status is locked; counts, ratings, genres are outside the allow-list.
    assert [row.field for row in rows] == ["summary", "authors", "year"]
    assert {row.source for row in rows} == {"plugin:echo"}
    stored = await series_row(app_runtime, series_id)
    assert stored.summary == 'Echo summary for "Berserk".'
    assert stored.status is None and stored.total_volume_count is None
    assert run["summary"]["fieldsChanged"] == 3 and run["changeCount"] == 3


async def test_unchanged_values_are_not_written_audited_or_counted_but_provenance_is_stamped(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, app_runtime: Runtime
) -> None:
    """RUN-10, DM-6: a second run changes nothing yet stamps last_synced_at again."""
    series_id = await catalogue.series("Berserk", external_id="Berserk")
    job = await make_job(config={"fieldGroups": ["descriptive"], "skipRecentlySyncedWithinS": 0})
    first, _ = await run_job(admin, catalogue.library_id, job["id"])  # type: ignore[arg-type]
    synced_first = await catalogue.synced_at(series_id)
    second, _ = await run_job(admin, catalogue.library_id, job["id"])  # type: ignore[arg-type]
    assert first["summary"]["fieldsChanged"] == 2
    assert second["summary"]["fieldsChanged"] == 0 and second["summary"]["itemsChanged"] == 0
    assert second["summary"]["succeeded"] == 1
    assert await audit_rows(app_runtime, second["id"]) == []
    synced_second = await catalogue.synced_at(series_id)
    assert synced_first is not None and synced_second is not None
    assert synced_second > synced_first


async def test_summary_has_every_key_and_messages_follow_run_21(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    await catalogue.series("Berserk", external_id="Berserk")
    await catalogue.series("Akira")
    job = await make_job()
    run, task = await run_job(admin, library_id, job["id"])
    assert set(run["summary"]) == SUMMARY_KEYS
    assert_counts_add_up(run["summary"])
    assert run["message"] == "Refreshed 1 of 1 item(s) (1 changed, 0 failed, 1 skipped)"
    listed = (await admin.get(f"{jobs_url(library_id)}/{job['id']}")).json()
    assert listed["lastRunStatus"] == "success"
    assert listed["lastRunMessage"] == run["message"]
    assert listed["lastRunAt"] == run["finishedAt"]
    # RUN-19: the task's result is the stored (snake_case) summary.
    assert task["result"]["items_changed"] == 1


async def test_strict_mode_with_no_ids_plans_nothing_and_succeeds(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    """Checklist: 2 series without ids → `Nothing to refresh (2 skipped)`."""
    await catalogue.series("Berserk")
    await catalogue.series("Akira")
    job = await make_job()
    run, task = await run_job(admin, library_id, job["id"])
    assert run["status"] == "success" and task["status"] == "completed"
    assert run["message"] == "Nothing to refresh (2 skipped)"
    assert run["summary"]["skipped"]["noExternalId"] == 2 and run["summary"]["planned"] == 0


async def test_partial_and_failure_statuses(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """RUN-18: 3 ok + 1 failed → partial; 0 ok + 2 failed → failure (task failed, no retry)."""
    await add_plugin(app_runtime.db, "flaky", admin_config={"failEvery": 4})
    for title in ("A", "B", "C", "D"):
        await catalogue.series(title, external_id=title, source="plugin:flaky")
    body = {"name": "f", "cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": "plugin:flaky", "maxConcurrency": 1}}  # fmt: skip
    job = (await admin.post(jobs_url(library_id), json=body)).json()
    run, task = await run_job(admin, library_id, job["id"])
    assert run["status"] == "partial" and task["status"] == "completed"
    assert run["summary"]["failed"] == 1 and run["summary"]["succeeded"] == 3
    error = run["summary"]["errors"][0]
    assert error["message"] == "echo: injected failure #4" and error["entityType"] == "series"
    await add_plugin(app_runtime.db, "broken", admin_config={"failEvery": 1})
    other = Catalogue(app_runtime.db, catalogue.root)
    other.library_id = library_id
    for title in ("E", "F"):
        await other.series(title, external_id=title, source="plugin:broken")
    body["config"]["provider"] = "plugin:broken"  # type: ignore[index]
    job = (await admin.post(jobs_url(library_id), json=body)).json()
    run, task = await run_job(admin, library_id, job["id"])
    assert run["status"] == "failure" and task["status"] == "failed"
    assert (
        task["lastError"]
        == run["message"]
        == ("Refreshed 0 of 2 item(s) (0 changed, 2 failed, 4 skipped)")
    )
    assert task["attempts"] == 1 and task["maxAttempts"] == 1


async def test_rematch_confidence_threshold_and_new_id_stored(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """RUN-7: 0.79 < 0.8 → low_confidence; `nomatch` → no_match_candidate; 0.8 accepted."""
    await add_plugin(app_runtime.db, "low", admin_config={"matchConfidence": 0.79})
    await add_plugin(app_runtime.db, "exact", admin_config={"matchConfidence": 0.8})
    await catalogue.series("Berserk")
    await catalogue.series("nomatch here")
    runs = {}
    for name in ("low", "exact"):
        body = {"cronSchedule": "@daily", "config": {
            "type": "metadata_refresh", "provider": f"plugin:{name}",
            "existingSourceIdsOnly": False}}  # fmt: skip
        job = (await admin.post(jobs_url(library_id), json=body)).json()
        runs[name], _ = await run_job(admin, library_id, job["id"])
    low = runs["low"]["summary"]["skipped"]
    assert low["lowConfidence"] == 1 and low["noMatchCandidate"] == 1
    assert runs["low"]["status"] == "success"  # all run-time skipped is still success
    exact = runs["exact"]["summary"]
    assert exact["succeeded"] == 1 and exact["skipped"]["noMatchCandidate"] == 1
    assert_counts_add_up(exact)
    async with app_runtime.db.read() as session:
        stored = await session.scalar(
            select(SeriesExternalId.external_id).where(SeriesExternalId.source == "plugin:exact")
        )
    assert stored == "series-1::Berserk"


async def test_each_plan_failure_fails_the_run_once(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """PLAN-1, RUN-21: `Refresh aborted: <key> (provider=<provider>)`, task failed, no retry."""
    from sqlalchemy import update

    from colophon.plugins.models import Plugin

    await add_plugin(app_runtime.db, "gone")
    await add_plugin(app_runtime.db, "off")
    await add_plugin(app_runtime.db, "narrow", scopes=["series:detail"])
    await catalogue.series("Berserk", external_id="Berserk")
    expected: list[tuple[str, str]] = []
    for name, key in (
        ("gone", "plugin_missing"),
        ("off", "plugin_disabled"),
        ("narrow", "scope_not_supported"),
    ):
        body = {"cronSchedule": "@daily", "config": {
            "type": "metadata_refresh", "provider": f"plugin:{name}"}}  # fmt: skip
        if name == "narrow":
            async with app_runtime.db.write() as session:
                await session.execute(
                    update(Plugin).where(Plugin.name == "narrow").values(scopes=["series:bulk"])
                )
        job = (await admin.post(jobs_url(library_id), json=body)).json()
        expected.append((job["id"], key))
    async with app_runtime.db.write() as session:
        await session.execute(update(Plugin).where(Plugin.name == "off").values(enabled=False))
        await session.execute(
            update(Plugin).where(Plugin.name == "narrow").values(scopes=["series:detail"])
        )
        from sqlalchemy import delete

        await session.execute(delete(Plugin).where(Plugin.name == "gone"))
    for job_id, key in expected:
        run, task = await run_job(admin, library_id, job_id)
        provider = run["config"]["provider"]
        message = f"Refresh aborted: {key} (provider={provider})"
        assert (run["status"], run["message"], run["summary"]["planFailure"]) == (
            "failure",
            message,
            key,
        )
        assert task["status"] == "failed" and task["lastError"] == message
    # invalid_provider can only come from a stored row (validation refuses it).
    job_id = expected[0][0]
    async with app_runtime.db.write() as session:
        row = await session.get(LibraryJob, uuid.UUID(job_id))
        assert row is not None
        row.config = {**row.config, "provider": "echo"}
    run, _ = await run_job(admin, library_id, job_id)
    assert run["message"] == "Refresh aborted: invalid_provider (provider=echo)"


async def test_books_only_and_series_and_books(
    admin: ApiClient,
    catalogue: Catalogue,
    make_job: JobFactory,
    library_id: uuid.UUID,
    app_runtime: Runtime,
) -> None:
    """§3.2 scopes: books via book_external_ids and the book catalog; both sides together."""
    series_id = await catalogue.series("Berserk", external_id="Berserk")
    await catalogue.book(series_id, "Volume 1", external_id="book-1::Volume 1")
    books = await make_job(config={"scope": "books_only"})
    run, _ = await run_job(admin, library_id, books["id"])
    fields = {row.field for row in await audit_rows(app_runtime, run["id"])}
    assert run["summary"]["succeeded"] == 1
    assert {row.entity_type for row in await audit_rows(app_runtime, run["id"])} == {"book"}
    assert fields <= {
        "summary",
        "authors",
        "translator",
        "publisher",
        "year",
        "originalYear",
        "edition",
    }
    both = await make_job(config={"scope": "series_and_books", "skipRecentlySyncedWithinS": 0})
    run, _ = await run_job(admin, library_id, both["id"])
    assert run["summary"]["succeeded"] == 2 and run["summary"]["planned"] == 2


async def test_events_only_for_changes_and_one_start_and_finish(
    admin: ApiClient,
    catalogue: Catalogue,
    make_job: JobFactory,
    library_id: uuid.UUID,
    app_runtime: Runtime,
) -> None:
    """RUN-9 and §7.5 events."""
    changed = await catalogue.series("Berserk", external_id="Berserk")
    h = title_hash("Same", 0)
    await catalogue.series("Same", external_id="Same", status=STATUSES[h % 4], year=1980 + h % 45)
    recorder = Recorder(app_runtime)
    job = await make_job(config={"fieldGroups": ["status"]})
    run, _ = await run_job(admin, library_id, job["id"])
    updated = recorder.named("series.metadata_updated")
    assert [event["seriesId"] for event in updated] == [str(changed)]
    assert updated[0]["runId"] == run["id"] and updated[0]["source"] == "plugin:echo"
    assert len(recorder.named("job.run_started")) == 1
    finished = recorder.named("job.run_finished")
    assert len(finished) == 1 and finished[0]["status"] == run["status"]


async def test_max_concurrency_bounds_calls_in_flight_and_calls_overlap(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """RUN-11: the plugin itself reports the peak of concurrent `get` calls."""
    await add_plugin(app_runtime.db, "probe", args=[PROBE], admin_config={"delayS": 0.2})
    for index in range(12):
        await catalogue.series(f"S{index:02}", external_id=f"S{index:02}", source="plugin:probe")
    body = {"cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": "plugin:probe", "maxConcurrency": 4,
        "fieldGroups": ["descriptive"]}}  # fmt: skip
    job = (await admin.post(jobs_url(library_id), json=body)).json()
    run, _ = await run_job(admin, library_id, job["id"])
    assert run["summary"]["succeeded"] == 12
    async with app_runtime.db.read() as session:
        summaries = list(await session.scalars(select(SeriesMetadata.summary)))
    peaks = [int(text.rsplit(" ", 1)[1]) for text in summaries if text]
    assert max(peaks) == 4  # calls overlap, and never more than maxConcurrency


async def test_a_call_over_the_timeout_fails_that_item_only(
    admin: ApiClient,
    catalogue: Catalogue,
    app_runtime: Runtime,
    library_id: uuid.UUID,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RUN-12 with the per-call timeout shortened (the 60 s value is the constant's)."""
    monkeypatch.setattr(refresh_item, "CALL_TIMEOUT_S", 0.5)
    await add_plugin(app_runtime.db, "probe", args=[PROBE], admin_config={"delayS": 0, "slowS": 5})
    await catalogue.series("fast", external_id="fast", source="plugin:probe")
    await catalogue.series("slow", external_id="slow", source="plugin:probe")
    body = {"cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": "plugin:probe"}}  # fmt: skip
    job = (await admin.post(jobs_url(library_id), json=body)).json()
    run, _ = await run_job(admin, library_id, job["id"])
    assert run["status"] == "partial"
    assert [e["message"] for e in run["summary"]["errors"]] == ["plugin call timed out after 0.5s"]


async def test_rate_limits_pause_retry_and_give_up_after_three(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """RUN-14: -32001 with retryAfterSeconds 1 pauses, the item then succeeds; always → fails."""
    await add_plugin(
        app_runtime.db, "limited", admin_config={"rateLimitEvery": 2, "retryAfterSeconds": 1}
    )
    await catalogue.series("A", external_id="A", source="plugin:limited")
    await catalogue.series("B", external_id="B", source="plugin:limited")
    body = {"cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": "plugin:limited", "maxConcurrency": 1}}  # fmt: skip
    job = (await admin.post(jobs_url(library_id), json=body)).json()
    run, _ = await run_job(admin, library_id, job["id"])
    assert run["status"] == "success" and run["summary"]["succeeded"] == 2
    assert run["summary"]["rateLimitRetries"] == 1
    await add_plugin(
        app_runtime.db, "always", admin_config={"rateLimitEvery": 1, "retryAfterSeconds": 1}
    )
    await catalogue.series("C", external_id="C", source="plugin:always")
    body["config"]["provider"] = "plugin:always"  # type: ignore[index]
    job = (await admin.post(jobs_url(library_id), json=body)).json()
    run, _ = await run_job(admin, library_id, job["id"])
    assert run["summary"]["rateLimitRetries"] == 3
    assert run["summary"]["errors"][0]["message"] == "rate limited by provider after 3 retries"


async def test_a_config_patch_during_a_run_does_not_affect_that_run(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """RUN-4: the run uses its snapshot."""
    await add_plugin(app_runtime.db, "probe", args=[PROBE], admin_config={"delayS": 0.3})
    for index in range(4):
        await catalogue.series(f"S{index}", external_id=f"S{index}", source="plugin:probe")
    body = {"cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": "plugin:probe", "maxConcurrency": 1,
        "fieldGroups": ["descriptive"]}}  # fmt: skip
    job = (await admin.post(jobs_url(library_id), json=body)).json()
    url = f"{jobs_url(library_id)}/{job['id']}"
    ids = (await admin.post(f"{url}/run-now")).json()
    from tests.jobs.conftest import wait_for_run

    await wait_for_run(admin, library_id, job["id"], ids["runId"], statuses=("running",))
    body["config"]["fieldGroups"] = ["status"]  # type: ignore[index]
    assert (await admin.patch(url, json={"config": body["config"]})).status_code == 200
    run = await wait_for_run(admin, library_id, job["id"], ids["runId"])
    assert run["config"]["fieldGroups"] == ["descriptive"]
    fields = {row.field for row in await audit_rows(app_runtime, run["id"])}
    assert fields == {"summary", "authors"}


async def test_run_now_conflicts_and_disabled_jobs_run(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    """API-4 and DM-7: 409 with the same ids; next_run_at untouched; another job runs."""
    await catalogue.series("Berserk", external_id="Berserk")
    job = await make_job(enabled=False)
    other = await make_job(enabled=True)
    url = f"{jobs_url(library_id)}/{job['id']}"
    first = await admin.post(f"{url}/run-now")
    second = await admin.post(f"{url}/run-now")
    assert first.status_code == 202
    assert second.status_code == 409
    assert second.json() == {
        "error": "conflict",
        "message": "A run of this job is already queued or running",
        "taskId": first.json()["taskId"],
        "runId": first.json()["runId"],
    }
    parallel = await admin.post(f"{jobs_url(library_id)}/{other['id']}/run-now")
    assert parallel.status_code == 202
    from tests.jobs.conftest import wait_for_run

    await wait_for_run(admin, library_id, job["id"], first.json()["runId"])
    other_after = (await admin.get(f"{jobs_url(library_id)}/{other['id']}")).json()
    assert other_after["nextRunAt"] == other["nextRunAt"]
    assert (await admin.delete(url)).status_code == 204


async def test_run_task_row_shape(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    """DM-7 / §2.5: type, params, priority 890, max_attempts 1, dedup key."""
    job = await make_job()
    ids = (await admin.post(f"{jobs_url(library_id)}/{job['id']}/run-now")).json()
    task = (await admin.get(f"/api/v1/tasks/{ids['taskId']}")).json()
    assert task["taskType"] == "refresh_library_metadata"
    assert task["params"] == {"jobId": job["id"], "runId": ids["runId"]}
    assert (task["priority"], task["maxAttempts"]) == (890, 1)
    assert task["dedupKey"] == f"refresh_library_metadata:{job['id']}"
    assert task["runId"] == ids["runId"] and task["jobId"] == job["id"]
    listed = (await admin.get(f"/api/v1/tasks?jobId={job['id']}")).json()["items"]
    assert [item["id"] for item in listed] == [ids["taskId"]]
    await asyncio.sleep(0)
