"""``GET /plugins/actions`` (plugins.md §7.3) and ``POST /plugins/{id}/execute`` (§7.4)."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.conftest import ApiClient, user_client
from tests.plugins_api.helpers import create_plugin, create_ready_plugin, sqlite_only

SCORED = str(Path(__file__).parents[1] / "fetch" / "scored_plugin.py")


async def _library(admin: ApiClient, tmp_path: Path, name: str) -> str:
    root = tmp_path / name
    root.mkdir()
    response = await admin.post(
        "/api/v1/libraries", json={"name": name, "rootPath": str(root), "scan": False}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _actions(client: ApiClient, scope: str, **params: str) -> list[dict[str, object]]:
    response = await client.get("/api/v1/plugins/actions", params={"scope": scope, **params})
    assert response.status_code == 200, response.text
    actions: list[dict[str, object]] = response.json()["actions"]
    return actions


async def test_series_bulk_lists_only_qualifying_plugins(admin: ApiClient) -> None:
    """Item 69: enabled, manifest cached, series-capable, registered for the scope."""
    echo = await create_ready_plugin(admin, "echo", displayName="Echo")
    await create_ready_plugin(admin, "detail-only", scopes=["series:detail"])
    disabled = await create_ready_plugin(admin, "off")
    await admin.post(f"/api/v1/plugins/{disabled['id']}/disable")
    await create_plugin(admin, "no-manifest", enabled=False)

    actions = await _actions(admin, "series:bulk")

    assert actions == [
        {
            "pluginId": echo["id"],
            "pluginName": "echo",
            "pluginDisplayName": "Echo",
            "actionType": "metadata_search",
            "label": "Fetch from Echo",
            "description": None,
            "icon": "search",
            "libraryIds": [],
            "searchUriTemplate": "https://echo.invalid/search?q=<title>",
            "healthStatus": "unknown",
            "capabilities": {
                "metadataProvider": ["book", "series"],
                "userReadSync": False,
                "externalIdSource": None,
                "userRecommendationProvider": False,
                "releaseSource": False,
                "wantsFullMetadata": False,
                "wantsDetailedProgress": False,
            },
        }
    ]


@sqlite_only
async def test_a_series_only_plugin_is_no_book_action(admin: ApiClient) -> None:
    await create_ready_plugin(admin, "scored", args=[SCORED])
    assert [a["pluginName"] for a in await _actions(admin, "series:detail")] == ["scored"]
    assert await _actions(admin, "book:detail") == []


@sqlite_only
async def test_an_unknown_scope_is_a_400_listing_the_valid_ones(admin: ApiClient) -> None:
    """Item 70."""
    response = await admin.get("/api/v1/plugins/actions", params={"scope": "library:scan"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Invalid scope 'library:scan'. Valid scopes: "
        "series:detail, series:bulk, book:detail, book:bulk"
    )


@sqlite_only
async def test_book_plugins_are_omitted_without_books_write(admin: ApiClient) -> None:
    """Item 71: an API key limited to series:write sees series actions only."""
    await create_ready_plugin(admin, "echo")
    key = await admin.post(
        "/api/v1/api-keys",
        json={"name": "series only", "permissions": ["libraries:read", "series:write"]},
    )
    assert key.status_code == 201, key.text
    keyed = admin.sibling()
    keyed.headers["X-API-Key"] = key.json()["key"]
    assert [a["pluginName"] for a in await _actions(keyed, "series:detail")] == ["echo"]
    assert await _actions(keyed, "book:detail") == []


@sqlite_only
async def test_a_reader_sees_no_actions(admin: ApiClient) -> None:
    await create_ready_plugin(admin, "echo")
    reader = await user_client(admin, "rita", "reader")
    assert await _actions(reader, "series:detail") == []


async def test_the_library_filter(admin: ApiClient, tmp_path: Path) -> None:
    manga = await _library(admin, tmp_path, "Manga")
    comics = await _library(admin, tmp_path, "Comics")
    await create_ready_plugin(admin, "echo", libraryIds=[manga])

    assert len(await _actions(admin, "series:detail", libraryId=manga)) == 1
    assert await _actions(admin, "series:detail", libraryId=comics) == []
    unfiltered = await _actions(admin, "series:detail")
    assert unfiltered[0]["libraryIds"] == [manga]
    unknown = await admin.get(
        "/api/v1/plugins/actions", params={"scope": "series:detail", "libraryId": str(uuid.uuid4())}
    )
    assert unknown.status_code == 404


@sqlite_only
async def test_execute_proxies_one_call_with_latency(admin: ApiClient) -> None:
    echo = await create_ready_plugin(admin, "echo")
    maintainer = await user_client(admin, "max", "maintainer")
    response = await maintainer.post(
        f"/api/v1/plugins/{echo['id']}/execute",
        json={"contentType": "book", "action": "search", "params": {"isbn": "9780134685991"}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["error"] is None
    assert body["result"]["results"][0]["externalId"] == "isbn::9780134685991"
    assert body["latencyMs"] >= 0


@sqlite_only
async def test_execute_reports_plugin_errors_in_the_body(admin: ApiClient) -> None:
    echo = await create_ready_plugin(
        admin, "echo", adminConfig={"rateLimitEvery": 1, "retryAfterSeconds": 7}
    )
    response = await admin.post(
        f"/api/v1/plugins/{echo['id']}/execute",
        json={"contentType": "series", "action": "match", "params": {"title": "Berserk"}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is False
    assert body["error"] == {
        "kind": "plugin_rate_limited",
        "code": -32001,
        "message": "plugin 'echo' is rate limited",
        "retryAfterSeconds": 7,
    }


@sqlite_only
async def test_execute_needs_the_write_permission_and_a_qualifying_plugin(
    admin: ApiClient,
) -> None:
    scored = await create_ready_plugin(admin, "scored", args=[SCORED])
    reader = await user_client(admin, "rita", "reader")
    body = {"contentType": "series", "action": "search", "params": {"query": "x"}}
    forbidden = await reader.post(f"/api/v1/plugins/{scored['id']}/execute", json=body)
    assert forbidden.status_code == 403
    book = await admin.post(
        f"/api/v1/plugins/{scored['id']}/execute",
        json={**body, "contentType": "book"},
    )
    assert book.status_code == 400
    assert book.json()["message"] == "plugin 'scored' is not available for book:detail"
    missing = await admin.post(f"/api/v1/plugins/{uuid.uuid4()}/execute", json=body)
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "message": "plugin not found"}
