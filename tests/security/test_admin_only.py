"""Plugin install and edit, and user management, are admin-only (platform §5.1,
plugins §7.1): a maintainer — who may write everything else — gets 403 on each of them."""

from __future__ import annotations

import itertools

from tests.conftest import ApiClient
from tests.security.routes import Operation, served_operations

# The two plugin routes that other roles use (plugins §7.3, §7.4).
NOT_ADMIN_ONLY = {"GET /api/v1/plugins/actions", "POST /api/v1/plugins/{plugin_id}/execute"}
ECHO = {"command": "python", "args": ["-m", "colophon_plugins.echo"], "rateLimitPerMinute": 0}


def _on(operation: Operation, plugin_id: str, user_id: str) -> str:
    """The URL on an existing plugin and user, so that a missing check would show as a 2xx."""
    return operation.path.replace("{plugin_id}", plugin_id).replace("{user_id}", user_id)


def _admin_only(operations: list[Operation]) -> list[Operation]:
    return [
        op
        for op in operations
        if (op.path.startswith(("/api/v1/plugins", "/api/v1/users")))
        and str(op) not in NOT_ADMIN_ONLY
    ]


async def test_every_plugin_and_user_route_is_403_for_maintainers_and_readers(
    admin: ApiClient, maintainer: ApiClient, reader: ApiClient
) -> None:
    """Table-driven over the served OpenAPI's /plugins and /users operations; reads too,
    since a plugin row shows commands, environment and configuration."""
    created = await admin.post("/api/v1/plugins", json={"name": "echo", **ECHO})
    assert created.status_code == 201, created.text
    plugin_id = created.json()["id"]
    user_id = (await maintainer.get("/api/v1/auth/me")).json()["id"]
    guarded = _admin_only(await served_operations(admin))
    body = {"displayName": "Taken over", "credentials": {"api_key": "x"}}

    failures: list[str] = []
    for operation, caller in itertools.product(guarded, (maintainer, reader)):
        json = body if operation.method in {"POST", "PATCH"} else None
        response = await caller.request(
            operation.method, _on(operation, plugin_id, user_id), json=json
        )
        body_out = response.json() if response.status_code == 403 else {}
        wanted = "users:manage" if "/users" in operation.path else "plugins:manage"
        if response.status_code != 403 or body_out.get("requiredPermission") != wanted:
            failures.append(f"{operation}: {response.status_code} {response.text[:160]}")
    assert failures == []
    assert len(guarded) >= 15

    # Nothing the maintainer sent took effect; the admin still can edit.
    after = (await admin.get(f"/api/v1/plugins/{plugin_id}")).json()
    assert (after["displayName"], after["credentialKeys"]) == (created.json()["displayName"], [])
    edited = await admin.patch(f"/api/v1/plugins/{plugin_id}", json={"displayName": "Mine"})
    assert edited.status_code == 200 and edited.json()["displayName"] == "Mine"
