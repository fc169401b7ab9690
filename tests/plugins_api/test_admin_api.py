"""The plugin admin API (plugins.md §7.2) through HTTP on both databases."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from colophon.plugins.models import Plugin, PluginStorageRow
from colophon.runtime import Runtime
from tests.conftest import ApiClient, user_client
from tests.plugins_api.helpers import (
    create_plugin,
    create_ready_plugin,
    echo_body,
    plugin_dto,
    sqlite_only,
)

SECRET = "s3cret-api-key-value"


async def _stored_row(runtime: Runtime, plugin_id: str) -> Plugin:
    async with runtime.db.read() as session:
        row = await session.get(Plugin, uuid.UUID(plugin_id))
        assert row is not None
        return row


async def test_create_applies_the_defaults_of_the_data_model(admin: ApiClient) -> None:
    """§5.1 defaults; the DTO carries every field of §7.1 and no credential values."""
    created = await create_plugin(admin, "echo", rateLimitPerMinute=60)

    assert created["name"] == "echo"
    assert created["enabled"] is True
    assert created["credentialDelivery"] == "init_message"
    assert created["permissions"] == ["metadata:read", "metadata:write:*"]
    assert created["scopes"] == ["series:detail", "series:bulk", "book:detail", "book:bulk"]
    assert created["libraryIds"] == []
    assert created["rateLimitPerMinute"] == 60
    assert created["requestTimeoutS"] is None
    assert created["revision"] == 1
    assert created["health"]["status"] == "unknown"
    assert created["credentialKeys"] == [] and created["missingCredentials"] == []
    assert "credentials" not in created


async def test_credentials_are_write_only_and_encrypted_at_rest(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    """Items 60, 61: a Fernet token in the column, key names only on the wire."""
    created = await create_plugin(admin, "echo", credentials={"api_key": SECRET, "region": 7})

    assert created["credentialKeys"] == ["api_key", "region"]
    row = await _stored_row(app_runtime, created["id"])
    assert row.credentials is not None and row.credentials.startswith("gAAAAA")
    assert SECRET not in row.credentials
    for response in (
        await admin.get("/api/v1/plugins"),
        await admin.get(f"/api/v1/plugins/{created['id']}"),
    ):
        assert SECRET not in response.text

    patched = await admin.patch(
        f"/api/v1/plugins/{created['id']}/credentials", json={"region": None, "token": "t0ken"}
    )
    assert patched.status_code == 200
    assert patched.json() == {"credentialKeys": ["api_key", "token"]}
    assert app_runtime.secret_box is not None
    stored = await _stored_row(app_runtime, created["id"])
    assert stored.credentials is not None
    clear = app_runtime.secret_box.decrypt(stored.credentials)
    assert clear == b'{"api_key":"s3cret-api-key-value","token":"t0ken"}'

    cleared = await admin.delete(f"/api/v1/plugins/{created['id']}/credentials")
    assert cleared.json() == {"credentialKeys": []}
    assert (await _stored_row(app_runtime, created["id"])).credentials is None


@sqlite_only
async def test_nested_credential_values_are_refused(admin: ApiClient) -> None:
    response = await admin.post(
        "/api/v1/plugins", json=echo_body(credentials={"api_key": {"nested": "x"}})
    )
    assert response.status_code == 400
    assert response.json()["message"] == "credential 'api_key' must be a string"


@sqlite_only
async def test_every_changing_endpoint_is_forbidden_to_maintainers_and_readers(
    admin: ApiClient,
) -> None:
    """Item 64: plugins:manage is the admin's alone."""
    plugin_id = (await create_plugin(admin))["id"]
    base = f"/api/v1/plugins/{plugin_id}"
    calls: list[tuple[str, str, Any]] = [
        ("POST", "/api/v1/plugins", echo_body("other")),
        ("PATCH", base, {"displayName": "x"}),
        ("DELETE", base, None),
        ("POST", f"{base}/enable", None),
        ("POST", f"{base}/disable", None),
        ("POST", f"{base}/restart", None),
        ("POST", f"{base}/test", None),
        ("PATCH", f"{base}/credentials", {"k": "v"}),
        ("DELETE", f"{base}/credentials", None),
        ("GET", "/api/v1/plugins", None),
        ("GET", "/api/v1/plugins/presets", None),
    ]
    for role in ("maintainer", "reader"):
        other = await user_client(admin, f"{role}-user", role)
        for method, url, body in calls:
            response = await other.request(method, url, json=body)
            assert response.status_code == 403, (role, method, url)
            assert response.json()["requiredPermission"] == "plugins:manage"
    assert (await plugin_dto(admin, plugin_id))["revision"] == 1


