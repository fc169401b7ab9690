"""Fetch metadata for a series (metadata §8) through HTTP with real plugin processes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update

from colophon.metadata.models import MetadataChange, SeriesExternalId, SeriesMetadata
from colophon.runtime import Runtime
from tests.conftest import ApiClient, user_client
from tests.fetch.conftest import scored_plugin
from tests.metadata_api.factories import Catalogue
from tests.plugins_api.helpers import create_ready_plugin, sqlite_only

SERIES_FIELDS = 20


def _url(series_id: uuid.UUID, action: str) -> str:
    return f"/api/v1/series/{series_id}/metadata/{action}"


async def _provenance(runtime: Runtime, series_id: uuid.UUID) -> SeriesExternalId | None:
    async with runtime.db.read() as session:
        found: SeriesExternalId | None = await session.scalar(
            select(SeriesExternalId).where(
                SeriesExternalId.series_id == series_id, SeriesExternalId.source == "plugin:echo"
            )
        )
        return found


async def _metadata(runtime: Runtime, series_id: uuid.UUID) -> SeriesMetadata:
    async with runtime.db.read() as session:
        row = await session.get(SeriesMetadata, series_id)
        assert row is not None
        return row


@sqlite_only
async def test_lookups_run_in_the_spec_order(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    series_id = await catalogue.series("Berserk")
    unknown = str(uuid.uuid4())

    missing_series = await admin.post(_url(uuid.uuid4(), "search"), json={"pluginId": unknown})
    assert missing_series.json() == {"error": "not_found", "message": "series not found"}
    missing_plugin = await admin.post(_url(series_id, "search"), json={"pluginId": unknown})
    assert missing_plugin.status_code == 404
    assert missing_plugin.json() == {"error": "not_found", "message": "plugin not found"}

    await admin.post(f"/api/v1/plugins/{echo['id']}/disable")
    disabled = await admin.post(_url(series_id, "search"), json={"pluginId": echo["id"]})
    assert disabled.status_code == 400
    assert disabled.json()["message"] == "plugin 'echo' is disabled"


@sqlite_only
async def test_a_plugin_outside_the_scope_or_library_is_a_400(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    series_id = await catalogue.series("Berserk")
    bulk_only = await create_ready_plugin(admin, "bulk", scopes=["series:bulk"])
    response = await admin.post(_url(series_id, "search"), json={"pluginId": bulk_only["id"]})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "plugin 'bulk' is not available for series:detail in this library"
    )


@sqlite_only
async def test_search_without_a_query_sends_the_series_title(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    series_id = await catalogue.series("Berserk")
    response = await admin.post(_url(series_id, "search"), json={"pluginId": echo["id"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["query"] == "Berserk"
    assert body["pluginId"] == echo["id"]
    assert [r["externalId"] for r in body["results"]] == [
        "series-1::Berserk",
        "series-2::Berserk",
        "series-3::Berserk",
    ]
    assert body["results"][0]["relevanceScore"] == 1.0
    assert body["results"][0]["preview"]["genres"] == ["Echo"]
    assert body["nextCursor"] is None


@sqlite_only
async def test_search_checks_query_and_limit(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    series_id = await catalogue.series("Berserk")
    blank = await admin.post(_url(series_id, "search"), json={"pluginId": echo["id"], "query": " "})
    assert blank.status_code == 400
    assert blank.json()["message"] == "query must not be empty"
    too_many = await admin.post(
        _url(series_id, "search"), json={"pluginId": echo["id"], "limit": 51}
    )
    assert too_many.status_code == 400
    assert too_many.json()["message"] == "limit must be between 1 and 50"


async def test_preview_reports_every_field_and_counts_that_add_up(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    series_id = await catalogue.series("Berserk", summary_lock=True)
    response = await admin.post(
        _url(series_id, "preview"), json={"pluginId": echo["id"], "externalId": "series-1::Berserk"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    fields = {f["field"]: f for f in body["fields"]}
    assert len(body["fields"]) == SERIES_FIELDS
    assert fields["summary"] == {
        "field": "summary",
        "status": "locked",
        "currentValue": None,
        "proposedValue": 'Echo summary for "Berserk".',
        "reason": "Field is locked",
    }
    assert fields["title"]["status"] == "unchanged"
    assert fields["title"]["reason"] == "Value unchanged"
    assert fields["publisher"]["status"] == "will_apply"
    assert fields["publisher"]["reason"] is None
    assert fields["coverUrl"] == {
        "field": "coverUrl",
        "status": "not_provided",
        "currentValue": None,
        "proposedValue": None,
        "reason": "Not provided by plugin",
    }
    summary = body["summary"]
    assert sum(summary.values()) == SERIES_FIELDS
    assert summary["locked"] == 1
    assert body["externalUrl"] == "https://echo.invalid/series/series-1%3A%3ABerserk"
    # A preview writes nothing.
    assert (await _metadata(app_runtime, series_id)).publisher is None
    assert await _provenance(app_runtime, series_id) is None


@sqlite_only
async def test_a_locked_cover_previews_as_stored_but_not_selected(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """Metadata §4.7/§8.2: the cover lock does not skip a new cover; it only keeps it unselected."""
    series_id = await catalogue.series("Berserk", cover_lock=True)
    covers = await create_ready_plugin(
        admin, "covers", adminConfig={"coverBaseUrl": "http://127.0.0.1:9/covers"}
    )
    body = (
        await admin.post(
            _url(series_id, "preview"),
            json={"pluginId": covers["id"], "externalId": "Berserk", "fields": ["coverUrl"]},
        )
    ).json()
    [cover] = body["fields"]
    assert (cover["status"], cover["reason"]) == (
        "will_apply",
        "Cover is locked; it will be stored but not selected",
    )
    assert str(cover["proposedValue"]).startswith("http://127.0.0.1:9/covers/")


@sqlite_only
async def test_preview_shows_missing_permissions(admin: ApiClient, catalogue: Catalogue) -> None:
    series_id = await catalogue.series("Berserk")
    narrow = await create_ready_plugin(
        admin, "narrow", permissions=["metadata:read", "metadata:write:title"]
    )
    body = (
        await admin.post(
            _url(series_id, "preview"),
            json={"pluginId": narrow["id"], "externalId": "Vagabond", "fields": ["title", "year"]},
        )
    ).json()
    assert [(f["field"], f["status"], f["reason"]) for f in body["fields"]] == [
        ("title", "will_apply", None),
        ("year", "no_permission", "Plugin does not have permission"),
    ]


async def test_apply_of_one_field_writes_it_and_the_provenance(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    series_id = await catalogue.series("Berserk")
    response = await admin.post(
        _url(series_id, "apply"),
        json={"pluginId": echo["id"], "externalId": "series-1::Berserk", "fields": ["summary"]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["applied"] == ["summary"]
    assert body["unchanged"] == [] and body["skipped"] == []
    assert body["changes"] == [
        {"field": "summary", "before": None, "after": 'Echo summary for "Berserk".'}
    ]
    assert body["dryRun"] is False
    stored = await _metadata(app_runtime, series_id)
    assert stored.summary == 'Echo summary for "Berserk".'
    assert stored.publisher is None  # outside `fields`
    provenance = await _provenance(app_runtime, series_id)
    assert provenance is not None
    assert provenance.external_id == "series-1::Berserk"
    assert provenance.last_synced_at is not None
    async with app_runtime.db.read() as session:
        sources = list(await session.scalars(select(MetadataChange.source)))
    assert sources == ["plugin:echo"]


async def test_apply_with_no_field_is_a_400(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    series_id = await catalogue.series("Berserk")
    response = await admin.post(
        _url(series_id, "apply"),
        json={"pluginId": echo["id"], "externalId": "series-1::Berserk", "fields": []},
    )
    assert response.status_code == 400
    assert response.json()["message"] == "choose at least one field"


@sqlite_only
async def test_a_reader_may_not_fetch(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    series_id = await catalogue.series("Berserk")
    reader = await user_client(admin, "rita", "reader")
    response = await reader.post(_url(series_id, "search"), json={"pluginId": echo["id"]})
    assert response.status_code == 403
    assert response.json()["requiredPermission"] == "series:write"


async def test_auto_match_applies_the_best_result_and_stores_provenance(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    series_id = await catalogue.series("Berserk")
    response = await admin.post(_url(series_id, "auto-match"), json={"pluginId": echo["id"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["matched"] is True
    assert body["query"] == "Berserk"
    assert body["candidate"]["externalId"] == "series-1::Berserk"
    assert "publisher" in body["result"]["applied"]
    assert (await _metadata(app_runtime, series_id)).publisher == "Echo Press"
    provenance = await _provenance(app_runtime, series_id)
    assert provenance is not None and provenance.external_id == "series-1::Berserk"


@sqlite_only
async def test_auto_match_dry_run_writes_nothing(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    series_id = await catalogue.series("Berserk")
    body = (
        await admin.post(
            _url(series_id, "auto-match"), json={"pluginId": echo["id"], "dryRun": True}
        )
    ).json()
    assert body["matched"] is True and body["result"]["dryRun"] is True
    assert "publisher" in body["result"]["applied"]
    assert (await _metadata(app_runtime, series_id)).publisher is None
    assert await _provenance(app_runtime, series_id) is None


async def test_a_best_score_below_the_threshold_is_low_confidence(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    series_id = await catalogue.series("Berserk")
    scored = await scored_plugin(
        admin,
        [
            {"externalId": "a", "title": "A", "relevanceScore": 0.5},
            {"externalId": "b", "title": "B", "relevanceScore": 0.7},
            {"externalId": "c", "title": "C", "relevanceScore": 0.7},
        ],
    )
    body = (await admin.post(_url(series_id, "auto-match"), json={"pluginId": scored["id"]})).json()
    assert body["matched"] is False
    assert body["reason"] == "low_confidence"
    assert body["candidate"]["externalId"] == "b"  # the earliest of the tied best
    assert body["threshold"] == 0.8
    assert (await _metadata(app_runtime, series_id)).summary is None


@sqlite_only
async def test_results_without_scores_give_no_match_candidate(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    series_id = await catalogue.series("Berserk")
    scored = await scored_plugin(admin, [{"externalId": "a", "title": "A"}])
    body = (await admin.post(_url(series_id, "auto-match"), json={"pluginId": scored["id"]})).json()
    assert body == {
        "matched": False,
        "reason": "no_match_candidate",
        "query": "Berserk",
        "candidate": None,
        "threshold": None,
        "result": None,
    }


@sqlite_only
async def test_a_rate_limited_plugin_gives_429_with_retry_after(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    series_id = await catalogue.series("Berserk")
    echo = await create_ready_plugin(
        admin, "echo", adminConfig={"rateLimitEvery": 1, "retryAfterSeconds": 30}
    )
    response = await admin.post(_url(series_id, "search"), json={"pluginId": echo["id"]})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert response.json() == {
        "error": "plugin_rate_limited",
        "message": "plugin 'echo' is rate limited",
    }
    # The limiter is now paused beyond an HTTP caller's 10 s wait: refused at once.
    again = await admin.post(_url(series_id, "search"), json={"pluginId": echo["id"]})
    assert again.status_code == 429


@sqlite_only
async def test_a_plugin_timeout_gives_504(admin: ApiClient, catalogue: Catalogue) -> None:
    series_id = await catalogue.series("Berserk")
    echo = await create_ready_plugin(admin, "echo", adminConfig={"hangEvery": 1}, requestTimeoutS=1)
    response = await admin.post(_url(series_id, "search"), json={"pluginId": echo["id"]})
    assert response.status_code == 504
    assert response.json() == {"error": "plugin_timeout", "message": "plugin 'echo' timed out"}


@sqlite_only
async def test_a_provider_error_gives_502(admin: ApiClient, catalogue: Catalogue) -> None:
    series_id = await catalogue.series("Berserk")
    echo = await create_ready_plugin(admin, "echo", adminConfig={"failEvery": 1})
    response = await admin.post(_url(series_id, "search"), json={"pluginId": echo["id"]})
    assert response.status_code == 502
    assert response.json() == {
        "error": "provider_error",
        "message": "plugin 'echo' failed: echo: injected failure #1",
    }


@sqlite_only
async def test_an_unknown_entry_gives_404_provider_item_not_found(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    series_id = await catalogue.series("Berserk")
    scored = await scored_plugin(admin, [])
    response = await admin.post(
        _url(series_id, "preview"), json={"pluginId": scored["id"], "externalId": "missing"}
    )
    assert response.status_code == 404
    assert response.json() == {
        "error": "provider_item_not_found",
        "message": "plugin 'scored' has no entry 'missing'",
    }


async def test_a_lock_set_in_the_database_is_honoured_by_apply(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    series_id = await catalogue.series("Berserk")
    async with app_runtime.db.write() as session:
        await session.execute(
            update(SeriesMetadata)
            .where(SeriesMetadata.series_id == series_id)
            .values(publisher="Mine", publisher_lock=True)
        )
    body = (
        await admin.post(
            _url(series_id, "apply"),
            json={"pluginId": echo["id"], "externalId": "series-1::Berserk"},
        )
    ).json()
    assert {"field": "publisher", "reason": "Field is locked"} in body["skipped"]
    assert (await _metadata(app_runtime, series_id)).publisher == "Mine"


async def test_preview_statuses_match_a_dry_run_apply(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    """Metadata §4.11 through the endpoints: the preview cannot drift from a run."""
    series_id = await catalogue.series("Berserk", year_lock=True)
    target = {"pluginId": echo["id"], "externalId": "series-2::Berserk"}
    preview = (await admin.post(_url(series_id, "preview"), json=target)).json()
    dry_run = (await admin.post(_url(series_id, "apply"), json={**target, "dryRun": True})).json()

    statuses = {f["field"]: f["status"] for f in preview["fields"]}
    assert sorted(k for k, v in statuses.items() if v == "will_apply") == sorted(dry_run["applied"])
    assert sorted(k for k, v in statuses.items() if v == "unchanged") == sorted(
        dry_run["unchanged"]
    )
    skipped = {s["field"]: s["reason"] for s in dry_run["skipped"]}
    assert skipped["year"] == "Field is locked" and statuses["year"] == "locked"
    assert preview["summary"]["willApply"] == len(dry_run["applied"])
