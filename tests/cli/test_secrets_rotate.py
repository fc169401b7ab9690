"""``colophon secrets rotate`` re-encrypts plugin credentials with the first key (§6.4)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from colophon.plugins.credentials import decrypt_credentials
from colophon.plugins.models import Plugin
from colophon.runtime import Runtime
from colophon.system.encryption import load_secret_box
from tests.conftest import serve_app
from tests.processes import colophon_env, run_cli


async def test_rotation_moves_every_secret_to_the_first_key(
    app_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("COLOPHON_ENCRYPTION_KEY", old_key)
    async with serve_app(app_runtime) as api:
        await api.login()
        created = await api.post(
            "/api/v1/plugins",
            json={
                "name": "echo",
                "command": Path(sys.executable).name,
                "args": ["-m", "colophon_plugins.echo"],
                "enabled": False,
                "credentials": {"api_key": "hunter2-secret"},
            },
        )
        assert created.status_code == 201, created.text

    settings = app_runtime.settings
    env = colophon_env(
        settings.data_path,
        COLOPHON_DATABASE__URL=settings.database_url,
        COLOPHON_ENCRYPTION_KEY=f"{new_key},{old_key}",
    )
    rotated = run_cli("secrets", "rotate", env=env)
    assert rotated.returncode == 0, rotated.stderr
    assert "re-encrypted 1 plugin credential set(s)" in rotated.stdout

    monkeypatch.setenv("COLOPHON_ENCRYPTION_KEY", new_key)
    only_new = load_secret_box(settings.data_path, may_create=False)
    async with app_runtime.db.read() as session:
        token = (await session.scalars(select(Plugin.credentials))).one()
    assert decrypt_credentials(only_new, token) == {"api_key": "hunter2-secret"}

    wrong = colophon_env(
        settings.data_path,
        COLOPHON_DATABASE__URL=settings.database_url,
        COLOPHON_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )
    refused = run_cli("secrets", "rotate", env=wrong)
    assert refused.returncode == 1
    assert "cannot be decrypted" in refused.stderr
