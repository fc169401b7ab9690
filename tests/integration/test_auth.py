"""Authentication and authorisation through the HTTP API (platform §5), on both databases."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from colophon.app import create_app
from colophon.auth.models import ApiKey, User
from colophon.runtime import Runtime
from tests.conftest import ADMIN_PASSWORD, ApiClient, serve_app, user_client

PUBLIC = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/health/live"),
    ("POST", "/api/v1/auth/login"),
}


async def test_login_sets_a_strict_cookie_and_logout_ends_the_session(client: ApiClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["user"]["role"] == "admin"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("colophon_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = client.cookies["colophon_session"]

    me = await client.get("/api/v1/auth/me")
    assert me.json()["authMethod"] == "session"
    assert "metrics:read" in me.json()["permissions"]

    logout = await client.post("/api/v1/auth/logout", headers={"X-Colophon-Csrf": "1"})
    assert logout.status_code == 204
    client.cookies.set("colophon_session", token)  # replay the old cookie
    replay = await client.get("/api/v1/auth/me")
    assert replay.status_code == 401
    assert replay.json()["error"] == "unauthenticated"
    assert replay.headers["www-authenticate"] == 'Bearer realm="colophon"'


async def test_wrong_password_is_401_with_the_contract_message(client: ApiClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": "not the password"}
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthenticated",
        "message": "invalid username or password",
    }


async def test_sixth_attempt_after_five_failures_is_throttled(client: ApiClient) -> None:
    for _ in range(5):
        wrong = await client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "wrong password!"}
        )
        assert wrong.status_code == 401
    throttled = await client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert throttled.status_code == 429
    assert throttled.json()["error"] == "too_many_requests"
    assert 0 < int(throttled.headers["retry-after"]) <= 900


async def test_cookie_writes_need_the_csrf_header_api_keys_do_not(admin: ApiClient) -> None:
    del admin.headers["X-Colophon-Csrf"]
    refused = await admin.post("/api/v1/api-keys", json={"name": "ci"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "csrf_failed"

    created = await admin.post(
        "/api/v1/api-keys", json={"name": "ci"}, headers={"X-Colophon-Csrf": "1"}
    )
    key = created.json()["key"]
    admin.cookies.clear()
    with_key = await admin.post(
        "/api/v1/libraries", json={"name": "X", "rootPath": "relative"}, headers={"X-API-Key": key}
    )
    assert with_key.status_code == 400  # got past CSRF and permissions to validation


async def test_api_keys_are_shown_once_hashed_and_revocable(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    created = await admin.post("/api/v1/api-keys", json={"name": "script"})
    assert created.status_code == 201
    body = created.json()
    key = body["key"]
    assert re.fullmatch(r"col_[A-Za-z0-9]{8}_[A-Za-z0-9]{40}", key)
    assert key.startswith(body["prefix"])

    listed = (await admin.get("/api/v1/api-keys")).json()["items"]
    assert [k["name"] for k in listed] == ["script"]
    assert "key" not in listed[0]
    async with app_runtime.db.read() as session:
        stored = (await session.scalars(select(ApiKey))).one()
    assert key not in (stored.key_hash, stored.prefix)

    anonymous = admin.sibling()
    for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
        me = await anonymous.get("/api/v1/auth/me", headers=headers)
        assert me.status_code == 200 and me.json()["authMethod"] == "apikey"

    cannot_mint = await anonymous.post(
        "/api/v1/api-keys", json={"name": "child"}, headers={"X-API-Key": key}
    )
    assert cannot_mint.status_code == 403

    assert (await admin.delete(f"/api/v1/api-keys/{body['id']}")).status_code == 204
    revoked = await anonymous.get("/api/v1/auth/me", headers={"X-API-Key": key})
    assert revoked.status_code == 401


async def test_an_expired_key_is_401(admin: ApiClient, app_runtime: Runtime) -> None:
    """Platform §5: a key past its expiresAt authenticates nothing."""
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    created = (await admin.post("/api/v1/api-keys", json={"name": "t", "expiresAt": soon})).json()
    anonymous = admin.sibling()
    headers = {"X-API-Key": created["key"]}
    assert (await anonymous.get("/api/v1/auth/me", headers=headers)).status_code == 200
    async with app_runtime.db.write() as session:
        key = await session.get(ApiKey, uuid.UUID(created["id"]))
        assert key is not None
        key.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert (await anonymous.get("/api/v1/auth/me", headers=headers)).status_code == 401


async def test_an_invalid_key_is_401_even_with_a_valid_cookie(admin: ApiClient) -> None:
    response = await admin.get("/api/v1/auth/me", headers={"X-API-Key": "col_nope_nope"})
    assert response.status_code == 401


async def test_a_read_only_key_of_an_admin_cannot_write(admin: ApiClient) -> None:
    created = await admin.post(
        "/api/v1/api-keys", json={"name": "ro", "permissions": ["libraries:read"]}
    )
    key = created.json()["key"]
    listing = await admin.get("/api/v1/libraries", headers={"X-API-Key": key})
    assert listing.status_code == 200
    admin.cookies.clear()
    write = await admin.post(
        "/api/v1/libraries", json={"name": "X", "rootPath": "/"}, headers={"X-API-Key": key}
    )
    assert write.status_code == 403
    assert write.json() == {
        "error": "forbidden",
        "message": "missing permission 'libraries:manage'",
        "requiredPermission": "libraries:manage",
    }


async def test_keys_cannot_exceed_the_owners_permissions(admin: ApiClient) -> None:
    reader = await user_client(admin, "reader1", "reader")
    response = await reader.post(
        "/api/v1/api-keys", json={"name": "k", "permissions": ["libraries:read", "tasks:write"]}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "permissions[1]"


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)


async def test_every_route_but_health_and_login_needs_credentials(admin: ApiClient) -> None:
    document = (await admin.get("/api/v1/openapi.json")).json()
    anonymous = admin.sibling()
    checked = 0
    for path, operations in document["paths"].items():
        for method in operations:
            if (method.upper(), path) in PUBLIC:
                continue
            response = await anonymous.request(method.upper(), _concrete(path))
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["error"] == "unauthenticated"
            checked += 1
    assert checked >= 15
    assert (await anonymous.get("/api/v1/openapi.json")).status_code == 401


# (method, path, body, permission) — a denied call must be 403 naming the permission.
MATRIX: list[tuple[str, str, Any, str]] = [
    ("GET", "/api/v1/libraries", None, "libraries:read"),
    ("POST", "/api/v1/libraries", {"name": "n", "rootPath": "/nope"}, "libraries:manage"),
    ("POST", "/api/v1/libraries/{id}/scan", None, "libraries:write"),
    ("PATCH", "/api/v1/libraries/{id}", {"name": "x"}, "libraries:write"),
    ("DELETE", "/api/v1/libraries/{id}", None, "libraries:manage"),
    ("GET", "/api/v1/series/{id}", None, "series:read"),
    ("GET", "/api/v1/books/{id}", None, "books:read"),
    ("GET", "/api/v1/users", None, "users:manage"),
    ("GET", "/api/v1/api-keys", None, "apikeys:own"),
]
ROLE_HAS = {
    "reader": {"libraries:read", "series:read", "books:read", "apikeys:own"},
    "maintainer": {
        "libraries:read", "series:read", "books:read", "apikeys:own",
        "libraries:write", "series:write", "books:write", "tasks:read", "tasks:write",
    },
}  # fmt: skip


@pytest.mark.parametrize("role", ["reader", "maintainer"])
async def test_permission_matrix(admin: ApiClient, role: str) -> None:
    other = await user_client(admin, f"user-{role}", role)
    for method, path, body, permission in MATRIX:
        response = await other.request(method, _concrete(path), json=body)
        if permission in ROLE_HAS[role]:
            assert response.status_code != 403, (role, method, path)
        else:
            assert response.status_code == 403, (role, method, path, response.text)
            assert response.json()["requiredPermission"] == permission


async def test_reader_gets_403_before_404_and_422(admin: ApiClient) -> None:
    reader = await user_client(admin, "reader2", "reader")
    response = await reader.post("/api/v1/libraries", json={"unexpected": True})
    assert response.status_code == 403


async def test_last_active_admin_cannot_be_removed(admin: ApiClient) -> None:
    me = (await admin.get("/api/v1/auth/me")).json()
    other = await admin.post(
        "/api/v1/users", json={"username": "second", "password": ADMIN_PASSWORD, "role": "reader"}
    )
    demote_self = await admin.patch(f"/api/v1/users/{me['id']}", json={"role": "reader"})
    assert demote_self.status_code == 409
    assert demote_self.json()["message"] == "at least one active admin is required"
    deactivate_self = await admin.patch(f"/api/v1/users/{me['id']}", json={"isActive": False})
    assert deactivate_self.status_code == 409
    assert (await admin.delete(f"/api/v1/users/{other.json()['id']}")).status_code == 204


async def test_deactivated_users_lose_their_sessions(admin: ApiClient) -> None:
    other = await user_client(admin, "leaver", "maintainer")
    assert (await other.get("/api/v1/auth/me")).status_code == 200
    users = (await admin.get("/api/v1/users")).json()["items"]
    leaver = next(u for u in users if u["username"] == "leaver")
    await admin.patch(f"/api/v1/users/{leaver['id']}", json={"isActive": False})
    assert (await other.get("/api/v1/auth/me")).status_code == 401


async def test_admin_password_variable_never_touches_existing_users(
    app_runtime: Runtime,
) -> None:
    async with serve_app(app_runtime) as api:  # creates admin with ADMIN_PASSWORD
        await api.login()
    async with app_runtime.db.read() as session:
        before = (await session.scalars(select(User))).one().password_hash
    app_runtime_again = Runtime.from_settings(app_runtime.settings, roles=frozenset({"api"}))
    async with serve_app(app_runtime_again) as api:
        async with app_runtime_again.db.read() as session:
            after = (await session.scalars(select(User))).one().password_hash
        assert before == after
        await api.login()


async def test_without_users_login_fails_and_health_says_so(runtime: Runtime) -> None:
    app = create_app(runtime)  # no COLOPHON_ADMIN_PASSWORD
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as api,
    ):
        health = (await api.get("/api/v1/health")).json()
        assert health["setup"]["adminExists"] is False
        login = await api.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "anything at all"}
        )
        assert login.status_code == 401


async def test_password_change_ends_other_sessions(admin: ApiClient) -> None:
    second = admin.sibling()
    await second.login()
    changed = await admin.post(
        "/api/v1/auth/password",
        json={"currentPassword": ADMIN_PASSWORD, "newPassword": "another long password"},
    )
    assert changed.status_code == 204
    assert (await second.get("/api/v1/auth/me")).status_code == 401
    assert (await admin.get("/api/v1/auth/me")).status_code == 200
