from __future__ import annotations

import stat
from pathlib import Path

import pytest
import structlog
from cryptography.fernet import Fernet

from colophon.db.database import Database
from colophon.system.encryption import (
    EncryptionKeyError,
    check_canary,
    check_environment_key,
    load_secret_box,
)


def test_key_file_is_created_private_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLOPHON_ENCRYPTION_KEY", raising=False)
    first = load_secret_box(tmp_path, may_create=True)
    key_file = tmp_path / "encryption.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = load_secret_box(tmp_path, may_create=True)
    assert second.decrypt(first.encrypt(b"secret")) == b"secret"


def test_no_key_is_generated_once_secrets_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLOPHON_ENCRYPTION_KEY", raising=False)
    with pytest.raises(EncryptionKeyError):
        load_secret_box(tmp_path, may_create=False)
    assert not (tmp_path / "encryption.key").exists()


def test_environment_key_list_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("COLOPHON_ENCRYPTION_KEY", old)
    token = load_secret_box(tmp_path, may_create=True).encrypt(b"x")
    monkeypatch.setenv("COLOPHON_ENCRYPTION_KEY", f"{new},{old}")
    box = load_secret_box(tmp_path, may_create=True)
    assert box.source == "COLOPHON_ENCRYPTION_KEY"
    assert box.decrypt(token) == b"x"


def test_invalid_environment_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLOPHON_ENCRYPTION_KEY", "too-short")
    with pytest.raises(EncryptionKeyError, match="COLOPHON_ENCRYPTION_KEY"):
        check_environment_key()


async def test_a_different_key_fails_the_canary(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLOPHON_ENCRYPTION_KEY", Fernet.generate_key().decode())
    assert await check_canary(db, load_secret_box(tmp_path, may_create=True)) is True
    assert await check_canary(db, load_secret_box(tmp_path, may_create=True)) is True
    monkeypatch.setenv("COLOPHON_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with structlog.testing.capture_logs() as logs:
        assert await check_canary(db, load_secret_box(tmp_path, may_create=True)) is False
    assert logs[0]["log_level"] == "error"
    assert logs[0]["key_source"] == "COLOPHON_ENCRYPTION_KEY"
