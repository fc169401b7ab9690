"""Platform §5.1: a reader holds only read permissions, so every write route answers 403
naming the missing permission — checked before the body, before existence (§5.6 rule 5)."""

from __future__ import annotations

import httpx

from tests.conftest import ApiClient
from tests.security.routes import WRITE_METHODS, Operation, served_operations

# Writes a reader may make: on its own session and its own API keys (§5.2, §5.3).
READER_OWN = {
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/password",
    "POST /api/v1/api-keys",
    "DELETE /api/v1/api-keys/{key_id}",
}


def _failures(operation: Operation, response: httpx.Response) -> list[str]:
    """Why this answer is not §5.6 rule 4's 403 (empty when it is)."""
    if response.status_code != 403:
        return [f"{operation}: {response.status_code} {response.text[:160]}"]
    body = response.json()
    permission = body.get("requiredPermission")
    expected = {
        "error": "forbidden",
        "message": f"missing permission '{permission}'",
        "requiredPermission": permission,
    }
    return [] if permission and body == expected else [f"{operation}: 403 with body {body}"]


async def test_every_write_route_is_403_for_a_reader(admin: ApiClient, reader: ApiClient) -> None:
    """Table-driven from the served OpenAPI: session (with CSRF header) and API key alike."""
    key = (await reader.post("/api/v1/api-keys", json={"name": "reader key"})).json()["key"]
    by_key = reader.sibling()
    by_key.headers["X-API-Key"] = key
    writes = [
        op
        for op in await served_operations(admin)
        if op.method in WRITE_METHODS and str(op) not in READER_OWN
    ]

    failures: list[str] = []
    for operation in writes:
        for caller in (reader, by_key):
            # No body at all: the permission is decided before the body is read (§0 order).
            failures += _failures(operation, await caller.request(operation.method, operation.url))
    assert failures == []
    assert len(writes) >= 40  # the table is not vacuous


async def test_plugin_execute_is_403_for_a_reader_before_its_body_is_read(
    reader: ApiClient,
) -> None:
    """§5.6 rule 5: permission before body decoding, also for execute."""
    operation = Operation("POST", "/api/v1/plugins/{plugin_id}/execute")
    response = await reader.post(operation.url)
    assert _failures(operation, response) == []
