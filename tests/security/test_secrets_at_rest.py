"""Secrets are stored only as hashes or ciphertext (platform §5.1–§5.3, §6.4): after a
session that sets every kind of secret, no table holds any of them in clear."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from colophon.auth.models import ApiKey, User, UserSession
from colophon.db.tables import metadata
from colophon.plugins.models import Plugin
from colophon.runtime import Runtime
from tests.conftest import ADMIN_PASSWORD, ApiClient

READER_PASSWORD = "reader's own long password"
CHANGED_PASSWORD = "a changed password, also long"
WRONG_PASSWORD = "a mistyped password of the admin"
PLUGIN_SECRET = "plugin-secret-4f1c9a7e"


def _cell_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


async def _every_cell(runtime: Runtime) -> list[tuple[str, str]]:
    """(table, text) for every cell of every table of the schema."""
    cells: list[tuple[str, str]] = []
    async with runtime.db.read() as session:
        for table in metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                cells += [(table.name, _cell_text(value)) for value in row]
    return cells


async def _set_every_kind_of_secret(admin: ApiClient) -> list[str]:
    """Passwords (create, change, failed login), an API key, a session, plugin credentials."""
    created = await admin.post(
        "/api/v1/users", json={"username": "rita", "password": READER_PASSWORD, "role": "reader"}
    )
    assert created.status_code == 201 and READER_PASSWORD not in created.text
    changed = await admin.patch(
        f"/api/v1/users/{created.json()['id']}", json={"password": CHANGED_PASSWORD}
    )
    assert changed.status_code == 200 and CHANGED_PASSWORD not in changed.text
    failed = await admin.sibling().post(
        "/api/v1/auth/login", json={"username": "admin", "password": WRONG_PASSWORD}
    )
    assert failed.status_code == 401
    key = (await admin.post("/api/v1/api-keys", json={"name": "script"})).json()["key"]
    plugin = await admin.post(
        "/api/v1/plugins",
        json={
            "name": "echo",
            "command": "python",
            "args": ["-m", "colophon_plugins.echo"],
            "credentials": {"api_key": PLUGIN_SECRET},
        },
    )
    assert plugin.status_code == 201, plugin.text
    session_token = admin.cookies["colophon_session"]
    return [
        ADMIN_PASSWORD,
        READER_PASSWORD,
        CHANGED_PASSWORD,
        WRONG_PASSWORD,
        key,
        key.rsplit("_", 1)[1],  # the secret part alone
        session_token,
        PLUGIN_SECRET,
    ]


async def test_no_table_holds_a_password_key_session_or_credential_in_clear(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    """Checklist: no secret in clear in any cell; §5.1 argon2id, §5.2 SHA-256 of the session
    token, §5.3 SHA-256 of the whole key, plugins §6.1 a Fernet token."""
    secrets = await _set_every_kind_of_secret(admin)
    key, session_token = secrets[4], secrets[6]

    cells = await _every_cell(app_runtime)

    leaks = [(table, secret) for table, text in cells for secret in secrets if secret in text]
    assert leaks == []
    assert len(cells) > 50  # the scan saw the rows written above
    async with app_runtime.db.read() as session:
        users = (await session.scalars(select(User))).all()
        keys = (await session.scalars(select(ApiKey))).all()
        sessions = (await session.scalars(select(UserSession))).all()
        plugin = (await session.scalars(select(Plugin))).one()
    assert all(user.password_hash.startswith("$argon2id$") for user in users)
    assert [k.key_hash for k in keys] == [hashlib.sha256(key.encode()).hexdigest()]
    assert hashlib.sha256(session_token.encode()).hexdigest() in {s.token_hash for s in sessions}
    assert plugin.credentials is not None and plugin.credentials.startswith("gAAAAA")
    assert plugin.credential_keys == ["api_key"]
