"""The seed file's users section (platform §7) on both databases."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from colophon.auth.models import ApiKey, User
from colophon.auth.passwords import verify_password
from colophon.auth.service import principal_from_api_key
from colophon.runtime import Runtime
from colophon.seed import SeedFailed, run_seed

ADMIN_PASSWORD = "from-the-environment-1"
ADMIN = {"username": "admin", "role": "admin", "passwordEnv": "SEED_ADMIN_PASSWORD"}
VIEWER = {"username": "viewer", "role": "reader", "apiKeys": [{"name": "dashboard"}]}
SECRET_LINE = re.compile(
    r"^users\[1\] \(viewer\): (password|API key 'dashboard'): (\S+) \(shown once\)$"
)


async def _seed(runtime: Runtime, *users: dict[str, Any], **environ: str) -> list[str]:
    return await run_seed(runtime, {"users": list(users)}, dry_run=False, environ=environ)


async def _user(runtime: Runtime, username: str) -> User:
    async with runtime.db.read() as session:
        user = await session.scalar(select(User).where(User.username == username))
        assert user is not None
        return user


async def _count(runtime: Runtime, table: type[User] | type[ApiKey]) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_users_are_created_and_their_secrets_shown_once(seeding: Runtime) -> None:
    lines = await _seed(seeding, ADMIN, VIEWER, SEED_ADMIN_PASSWORD=ADMIN_PASSWORD)

    assert lines[:2] == ["users[0] (admin): created", "users[1] (viewer): created"]
    matches = [m for m in map(SECRET_LINE.match, lines[2:]) if m]
    secrets: dict[str, str] = {m.group(1): m.group(2) for m in matches}
    assert len(lines) == 4 and set(secrets) == {"password", "API key 'dashboard'"}
    admin, viewer = await _user(seeding, "admin"), await _user(seeding, "viewer")
    assert admin.role == "admin" and verify_password(admin.password_hash, ADMIN_PASSWORD)
    assert len(secrets["password"]) == 20
    assert verify_password(viewer.password_hash, secrets["password"])

    clear = secrets["API key 'dashboard'"]
    async with seeding.db.read() as session:
        key = await session.scalar(select(ApiKey))
    assert key is not None and key.user_id == viewer.id and key.name == "dashboard"
    assert key.key_hash == hashlib.sha256(clear.encode()).hexdigest() != clear
    principal = await principal_from_api_key(seeding.db, clear)
    assert principal is not None and principal.username == "viewer"

    again = await _seed(seeding, ADMIN, VIEWER, SEED_ADMIN_PASSWORD=ADMIN_PASSWORD)
    assert again == ["users[0] (admin): unchanged", "users[1] (viewer): unchanged"]
    assert await _count(seeding, ApiKey) == 1


async def test_existing_passwords_never_change_but_role_and_email_do(seeding: Runtime) -> None:
    await _seed(
        seeding, ADMIN, {**VIEWER, "password": "first password 1"}, SEED_ADMIN_PASSWORD="p" * 12
    )
    before = await _user(seeding, "viewer")

    changed = {**VIEWER, "password": "second password 2", "role": "maintainer", "email": "v@x.io"}
    lines = await _seed(seeding, changed, {"username": "other", "role": "reader"})

    assert lines[0] == "users[0] (viewer): updated (role, email)"
    after = await _user(seeding, "viewer")
    assert (after.role, after.email) == ("maintainer", "v@x.io")
    assert after.password_hash == before.password_hash
    assert verify_password(after.password_hash, "first password 1")
    assert lines[1] == "users[1] (other): created"
    assert lines[2].startswith("users[1] (other): password: ") and len(lines) == 3


async def test_an_unset_password_variable_is_named_and_nothing_is_written(
    seeding: Runtime,
) -> None:
    with pytest.raises(SeedFailed) as failed:
        await _seed(
            seeding,
            VIEWER,
            ADMIN,
            {"username": "x", "role": "owner", "pasword": "p"},
        )
    assert failed.value.errors == [
        "seed: users[1] (admin): environment variable 'SEED_ADMIN_PASSWORD' (passwordEnv of "
        "user 'admin') is not set",
        "seed: users[2] (x): unknown key 'pasword' (did you mean 'password'?)",
        "seed: users[2] (x): role: unknown role 'owner'",
    ]
    assert await _count(seeding, User) == 0
    assert await _count(seeding, ApiKey) == 0


async def test_dry_run_writes_nothing_and_shows_no_secret(seeding: Runtime) -> None:
    lines = await run_seed(seeding, {"users": [VIEWER]}, dry_run=True, environ={})
    assert lines == ["users[0] (viewer): would be created"]
    assert await _count(seeding, User) == 0
