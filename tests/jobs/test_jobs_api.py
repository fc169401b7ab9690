"""Jobs CRUD over HTTP on both databases: storage, config forms, defaults, API-1..API-3."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from tests.conftest import ApiClient
from tests.jobs.conftest import Catalogue, JobFactory, add_plugin, job_body, jobs_url

from colophon.jobs.models import LibraryJob
from colophon.runtime import Runtime

ALL_DTO_KEYS = {
    "id", "libraryId", "name", "enabled", "cronSchedule", "timezone", "effectiveTimezone",
    "config", "nextRunAt", "lastRunAt", "lastRunStatus", "lastRunMessage", "activeRun",
    "createdAt", "updatedAt",
}  # fmt: skip


async def stored_row(runtime: Runtime, job_id: str) -> LibraryJob:
    async with runtime.db.read() as session:
        job = await session.get(LibraryJob, uuid.UUID(job_id))
        assert job is not None
        return job


async def test_create_stores_a_disabled_job_with_null_run_fields(
    admin: ApiClient, library_id: uuid.UUID, echo: uuid.UUID, app_runtime: Runtime
) -> None:
    """§2.1 defaults; API-1: 201 with every key, nulls included."""
    response = await admin.post(jobs_url(library_id), json=job_body())
    assert response.status_code == 201, response.text
    job = response.json()
    assert set(job) == ALL_DTO_KEYS
    assert job["enabled"] is False
    assert job["nextRunAt"] is None
    assert job["lastRunAt"] is job["lastRunStatus"] is job["lastRunMessage"] is None
    assert job["activeRun"] is None
    assert job["timezone"] is None and job["effectiveTimezone"] == "UTC"
    row = await stored_row(app_runtime, job["id"])
    assert row.type == "metadata_refresh"


async def test_stored_config_is_snake_case_type_first_with_every_key(
    make_job: JobFactory, app_runtime: Runtime
) -> None:
    """CFG-7 stored form; responses camelCase with every key; CFG-5 defaults."""
    job = await make_job()
    row = await stored_row(app_runtime, job["id"])
    # JSONB keeps its own key order; the order we write is observable on SQLite only.
    assert not app_runtime.db.is_sqlite or list(row.config) == [
        "type", "provider", "scope", "field_groups", "extra_fields", "book_field_groups",
        "book_extra_fields", "existing_source_ids_only", "skip_recently_synced_within_s",
        "min_match_confidence", "max_concurrency",
    ]  # fmt: skip
    assert row.config == {
        "type": "metadata_refresh",
        "provider": "plugin:echo",
        "scope": "series_only",
        "field_groups": ["ratings", "status", "counts"],
        "extra_fields": [],
        "book_field_groups": [],
        "book_extra_fields": [],
        "existing_source_ids_only": True,
        "skip_recently_synced_within_s": 3600,
        "min_match_confidence": 0.8,
        "max_concurrency": 4,
    }
    assert job["config"] == {
        "type": "metadata_refresh",
        "provider": "plugin:echo",
        "scope": "series_only",
        "fieldGroups": ["ratings", "status", "counts"],
        "extraFields": [],
        "bookFieldGroups": [],
        "bookExtraFields": [],
        "existingSourceIdsOnly": True,
        "skipRecentlySyncedWithinS": 3600,
        "minMatchConfidence": 0.8,
        "maxConcurrency": 4,
    }


async def test_book_scopes_default_to_descriptive_and_publication(make_job: JobFactory) -> None:
    """CFG-5: missing bookFieldGroups for book scopes."""
    books = await make_job(config={"scope": "books_only"})
    assert books["config"]["bookFieldGroups"] == ["descriptive", "publication"]
    assert books["config"]["fieldGroups"] == []
    both = await make_job(config={"scope": "series_and_books"})
    assert both["config"]["fieldGroups"] == ["ratings", "status", "counts"]
    assert both["config"]["bookFieldGroups"] == ["descriptive", "publication"]


async def test_duplicate_groups_are_stored_once_in_first_occurrence_order(
    make_job: JobFactory,
) -> None:
    """CFG-6."""
    job = await make_job(
        config={"fieldGroups": ["status", "ratings", "status", "counts", "ratings"]}
    )
    assert job["config"]["fieldGroups"] == ["status", "ratings", "counts"]


async def test_a_stored_row_lacking_min_match_confidence_reads_as_default(
    make_job: JobFactory, admin: ApiClient, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """CFG-4: stored configs are read leniently."""
    job = await make_job()
    async with app_runtime.db.write() as session:
        row = await session.get(LibraryJob, uuid.UUID(job["id"]))
        assert row is not None
        config = dict(row.config)
        del config["min_match_confidence"]
        config["future_key"] = 1
        row.config = config
    response = await admin.get(f"{jobs_url(library_id)}/{job['id']}")
    assert response.json()["config"]["minMatchConfidence"] == 0.8


async def test_unknown_stored_type_reads_as_null_config_and_refuses_actions(
    make_job: JobFactory, admin: ApiClient, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """CFG-4: config null; PATCH, run-now and dry-run answer 409."""
    job = await make_job()
    async with app_runtime.db.write() as session:
        await session.execute(
            text("UPDATE library_jobs SET type = 'future_type' WHERE id = :id"),
            {"id": str(job["id"]) if app_runtime.db.is_sqlite else uuid.UUID(job["id"])},
        )
    url = f"{jobs_url(library_id)}/{job['id']}"
    assert (await admin.get(url)).json()["config"] is None
    expected = {
        "error": "conflict",
        "message": "job type 'future_type' is not supported by this server",
    }
    for response in (
        await admin.patch(url, json={"name": "x"}),
        await admin.post(f"{url}/run-now"),
        await admin.post(f"{url}/dry-run", json={}),
    ):
        assert response.status_code == 409
        assert response.json() == expected


async def test_list_returns_only_that_librarys_jobs_oldest_first(
    admin: ApiClient,
    make_job: JobFactory,
    library_id: uuid.UUID,
    app_runtime: Runtime,
    tmp_path: Any,
) -> None:
    """§10.2: createdAt ascending, then id; another library's jobs are not listed."""
    first = await make_job(name="first")
    second = await make_job(name="second")
    other = Catalogue(app_runtime.db, tmp_path / "other")
    other_library = await other.library()
    response = await admin.post(jobs_url(other_library), json=job_body(name="elsewhere"))
    assert response.status_code == 201
    listed = (await admin.get(jobs_url(library_id))).json()
    assert [job["id"] for job in listed["jobs"]] == [first["id"], second["id"]]


