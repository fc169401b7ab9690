"""Shared steps of the plugin API tests: create plugins, wait for background work."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.conftest import ApiClient

ECHO_ARGS = ["-m", "colophon_plugins.echo"]
WAIT_S = 20.0


def echo_body(name: str = "echo", **fields: Any) -> dict[str, Any]:
    """A create body for the first-party echo plugin."""
    body: dict[str, Any] = {
        "name": name,
        "displayName": fields.pop("displayName", f"Echo {name}"),
        "command": "python",
        "args": ECHO_ARGS,
        "rateLimitPerMinute": 0,
    }
    body.update(fields)
    return body


async def create_plugin(admin: ApiClient, name: str = "echo", **fields: Any) -> dict[str, Any]:
    response = await admin.post("/api/v1/plugins", json=echo_body(name, **fields))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def wait_until(
    check: Callable[[], Awaitable[Any]], *, timeout_s: float = WAIT_S, what: str = "condition"
) -> Any:
    """Poll ``check`` until it returns something truthy, failing after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def plugin_dto(admin: ApiClient, plugin_id: str) -> dict[str, Any]:
    response = await admin.get(f"/api/v1/plugins/{plugin_id}")
    assert response.status_code == 200, response.text
    dto: dict[str, Any] = response.json()
    return dto


async def create_ready_plugin(
    admin: ApiClient, name: str = "echo", **fields: Any
) -> dict[str, Any]:
    """Create a plugin and wait until the background probe cached its manifest."""
    created = await create_plugin(admin, name, **fields)

    async def cached() -> dict[str, Any] | None:
        dto = await plugin_dto(admin, created["id"])
        return dto if dto["manifest"] is not None else None

    ready: dict[str, Any] = await wait_until(cached, what=f"the manifest of {name}")
    return ready


# Tests of process behaviour that no SQL dialect changes run once, to keep the suite fast;
# everything that writes or counts rows runs on both databases.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])
