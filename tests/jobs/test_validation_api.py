"""Validation and errors over HTTP (library-jobs §4): messages, order, schema errors, auth."""

from __future__ import annotations

import uuid
from typing import Any

from tests.conftest import ApiClient, user_client
from tests.jobs.conftest import JobFactory, add_plugin, job_body, jobs_url, manifest

from colophon.runtime import Runtime


async def post_job(admin: ApiClient, library_id: uuid.UUID, **overrides: Any) -> Any:
    return await admin.post(jobs_url(library_id), json=job_body(**overrides))


def validation(field: str, message: str) -> dict[str, Any]:
    return {
        "error": "validation_error",
        "message": message,
        "errors": [{"field": field, "message": message}],
    }


async def test_each_static_rule_answers_400_with_its_exact_message(
    admin: ApiClient, library_id: uuid.UUID, echo: uuid.UUID
) -> None:
    """VAL-1..VAL-11 and the checklist's range and catalog cases."""
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"name": "x" * 201}, "name", "name must be at most 200 characters"),
        ({"cronSchedule": "not a cron"}, "cronSchedule",
         "invalid cron expression: expected 5 fields, got 3"),
        ({"timezone": "PST"}, "timezone",
         "invalid timezone 'PST': use an IANA name such as 'America/New_York' or 'UTC'"),
        ({"config": {"bookFieldGroups": ["descriptive"]}}, "config.bookFieldGroups",
         "bookFieldGroups / bookExtraFields must be empty when scope is series_only"),
        ({"config": {"scope": "books_only", "extraFields": ["year"]}}, "config.fieldGroups",
         "fieldGroups / extraFields must be empty when scope is books_only"),
        ({"config": {"maxConcurrency": 0}}, "config.maxConcurrency",
         "maxConcurrency must be between 1 and 16"),
        ({"config": {"maxConcurrency": 17}}, "config.maxConcurrency",
         "maxConcurrency must be between 1 and 16"),
        ({"config": {"skipRecentlySyncedWithinS": -1}}, "config.skipRecentlySyncedWithinS",
         "skipRecentlySyncedWithinS must be between 0 and 31536000"),
        ({"config": {"skipRecentlySyncedWithinS": 31536001}}, "config.skipRecentlySyncedWithinS",
         "skipRecentlySyncedWithinS must be between 0 and 31536000"),
        ({"config": {"minMatchConfidence": 1.5}}, "config.minMatchConfidence",
         "minMatchConfidence must be between 0 and 1"),
        ({"config": {"fieldGroups": ["status", "numbering"]}}, "config.fieldGroups[1]",
         "unknown field group 'numbering'"),
        ({"config": {"scope": "books_only", "bookFieldGroups": ["ratings"]}},
         "config.bookFieldGroups[0]", "unknown field group 'ratings'"),
        ({"config": {"extraFields": ["bogus"]}}, "config.extraFields[0]", "unknown field 'bogus'"),
        ({"config": {"fieldGroups": [], "extraFields": []}}, "config.fieldGroups",
         "choose at least one field group or field"),
        ({"config": {"scope": "books_only", "bookFieldGroups": []}}, "config.bookFieldGroups",
         "choose at least one book field group or book field"),
        ({"config": {"provider": "plugin:nope"}}, "config.provider",
         "plugin 'nope' is not installed"),
    ]  # fmt: skip
    for provider in ("mangabaka", "plugin:", "external:x", ""):
        cases.append(
            (
                {"config": {"provider": provider}},
                "config.provider",
                f"provider must be 'plugin:<name>', got '{provider}'",
            )
        )
    for overrides, field, message in cases:
        response = await post_job(admin, library_id, **overrides)
        assert response.status_code == 400, (overrides, response.text)
        assert response.json() == validation(field, message), overrides


async def test_the_lowest_numbered_violation_wins(
    admin: ApiClient, library_id: uuid.UUID, echo: uuid.UUID
) -> None:
    """series_only + non-empty bookFieldGroups + unknown provider → VAL-4."""
    response = await post_job(
        admin,
        library_id,
        config={"bookFieldGroups": ["descriptive"], "provider": "plugin:nope"},
    )
    assert response.json()["message"] == (
        "bookFieldGroups / bookExtraFields must be empty when scope is series_only"
    )