async def test_create_validates_each_field(admin: ApiClient) -> None:
    """Items 25 and 65: name, allowlist, args, env names, dir, permissions, scopes, libraries."""
    cases: list[tuple[dict[str, Any], str, str]] = [
        (echo_body("Bad_Name"), "name", "name must match ^[a-z0-9][a-z0-9-]{0,62}$"),
        (
            echo_body(command="/bin/sh"),
            "command",
            "command '/bin/sh' is not allowed; add it to plugins.allowedCommands",
        ),
        (
            echo_body(env={"LD_PRELOAD": "x.so"}),
            "env.LD_PRELOAD",
            "env name 'LD_PRELOAD' is not allowed",
        ),
        (echo_body(workingDir="relative/dir"), "workingDir", "workingDir must be an absolute path"),
        (
            echo_body(permissions=["metadata:write:everything"]),
            "permissions[0]",
            "unknown permission 'metadata:write:everything'",
        ),
        (
            echo_body(scopes=["library:scan"]),
            "scopes[0]",
            "Invalid scope 'library:scan'. Valid scopes: "
            "series:detail, series:bulk, book:detail, book:bulk",
        ),
        (
            echo_body(rateLimitPerMinute=6001),
            "rateLimitPerMinute",
            "rateLimitPerMinute must be between 0 and 6000",
        ),
        (echo_body(args=["x"] * 65), "args", "args must have at most 64 items"),
    ]
    library_id = str(uuid.uuid4())
    cases.append(
        (echo_body(libraryIds=[library_id]), "libraryIds[0]", f"unknown library '{library_id}'")
    )
    for body, field, message in cases:
        response = await admin.post("/api/v1/plugins", json=body)
        assert response.status_code == 400, (body, response.text)
        assert {"field": field, "message": message} in response.json()["errors"]
    assert (await admin.get("/api/v1/plugins")).json()["items"] == []


async def test_a_duplicate_name_is_a_conflict(admin: ApiClient) -> None:
    await create_plugin(admin, "echo")
    response = await admin.post("/api/v1/plugins", json=echo_body("echo"))
    assert response.status_code == 409
    assert response.json() == {"error": "conflict", "message": "plugin 'echo' already exists"}


@sqlite_only
async def test_patch_cannot_rename_nor_set_credentials(admin: ApiClient) -> None:
    """Item 66."""
    plugin_id = (await create_plugin(admin, "echo"))["id"]
    renamed = await admin.patch(f"/api/v1/plugins/{plugin_id}", json={"name": "other"})
    assert renamed.status_code == 400
    assert renamed.json()["errors"] == [{"field": "name", "message": "name cannot be changed"}]
    same = await admin.patch(f"/api/v1/plugins/{plugin_id}", json={"name": "echo"})
    assert same.status_code == 200 and same.json()["revision"] == 1
    credentials = await admin.patch(
        f"/api/v1/plugins/{plugin_id}", json={"credentials": {"k": "v"}}
    )
    assert credentials.status_code == 400


async def test_patch_replaces_sent_fields_and_bumps_the_revision(admin: ApiClient) -> None:
    plugin_id = (await create_plugin(admin, "echo", env={"A": "1"}))["id"]
    response = await admin.patch(
        f"/api/v1/plugins/{plugin_id}",
        json={"env": {"B": "2"}, "requestTimeoutS": 12, "scopes": ["series:detail"]},
    )
    assert response.status_code == 200
    dto = response.json()
    assert dto["env"] == {"B": "2"}
    assert dto["requestTimeoutS"] == 12
    assert dto["scopes"] == ["series:detail"]
    assert dto["revision"] == 2


