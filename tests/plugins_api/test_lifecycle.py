"""Plugin rows driving this process's plugin hosts (plugins.md §4.2, §4.5, §4.6) over HTTP."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import select

from colophon.plugins.models import PluginFailureRow
from colophon.plugins.supervisor import supervisor_of
from colophon.runtime import Runtime
from colophon.system.encryption import SecretBox
from tests.conftest import ApiClient
from tests.plugins_api.helpers import create_ready_plugin, plugin_dto, sqlite_only, wait_until

SEARCH = {"contentType": "series", "action": "search", "params": {"query": "Berserk"}}
AUTO_DISABLED = (
    "Disabled automatically after 3 failed starts within 1 hour. "
    "Last error: echo: initialize failure injected"
)


async def _execute(admin: ApiClient, plugin_id: str) -> dict[str, Any]:
    response = await admin.post(f"/api/v1/plugins/{plugin_id}/execute", json=SEARCH)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _pid(runtime: Runtime, name: str) -> int | None:
    host = supervisor_of(runtime).hosts.find(name)
    return host.pid if host else None


async def _failure_kinds(runtime: Runtime, plugin_id: str) -> list[str]:
    async with runtime.db.read() as session:
        rows = await session.scalars(
            select(PluginFailureRow.kind).where(PluginFailureRow.plugin_id == uuid.UUID(plugin_id))
        )
        return list(rows)


@sqlite_only
async def test_no_process_runs_until_the_first_call(admin: ApiClient, app_runtime: Runtime) -> None:
    """Item 13 (first half): creating and probing leaves no long-lived process."""
    plugin = await create_ready_plugin(admin)
    assert _pid(app_runtime, "echo") is None

    results = await asyncio.gather(*(_execute(admin, plugin["id"]) for _ in range(10)))

    assert all(r["success"] for r in results)
    assert results[0]["result"]["results"][0]["title"] == "Berserk"
    assert _pid(app_runtime, "echo") is not None


async def test_a_successful_call_marks_the_plugin_healthy(admin: ApiClient) -> None:
    plugin = await create_ready_plugin(admin)
    await _execute(admin, plugin["id"])

    async def succeeded() -> dict[str, Any] | None:
        # The start (healthy) and the success (lastSuccessAt) are written one after the other.
        dto = await plugin_dto(admin, plugin["id"])
        return dto if dto["health"]["lastSuccessAt"] is not None else None

    dto = await wait_until(succeeded, what="a recorded success")
    assert dto["health"]["status"] == "healthy"
    assert dto["health"]["consecutiveFailures"] == 0


async def test_three_failed_starts_auto_disable_the_plugin(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    """Item 40: the reason of §4.6 is visible in the DTO; init_error rows are recorded."""
    plugin = await create_ready_plugin(admin)
    patched = await admin.patch(
        f"/api/v1/plugins/{plugin['id']}", json={"adminConfig": {"failInitialize": True}}
    )
    assert patched.status_code == 200

    errors = [(await _execute(admin, plugin["id"]))["error"] for _ in range(3)]

    assert [e["kind"] for e in errors] == ["unavailable"] * 3
    assert errors[0]["message"] == "echo: initialize failure injected"
    dto = await plugin_dto(admin, plugin["id"])
    assert dto["enabled"] is False
    assert dto["disabledReason"] == AUTO_DISABLED
    assert dto["health"]["status"] == "disabled"
    assert dto["health"]["lastError"] == "echo: initialize failure injected"
    assert await _failure_kinds(app_runtime, plugin["id"]) == ["init_error"] * 3
    fourth = await admin.post(f"/api/v1/plugins/{plugin['id']}/execute", json=SEARCH)
    assert fourth.status_code == 400
    assert fourth.json()["message"] == "plugin 'echo' is not available for series:detail"


async def test_re_enabling_clears_the_reason_and_the_earlier_failures(admin: ApiClient) -> None:
    """Item 41: failures before the re-enable no longer count."""
    plugin = await create_ready_plugin(admin)
    await admin.patch(
        f"/api/v1/plugins/{plugin['id']}", json={"adminConfig": {"failInitialize": True}}
    )
    for _ in range(3):
        await _execute(admin, plugin["id"])

    enabled = (await admin.post(f"/api/v1/plugins/{plugin['id']}/enable")).json()
    assert enabled["enabled"] is True
    assert enabled["disabledReason"] is None
    assert enabled["health"]["status"] == "unknown"
    assert enabled["health"]["failureCount"] == 0

    again = await _execute(admin, plugin["id"])
    assert again["success"] is False
    dto = await plugin_dto(admin, plugin["id"])
    assert dto["enabled"] is True  # one failure since the enable, not four
    assert dto["health"]["status"] == "unhealthy"


@sqlite_only
async def test_undecryptable_credentials_never_disable_the_plugin(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    """Items 42 and §4.6: a wrong key is a config error, counted nowhere."""
    plugin = await create_ready_plugin(admin, credentials={"api_key": "k3y-value"})
    app_runtime.secret_box = SecretBox(MultiFernet([Fernet(Fernet.generate_key())]), "test")

    errors = [(await _execute(admin, plugin["id"]))["error"] for _ in range(4)]

    assert errors[0] == {
        "kind": "plugin_config_error",
        "code": -32005,
        "message": "plugin 'echo' failed: credentials cannot be decrypted; "
        "check COLOPHON_ENCRYPTION_KEY",
        "retryAfterSeconds": None,
    }
    dto = await plugin_dto(admin, plugin["id"])
    assert dto["enabled"] is True
    assert dto["health"]["status"] == "unhealthy"
    assert await _failure_kinds(app_runtime, plugin["id"]) == []


@sqlite_only
async def test_disable_stops_the_process(admin: ApiClient, app_runtime: Runtime) -> None:
    plugin = await create_ready_plugin(admin)
    await _execute(admin, plugin["id"])
    assert _pid(app_runtime, "echo") is not None

    disabled = (await admin.post(f"/api/v1/plugins/{plugin['id']}/disable")).json()

    assert disabled["enabled"] is False and disabled["disabledReason"] is None
    await wait_until(
        lambda: _async(_pid(app_runtime, "echo") is None), what="the host to be removed"
    )


async def _async(value: bool) -> bool:
    return value


@sqlite_only
async def test_restart_replaces_the_process(admin: ApiClient, app_runtime: Runtime) -> None:
    plugin = await create_ready_plugin(admin)
    await _execute(admin, plugin["id"])
    first = _pid(app_runtime, "echo")

    response = await admin.post(f"/api/v1/plugins/{plugin['id']}/restart")
    assert response.status_code == 202
    assert response.json()["revision"] == plugin["revision"] + 1

    async def replaced() -> bool:
        await _execute(admin, plugin["id"])
        return _pid(app_runtime, "echo") not in (None, first)

    await wait_until(replaced, what="a new process")


@sqlite_only
async def test_admin_config_replaces_the_process_but_the_rate_limit_does_not(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    """Item 48."""
    plugin = await create_ready_plugin(admin)
    await _execute(admin, plugin["id"])
    first = _pid(app_runtime, "echo")

    await admin.patch(f"/api/v1/plugins/{plugin['id']}", json={"rateLimitPerMinute": 500})
    await _execute(admin, plugin["id"])
    assert _pid(app_runtime, "echo") == first
    host = supervisor_of(app_runtime).hosts.find("echo")
    assert host is not None and host.limiter.rate_per_minute == 500

    await admin.patch(f"/api/v1/plugins/{plugin['id']}", json={"adminConfig": {"maxResults": 2}})
    result = await _execute(admin, plugin["id"])
    assert len(result["result"]["results"]) == 2
    assert _pid(app_runtime, "echo") != first
