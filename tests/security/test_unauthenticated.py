"""Platform §5.6 rule 1: every route but health, live and login answers 401 to a caller
without valid credentials — whatever credential is missing or wrong (rule 3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from tests.conftest import ApiClient, user_client
from tests.security.routes import OPENAPI, Operation, served_operations

PUBLIC = {"GET /api/v1/health", "GET /api/v1/health/live", "POST /api/v1/auth/login"}
UNKNOWN_KEY = "col_AbCdEfGh_" + "x" * 40

Call = Callable[[Operation], Awaitable[httpx.Response]]


def _failures(operation: Operation, response: httpx.Response) -> list[str]:
    """Why this answer is not the §0 401 (empty when it is)."""
    if response.status_code != 401:
        return [f"{operation}: {response.status_code} {response.text[:120]}"]
    body = response.json()
    if body.get("error") != "unauthenticated" or set(body) != {"error", "message"}:
        return [f"{operation}: 401 with body {body}"]
    if response.headers.get("www-authenticate") != 'Bearer realm="colophon"':
        return [f"{operation}: 401 without WWW-Authenticate"]
    return []


async def _assert_every_private_route_is_401(admin: ApiClient, call: Call) -> int:
    checked, failures = 0, []
    for operation in await served_operations(admin):
        if str(operation) in PUBLIC:
            continue
        failures += _failures(operation, await call(operation))
        checked += 1
    assert failures == []
    return checked


async def test_every_route_but_health_live_and_login_is_401_without_credentials(
    admin: ApiClient,
) -> None:
    """§5.6 rule 1, table-driven from the served OpenAPI document."""
    anonymous = admin.sibling()

    checked = await _assert_every_private_route_is_401(
        admin, lambda op: anonymous.request(op.method, op.url)
    )

    # A document that lost its routes would make the loop above vacuous.
    assert checked >= 60
    assert (await anonymous.get(OPENAPI)).status_code == 401
    assert (await anonymous.get("/api/docs")).status_code == 401
    # The three exceptions really are public.
    assert (await anonymous.get("/api/v1/health")).status_code == 200
    assert (await anonymous.get("/api/v1/health/live")).status_code == 200
    await anonymous.login()


async def test_every_route_with_an_unknown_revoked_or_inactive_credential_is_401(
    admin: ApiClient,
) -> None:
    """§5.6 rule 3, §5.3 rule 3: unknown keys (either header) and sessions, a revoked key
    and the key of a deactivated user are no credentials, on every route."""
    revoked = (await admin.post("/api/v1/api-keys", json={"name": "soon revoked"})).json()
    assert (await admin.delete(f"/api/v1/api-keys/{revoked['id']}")).status_code == 204
    maintainer = await user_client(admin, "soon-inactive", "maintainer")
    inactive_key = (await maintainer.post("/api/v1/api-keys", json={"name": "k"})).json()["key"]
    me = (await maintainer.get("/api/v1/auth/me")).json()
    deactivated = await admin.patch(f"/api/v1/users/{me['id']}", json={"isActive": False})
    assert deactivated.status_code == 200, deactivated.text
    anonymous = admin.sibling()
    presented = [
        {"X-API-Key": UNKNOWN_KEY},
        {"Authorization": f"Bearer {UNKNOWN_KEY}"},
        {"Cookie": "colophon_session=not-a-session", "X-Colophon-Csrf": "1"},
        {"X-API-Key": revoked["key"]},
        {"Authorization": f"Bearer {inactive_key}"},
    ]

    for headers in presented:
        await _assert_every_private_route_is_401(
            admin, lambda op, h=headers: anonymous.request(op.method, op.url, headers=h)
        )