async def test_a_200_character_multibyte_name_passes_201_fails(
    admin: ApiClient, library_id: uuid.UUID, echo: uuid.UUID
) -> None:
    """VAL-1 counts code points, not bytes."""
    assert (await post_job(admin, library_id, name="é" * 200)).status_code == 201
    assert (await post_job(admin, library_id, name="é" * 201)).status_code == 400


async def test_provider_rules_on_plugin_rows(
    admin: ApiClient, library_id: uuid.UUID, app_runtime: Runtime
) -> None:
    """VAL-13..VAL-16: manifest, capability and bulk scope, library; disabled is accepted."""
    db = app_runtime.db
    await add_plugin(db, "fresh", manifest_json=None)
    await add_plugin(db, "seriesonly", manifest_json=manifest("series", name="seriesonly"))
    await add_plugin(db, "nobookbulk", scopes=["series:bulk", "book:detail"])
    await add_plugin(db, "elsewhere", library_ids=[str(uuid.uuid4())])
    await add_plugin(db, "off", enabled=False)
    cases = [
        ("fresh", "series_only", "plugin 'fresh' has no manifest yet; test its connection first"),
        ("seriesonly", "books_only", "plugin 'seriesonly' does not support scope 'books_only'"),
        ("nobookbulk", "books_only", "plugin 'nobookbulk' does not support scope 'books_only'"),
        ("elsewhere", "series_only", "plugin 'elsewhere' is not enabled for this library"),
    ]
    for name, scope, message in cases:
        response = await post_job(
            admin, library_id, config={"provider": f"plugin:{name}", "scope": scope}
        )
        assert response.json() == validation("config.provider", message), name
    disabled = await post_job(admin, library_id, config={"provider": "plugin:off"})
    assert disabled.status_code == 201


async def test_schema_errors_are_422_with_field_paths(
    admin: ApiClient, library_id: uuid.UUID, echo: uuid.UUID
) -> None:
    """CFG-2, CFG-3, ERR-3: strict types, unknown keys, nulls, missing or unknown type."""
    cases: list[tuple[dict[str, Any], str]] = [
        ({"maxConcurrency": "4"}, "config.maxConcurrency"),
        ({"existingSourceIdsOnly": 1}, "config.existingSourceIdsOnly"),
        ({"minMatchConfidence": "0.8"}, "config.minMatchConfidence"),
        ({"scope": None}, "config.scope"),
        ({"fieldGroups": None}, "config.fieldGroups"),
        ({"type": "bogus"}, "config.type"),
    ]
    for config, field in cases:
        response = await post_job(admin, library_id, config=config)
        assert response.status_code == 422, config
        body = response.json()
        assert body["error"] == "validation_error"
        assert body["errors"][0]["field"] == field, body
        assert body["message"].startswith(f"{field}: ")
    missing_type = await admin.post(
        jobs_url(library_id),
        json={"cronSchedule": "0 4 * * *", "config": {"provider": "plugin:echo"}},
    )
    assert missing_type.status_code == 422
    assert missing_type.json()["errors"][0]["field"] == "config.type"
    snake = await post_job(admin, library_id, config={"field_groups": ["status"]})
    assert snake.status_code == 422
    # An unknown key is reported exactly as it was sent.
    assert snake.json()["errors"][0]["field"] == "config.field_groups"


async def test_malformed_json_is_400_and_every_error_is_json(
    admin: ApiClient, library_id: uuid.UUID
) -> None:
    """ERR-1, ERR-4."""
    response = await admin.post(
        jobs_url(library_id), content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["message"].startswith("request body must be valid JSON: ")


async def test_unknown_library_and_job_of_another_library_are_404(
    admin: ApiClient, make_job: JobFactory, app_runtime: Runtime, tmp_path: Any
) -> None:
    """ERR-6."""
    from tests.jobs.conftest import Catalogue

    job = await make_job()
    missing = await admin.get(jobs_url(uuid.uuid4()))
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "message": "library not found"}
    other = await Catalogue(app_runtime.db, tmp_path / "other").library()
    response = await admin.get(f"{jobs_url(other)}/{job['id']}")
    assert response.json() == {"error": "not_found", "message": "job not found"}


