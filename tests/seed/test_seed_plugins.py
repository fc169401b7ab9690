"""The seed file's plugins section (plugins.md §8, platform §7) on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from colophon.plugins.models import Plugin
from colophon.runtime import Runtime
from colophon.seed import SeedFailed, run_seed
from tests.plugins_api.helpers import sqlite_only

ECHO = {
    "name": "echo",
    "displayName": "Echo",
    "command": "python",
    "args": ["-m", "colophon_plugins.echo"],
    "rateLimitPerMinute": 0,
}


async def _seed(runtime: Runtime, *plugins: dict[str, Any], **environ: str) -> list[str]:
    return await run_seed(runtime, {"plugins": list(plugins)}, dry_run=False, environ=environ)


async def _row(runtime: Runtime, name: str = "echo") -> Plugin:
    async with runtime.db.read() as session:
        row = await session.scalar(select(Plugin).where(Plugin.name == name))
        assert row is not None
        return row


async def _count(runtime: Runtime) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Plugin)) or 0)


async def test_credentials_as_a_string_are_refused_and_nothing_is_written(
    seeding: Runtime,
) -> None:
    """Item 72, word for word."""
    with pytest.raises(SeedFailed) as failed:
        await _seed(seeding, {**ECHO, "name": "x", "credentials": "abc"})
    assert failed.value.errors == [
        "seed: plugins[0] (x): credentials for plugin 'x' must be a mapping of key: value, "
        "not a string"
    ]
    assert await _count(seeding) == 0


async def test_every_error_is_reported_and_nothing_is_written(seeding: Runtime) -> None:
    with pytest.raises(SeedFailed) as failed:
        await _seed(
            seeding,
            ECHO,
            {**ECHO, "name": "two", "credentals": {"a": "b"}},
            {**ECHO, "name": "three", "credentials": [1]},
        )
    assert failed.value.errors == [
        "seed: plugins[1] (two): unknown key 'credentals' (did you mean 'credentials'?)",
        "seed: plugins[2] (three): credentials for plugin 'three' must be a mapping of key: value",
    ]
    assert await _count(seeding) == 0


async def test_the_same_seed_twice_is_unchanged_without_a_revision_bump(
    seeding: Runtime,
) -> None:
    """Item 73; the first run caches the manifest from one start."""
    entry = {**ECHO, "credentials": {"api_key": "${ECHO_KEY}"}}
    assert await _seed(seeding, entry, ECHO_KEY="k3y-value") == ["plugins[0] (echo): created"]
    first = await _row(seeding)
    assert first.manifest is not None and first.manifest["name"] == "echo"

    assert await _seed(seeding, entry, ECHO_KEY="k3y-value") == ["plugins[0] (echo): unchanged"]
    again = await _row(seeding)
    assert again.revision == first.revision == 1
    assert again.updated_at == first.updated_at


async def test_changing_only_the_rate_limit_keeps_the_credentials(seeding: Runtime) -> None:
    """Item 74: credentials absent from the seed stay as stored."""
    await _seed(seeding, {**ECHO, "credentials": {"api_key": "k3y-value"}})
    token = (await _row(seeding)).credentials

    lines = await _seed(seeding, {**ECHO, "rateLimitPerMinute": 30})

    assert lines == ["plugins[0] (echo): updated (rateLimitPerMinute)"]
    row = await _row(seeding)
    assert row.rate_limit_per_minute == 30 and row.revision == 2
    assert row.credentials == token and row.credential_keys == ["api_key"]


async def test_variables_are_expanded_and_an_unset_one_is_named(seeding: Runtime) -> None:
    """Item 75."""
    await _seed(seeding, {**ECHO, "credentials": {"api_key": "${ECHO_KEY}"}}, ECHO_KEY="v4lue")
    row = await _row(seeding)
    assert seeding.secret_box is not None and row.credentials is not None
    assert seeding.secret_box.decrypt(row.credentials) == b'{"api_key":"v4lue"}'

    with pytest.raises(SeedFailed) as failed:
        await _seed(seeding, {**ECHO, "name": "other", "env": {"TOKEN": "${MISSING_VAR}"}})
    assert failed.value.errors == [
        "seed: plugins[0] (other): environment variable 'MISSING_VAR' referenced by plugin "
        "'other' is not set"
    ]


async def test_the_api_validators_apply(seeding: Runtime) -> None:
    with pytest.raises(SeedFailed) as failed:
        await _seed(
            seeding,
            {**ECHO, "command": "/bin/sh", "env": {"LD_PRELOAD": "x"}, "libraries": ["Nope"]},
        )
    assert failed.value.errors == ["seed: plugins[0] (echo): unknown library 'Nope'"]
    with pytest.raises(SeedFailed) as failed:
        await _seed(seeding, {**ECHO, "command": "/bin/sh", "env": {"LD_PRELOAD": "x"}})
    assert failed.value.errors == [
        "seed: plugins[0] (echo): command '/bin/sh' is not allowed; "
        "add it to plugins.allowedCommands",
        "seed: plugins[0] (echo): env name 'LD_PRELOAD' is not allowed",
    ]


@sqlite_only
async def test_a_plugin_that_cannot_start_fails_the_seed(seeding: Runtime) -> None:
    with pytest.raises(SeedFailed) as failed:
        await _seed(seeding, {**ECHO, "adminConfig": {"failInitialize": True}})
    assert failed.value.errors == [
        "seed: plugins[0] (echo): could not start: echo: initialize failure injected"
    ]
    assert await _count(seeding) == 0


async def test_libraries_named_in_the_same_file_are_linked(
    seeding: Runtime, tmp_path: Path
) -> None:
    root = tmp_path / "manga"
    root.mkdir()
    document = {
        "libraries": [{"name": "Manga", "path": str(root), "scan": False}],
        "plugins": [{**ECHO, "libraries": ["Manga"]}],
    }
    lines = await run_seed(seeding, document, dry_run=False, environ={})
    assert lines == ["libraries[0] (Manga): created", "plugins[0] (echo): created"]
    row = await _row(seeding)
    assert len(row.library_ids) == 1
    again = await run_seed(seeding, document, dry_run=False, environ={})
    assert again == ["libraries[0] (Manga): unchanged", "plugins[0] (echo): unchanged"]


@sqlite_only
async def test_dry_run_writes_nothing(seeding: Runtime) -> None:
    lines = await run_seed(seeding, {"plugins": [ECHO]}, dry_run=True, environ={})
    assert lines == ["plugins[0] (echo): would be created"]
    assert await _count(seeding) == 0