async def test_unknown_plugin_is_not_found(admin: ApiClient) -> None:
    response = await admin.get(f"/api/v1/plugins/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "plugin not found"}


async def test_list_is_ordered_by_display_name_and_filters_on_enabled(admin: ApiClient) -> None:
    await create_plugin(admin, "zulu", displayName="Alpha")
    second = await create_plugin(admin, "alpha", displayName="Bravo")
    await admin.post(f"/api/v1/plugins/{second['id']}/disable")

    listed = (await admin.get("/api/v1/plugins")).json()["items"]
    assert [p["name"] for p in listed] == ["zulu", "alpha"]
    enabled = (await admin.get("/api/v1/plugins", params={"enabled": "true"})).json()["items"]
    assert [p["name"] for p in enabled] == ["zulu"]


@sqlite_only
async def test_the_background_probe_caches_the_manifest(admin: ApiClient) -> None:
    """Item 68: no manual test needed."""
    dto = await create_ready_plugin(admin, "echo")
    assert dto["manifest"]["name"] == "echo"
    assert dto["manifest"]["capabilities"]["metadataProvider"] == ["series", "book"]
    assert dto["manifestUpdatedAt"] is not None
    assert dto["health"]["status"] == "unknown"  # a probe never touches health


@sqlite_only
async def test_the_test_endpoint_reports_manifest_and_timings(admin: ApiClient) -> None:
    """Item 67, success side."""
    plugin_id = (await create_plugin(admin, "echo"))["id"]
    response = await admin.post(f"/api/v1/plugins/{plugin_id}/test")
    assert response.status_code == 200
    result = response.json()
    assert result["success"] is True
    assert result["isMetadataProvider"] is True
    assert result["contentTypes"] == ["book", "series"]
    assert result["manifest"]["displayName"] == "Echo"
    assert all(result["timings"][key] is not None for key in ("spawnMs", "initializeMs", "pingMs"))
    assert result["error"] is None
    assert isinstance(result["stderrTail"], list)
    # Item 16: the same manifest again leaves manifestUpdatedAt where it was.
    cached = (await plugin_dto(admin, plugin_id))["manifestUpdatedAt"]
    assert cached is not None
    await admin.post(f"/api/v1/plugins/{plugin_id}/test")
    assert (await plugin_dto(admin, plugin_id))["manifestUpdatedAt"] == cached


async def test_a_failing_test_leaves_health_counters_unchanged(admin: ApiClient) -> None:
    """Items 42, 67: test runs never count, even three of them."""
    plugin_id = (await create_plugin(admin, "echo", adminConfig={"failInitialize": True}))["id"]
    for _ in range(3):
        result = (await admin.post(f"/api/v1/plugins/{plugin_id}/test")).json()
        assert result["success"] is False
        assert result["error"] == {
            "kind": "initialize",
            "code": -32005,
            "message": "echo: initialize failure injected",
            "data": None,
        }
    dto = await plugin_dto(admin, plugin_id)
    assert dto["enabled"] is True
    assert dto["health"] == {
        "status": "unknown",
        "consecutiveFailures": 0,
        "failureCount": 0,
        "lastError": None,
        "lastSuccessAt": None,
        "lastFailureAt": None,
        "checkedAt": None,
    }


@sqlite_only
async def test_a_broken_command_fails_the_test_with_the_reason(admin: ApiClient) -> None:
    # Disabled, so no background probe runs; the test endpoint works on disabled plugins.
    created = await create_plugin(admin, "broken", command="/nonexistent/python3", enabled=False)
    plugin_id = created["id"]
    result = (await admin.post(f"/api/v1/plugins/{plugin_id}/test")).json()
    assert result["success"] is False
    assert result["error"]["kind"] == "spawn"


@sqlite_only
async def test_presets_list_the_first_party_plugins(admin: ApiClient) -> None:
    presets = (await admin.get("/api/v1/plugins/presets")).json()["presets"]
    by_name = {p["name"]: p for p in presets}
    assert set(by_name) == {"echo", "anilist", "mangabaka", "openlibrary"}
    assert by_name["echo"]["rateLimitPerMinute"] == 0
    assert by_name["anilist"]["rateLimitPerMinute"] == 30
    assert by_name["mangabaka"]["requiredCredentials"] == ["api_key"]
    assert by_name["openlibrary"]["args"] == ["-m", "colophon_plugins.openlibrary"]


async def test_delete_removes_storage_and_keeps_nothing_of_the_row(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    plugin_id = (await create_plugin(admin, "echo"))["id"]
    async with app_runtime.db.write() as session:
        session.add(PluginStorageRow(plugin_id=uuid.UUID(plugin_id), key="k", data="1"))
    response = await admin.delete(f"/api/v1/plugins/{plugin_id}")
    assert response.status_code == 204
    assert (await admin.get(f"/api/v1/plugins/{plugin_id}")).status_code == 404
    async with app_runtime.db.read() as session:
        assert list(await session.scalars(select(PluginStorageRow))) == []
