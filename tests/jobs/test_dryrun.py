"""Dry-run (library-jobs §8): real provider calls, real before/after, nothing written."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from tests.conftest import ApiClient
from tests.jobs.conftest import Catalogue, JobFactory, add_plugin, job_body, jobs_url

from colophon.db.tables import metadata
from colophon.plugins.supervisor import supervisor_of
from colophon.runtime import Runtime


async def snapshot(runtime: Runtime) -> dict[str, list[Any]]:
    """Every row of every table (plugin health excluded: see the report)."""
    tables: dict[str, list[Any]] = {}
    async with runtime.db.read() as session:
        for name in sorted(metadata.tables):
            if name in ("plugins", "service_instances", "sessions"):
                continue
            rows = (await session.execute(text(f'SELECT * FROM "{name}"'))).all()
            tables[name] = sorted(repr(tuple(row)) for row in rows)
    return tables


async def test_saved_dry_run_samples_real_changes_and_writes_nothing(
    admin: ApiClient,
    catalogue: Catalogue,
    make_job: JobFactory,
    library_id: uuid.UUID,
    app_runtime: Runtime,
) -> None:
    """DRY-3..DRY-8 and DRY-5: default 5 items, stable sample, locked/unchanged reported."""
    for index in range(7):
        await catalogue.series(f"S{index}", external_id=f"S{index}", summary="Old text")
    locked = await catalogue.series("Locked", external_id="Locked", status_lock=True)
    await catalogue.series("No id")
    job = await make_job(config={"fieldGroups": ["descriptive", "status"]})
    url = f"{jobs_url(library_id)}/{job['id']}/dry-run"
    await admin.post(url, json={"sampleSize": 1})  # warm the plugin up
    await supervisor_of(app_runtime).flush()  # its start and health writes land before we look
    events: list[str] = []

    async def listen(event: Any) -> None:
        if event.stream != "internal":
            events.append(event.name)

    app_runtime.bus.add_listener(listen)
    before = await snapshot(app_runtime)
    first = (await admin.post(url)).json()
    second = (await admin.post(url, json={})).json()
    assert await snapshot(app_runtime) == before
    assert events == []
    assert first["sampleSize"] == 5 and len(first["sample"]) == 5
    assert [i["entityId"] for i in first["sample"]] == [i["entityId"] for i in second["sample"]]
    assert (first["totalItems"], first["totalEligible"], first["estSkippedNoId"]) == (9, 8, 1)
    assert first["skippedSample"][0]["reason"] == "no_external_id"
    item = next(i for i in first["sample"] if i["name"] == "S0")
    assert item["status"] == "would_change"
    summary = next(c for c in item["changes"] if c["field"] == "summary")
    assert summary == {"field": "summary", "before": "Old text", "after": 'Echo summary for "S0".'}
    everything = (await admin.post(url, json={"sampleSize": 20})).json()
    locked_item = next(i for i in everything["sample"] if i["entityId"] == str(locked))
    assert {"field": "status", "reason": "Field is locked"} in locked_item["skipped"]


async def test_unchanged_values_and_sample_size_bounds(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    from colophon_plugins.echo.plugin import STATUSES, title_hash

    h = title_hash("Same", 0)
    await catalogue.series("Same", external_id="Same", status=STATUSES[h % 4], year=1980 + h % 45)
    job = await make_job(config={"fieldGroups": ["status"]})
    url = f"{jobs_url(library_id)}/{job['id']}/dry-run"
    item = (await admin.post(url)).json()["sample"][0]
    assert item["status"] == "no_change" and item["unchanged"] == ["status", "year"]
    for size in (0, 21):
        response = await admin.post(url, json={"sampleSize": size})
        assert response.status_code == 400
        assert response.json()["message"] == "sampleSize must be between 1 and 20"
    assert (await admin.post(url, json={"sampleSize": 20})).status_code == 200


async def test_config_override_is_validated_and_not_saved(
    admin: ApiClient, catalogue: Catalogue, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    await catalogue.series("S", external_id="S")
    job = await make_job()
    url = f"{jobs_url(library_id)}/{job['id']}"
    override = {"type": "metadata_refresh", "provider": "plugin:echo", "fieldGroups": ["bogus"]}
    bad = await admin.post(f"{url}/dry-run", json={"configOverride": override})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "configOverride.fieldGroups[0]", "message": "unknown field group 'bogus'"}
    ]
    other_type = await admin.post(f"{url}/dry-run", json={"configOverride": {"type": "x"}})
    assert other_type.status_code == 422
    override["fieldGroups"] = ["descriptive"]
    ok = (await admin.post(f"{url}/dry-run", json={"configOverride": override})).json()
    assert ok["config"]["fieldGroups"] == ["descriptive"]
    assert {c["field"] for c in ok["sample"][0]["changes"]} == {"summary", "authors"}
    stored = (await admin.get(url)).json()
    assert stored["config"]["fieldGroups"] == ["ratings", "status", "counts"]


async def test_unsaved_dry_run_validates_creates_nothing_and_reports_plan_failures(
    admin: ApiClient,
    catalogue: Catalogue,
    library_id: uuid.UUID,
    app_runtime: Runtime,
    echo: uuid.UUID,
) -> None:
    await catalogue.series("S", external_id="S")
    url = f"{jobs_url(library_id)}/dry-run"
    invalid = await admin.post(url, json={**job_body(), "cronSchedule": "bad"})
    assert invalid.status_code == 400
    ok = await admin.post(url, json={"config": job_body()["config"]})
    assert ok.status_code == 200 and ok.json()["jobId"] is None
    assert (await admin.get(jobs_url(library_id))).json() == {"jobs": []}
    await add_plugin(app_runtime.db, "off", enabled=False)
    off = {"type": "metadata_refresh", "provider": "plugin:off"}
    failed = (await admin.post(url, json={"config": off})).json()
    assert failed["planFailure"] == "plugin_disabled"
    assert failed["sample"] == [] and failed["skippedSample"] == []
    assert (failed["totalEligible"], failed["estSkippedNoId"]) == (0, 0)


async def test_a_rate_limit_on_one_sampled_item_marks_only_that_item(
    admin: ApiClient, catalogue: Catalogue, library_id: uuid.UUID, app_runtime: Runtime
) -> None:
    """DRY-4: not retried; `rate limited by provider; retry after <n>s`."""
    await add_plugin(
        app_runtime.db, "limited", admin_config={"rateLimitEvery": 2, "retryAfterSeconds": 1}
    )
    for title in ("A", "B", "C"):
        await catalogue.series(title, external_id=title, source="plugin:limited")
    config = {"type": "metadata_refresh", "provider": "plugin:limited", "maxConcurrency": 1}
    result = (await admin.post(f"{jobs_url(library_id)}/dry-run", json={"config": config})).json()
    statuses = [item["status"] for item in result["sample"]]
    assert statuses.count("error") == 1
    error = next(item for item in result["sample"] if item["status"] == "error")
    assert error["reason"] == "rate limited by provider; retry after 1s"