async def test_create_normalises_cron_and_trims_the_name(
    make_job: JobFactory,
) -> None:
    """CRON-6 and API-1."""
    job = await make_job(name="  Nightly refresh  ", cronSchedule="  0   4 * *  * ")
    assert job["name"] == "Nightly refresh"
    assert job["cronSchedule"] == "0 4 * * *"


async def test_blank_name_gets_the_auto_name(
    make_job: JobFactory, admin: ApiClient, app_runtime: Runtime, library_id: uuid.UUID
) -> None:
    """API-1: `<display name> — <groups>`; extra fields only → the display name alone."""
    await add_plugin(app_runtime.db, "anilist", display_name="AniList")
    blank = await make_job(name="  ", config={"provider": "plugin:anilist"})
    assert blank["name"] == "AniList \u2014 ratings, status, counts"
    extra = await make_job(
        name=None, config={"provider": "plugin:anilist", "fieldGroups": [], "extraFields": ["year"]}
    )
    assert extra["name"] == "AniList"


async def test_patch_replaces_config_merges_the_rest_and_emits_job_updated(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID
) -> None:
    """API-2: a given config replaces the whole config; missing inner keys take defaults."""
    job = await make_job(config={"maxConcurrency": 8, "fieldGroups": ["descriptive"]})
    url = f"{jobs_url(library_id)}/{job['id']}"
    response = await admin.patch(
        url, json={"config": {"type": "metadata_refresh", "provider": "plugin:echo"}}
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["config"]["maxConcurrency"] == 4
    assert patched["config"]["fieldGroups"] == ["ratings", "status", "counts"]
    assert patched["name"] == "Nightly"
    assert patched["updatedAt"] >= job["updatedAt"]


async def test_patch_name_null_gives_the_auto_name(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID
) -> None:
    job = await make_job()
    url = f"{jobs_url(library_id)}/{job['id']}"
    response = await admin.patch(url, json={"name": None})
    assert response.json()["name"] == "Echo \u2014 ratings, status, counts"


async def test_patch_null_for_enabled_cron_or_config_is_a_schema_error(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID
) -> None:
    job = await make_job()
    url = f"{jobs_url(library_id)}/{job['id']}"
    for key in ("enabled", "cronSchedule", "config"):
        response = await admin.patch(url, json={key: None})
        assert response.status_code == 422, key
        assert response.json()["errors"][0]["field"] == key


async def test_patch_timezone_absent_keeps_null_clears_string_sets(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID
) -> None:
    """Checklist: PATCH timezone absent keeps, null clears (effectiveTimezone = default)."""
    job = await make_job(timezone="Asia/Tokyo")
    url = f"{jobs_url(library_id)}/{job['id']}"
    kept = (await admin.patch(url, json={"name": "renamed"})).json()
    assert kept["timezone"] == "Asia/Tokyo" and kept["effectiveTimezone"] == "Asia/Tokyo"
    cleared = (await admin.patch(url, json={"timezone": None})).json()
    assert cleared["timezone"] is None and cleared["effectiveTimezone"] == "UTC"
    set_again = (await admin.patch(url, json={"timezone": "America/New_York"})).json()
    assert set_again["timezone"] == "America/New_York"


async def test_patch_normalises_cron_like_create(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID
) -> None:
    job = await make_job()
    url = f"{jobs_url(library_id)}/{job['id']}"
    patched = (await admin.patch(url, json={"cronSchedule": "  0   4 * *  * "})).json()
    assert patched["cronSchedule"] == "0 4 * * *"


async def test_delete_answers_204_with_an_empty_body(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID
) -> None:
    job = await make_job()
    url = f"{jobs_url(library_id)}/{job['id']}"
    response = await admin.delete(url)
    assert response.status_code == 204 and response.content == b""
    assert (await admin.get(url)).json() == {"error": "not_found", "message": "job not found"}


async def test_deleting_a_library_removes_its_jobs_and_runs_but_keeps_audit_rows(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID, app_runtime: Runtime
) -> None:
    """Checklist: library delete cascades to jobs and runs; metadata_changes remain."""
    from colophon.jobs.models import LibraryJobRun
    from colophon.metadata.models import MetadataChange

    job = await make_job()
    run_id = uuid.uuid4()
    async with app_runtime.db.write() as session:
        session.add(
            LibraryJobRun(
                id=run_id,
                job_id=uuid.UUID(job["id"]),
                library_id=library_id,
                trigger="manual",
                status="success",
            )
        )
        session.add(
            MetadataChange(
                entity_type="series",
                entity_id=uuid.uuid4(),
                library_id=library_id,
                field="summary",
                before=None,
                after="x",
                source="plugin:echo",
                run_id=run_id,
            )
        )
    response = await admin.delete(f"/api/v1/libraries/{library_id}")
    assert response.status_code in (202, 204), response.text
    async with app_runtime.db.read() as session:
        assert await session.scalar(select(LibraryJob.id)) is None
        assert await session.scalar(select(LibraryJobRun.id)) is None
        assert await session.scalar(select(MetadataChange.run_id)) == run_id


async def test_field_groups_endpoint(admin: ApiClient) -> None:
    """§10.2 field groups: 12 series, 11 book, unknown entity 400, ratings fields."""
    series = (await admin.get("/api/v1/library-jobs/metadata-refresh/field-groups")).json()
    assert len(series) == 12
    assert series[4] == {
        "id": "ratings",
        "label": "Ratings",
        "fields": ["rating", "externalRatings"],
    }
    books = await admin.get("/api/v1/library-jobs/metadata-refresh/field-groups?entity=book")
    assert len(books.json()) == 11
    bad = await admin.get("/api/v1/library-jobs/metadata-refresh/field-groups?entity=x")
    assert bad.status_code == 400
    assert bad.json()["message"] == "unknown entity 'x'"


async def test_the_database_refuses_inconsistent_job_rows(
    make_job: JobFactory, app_runtime: Runtime
) -> None:
    """DM-2 CHECKs: a disabled job has no next run; a last run status is one of four."""
    job = await make_job(enabled=False)
    job_id = uuid.UUID(job["id"])
    for values in (
        {"next_run_at": datetime.now(UTC)},
        {"last_run_status": "running"},
    ):
        with pytest.raises(IntegrityError):
            async with app_runtime.db.write() as session:
                await session.execute(
                    update(LibraryJob).where(LibraryJob.id == job_id).values(**values)
                )
    row = await stored_row(app_runtime, job["id"])
    assert (row.next_run_at, row.last_run_status) == (None, None)