async def test_reader_gets_403_on_writes_and_200_on_reads(
    admin: ApiClient, make_job: JobFactory, library_id: uuid.UUID, client: ApiClient
) -> None:
    """ERR-5, ERR-6: 403 even for a missing job; no credentials → 401."""
    job = await make_job()
    reader = await user_client(admin, "rita", "reader")
    url = jobs_url(library_id)
    missing = f"{url}/{uuid.uuid4()}"
    writes = [
        ("POST", url, job_body()),
        ("PATCH", f"{url}/{job['id']}", {"name": "x"}),
        ("DELETE", missing, None),
        ("POST", f"{missing}/run-now", None),
        ("POST", f"{missing}/dry-run", {}),
        ("POST", f"{url}/dry-run", {"config": job_body()["config"]}),
        ("POST", f"{missing}/runs/{uuid.uuid4()}/revert", None),
    ]
    for method, path, body in writes:
        response = await reader.request(method, path, json=body)
        assert response.status_code == 403, (method, path)
        assert response.json() == {
            "error": "forbidden",
            "message": "missing permission 'libraries:write'",
            "requiredPermission": "libraries:write",
        }
    reads = [
        url,
        f"{url}/{job['id']}",
        f"{url}/{job['id']}/runs",
        "/api/v1/library-jobs/metadata-refresh/field-groups",
        "/api/v1/library-jobs/cron-preview?expr=@daily",
    ]
    for path in reads:
        assert (await reader.get(path)).status_code == 200, path
    await reader.aclose()
    client.headers.pop("X-Colophon-Csrf", None)
    client.cookies.clear()
    assert (await client.get(url)).status_code == 401


async def test_after_uninstall_disabling_works_but_other_patches_fail(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID, app_runtime: Runtime
) -> None:
    """VAL-18: a body whose only key is enabled:false skips the provider rules."""
    from sqlalchemy import delete

    from colophon.plugins.models import Plugin

    job = await make_job(enabled=True)
    async with app_runtime.db.write() as session:
        await session.execute(delete(Plugin).where(Plugin.name == "echo"))
    url = f"{jobs_url(library_id)}/{job['id']}"
    disabled = await admin.patch(url, json={"enabled": False})
    assert disabled.status_code == 200
    assert disabled.json()["enabled"] is False and disabled.json()["nextRunAt"] is None
    renamed = await admin.patch(url, json={"name": "x"})
    assert renamed.json() == validation("config.provider", "plugin 'echo' is not installed")


async def test_cron_and_timezone_acceptance(
    admin: ApiClient, library_id: uuid.UUID, echo: uuid.UUID
) -> None:
    """CRON-1..CRON-7 through create: stored as typed, normalised, or refused."""
    stored = {
        "0 4 * * 0": "0 4 * * 0",
        "0 4 * * 7": "0 4 * * 7",
        "0 4 * * SUN": "0 4 * * SUN",
        "0 0 4 * * *": "0 4 * * *",
        "@DAILY": "@daily",
        " @Daily ": "@daily",
    }
    for typed, expected in stored.items():
        response = await post_job(admin, library_id, cronSchedule=typed)
        assert response.json()["cronSchedule"] == expected, typed
    refused = {
        "": "expression is empty",
        "not a cron": "expected 5 fields, got 3",
        "99 99 99 99 99": "bad minute field '99'",
        "0 4 31 2 *": "bad day-of-month field '31'",
        "0 4 L * *": "unsupported syntax 'L' in day-of-month field",
        "0 4 * * 1#2": "unsupported syntax '#' in day-of-week field",
        "0 0 4 * * * *": "expected 5 fields, got 7",
        "5 0 4 * * *": "seconds field must be 0, got '5'",
        "@reboot": "unknown macro '@reboot'",
    }
    for typed, detail in refused.items():
        response = await post_job(admin, library_id, cronSchedule=typed)
        assert response.json() == validation(
            "cronSchedule", f"invalid cron expression: {detail}"
        ), typed
    for tz in ("UTC", "America/New_York", "Asia/Tokyo"):
        assert (await post_job(admin, library_id, timezone=tz)).status_code == 201
    for tz in ("", "PST", "UTC+8", "utc"):
        response = await post_job(admin, library_id, timezone=tz)
        assert response.status_code == 400, tz
        assert response.json()["errors"][0]["field"] == "timezone"
