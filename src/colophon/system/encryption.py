"""The secrets key: load or create it, and detect a changed key with a canary (platform §6.4)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import structlog
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select

from colophon.db.database import Database
from colophon.system.models import Setting

log = structlog.get_logger("colophon.encryption")
ENV_KEY = "COLOPHON_ENCRYPTION_KEY"
KEY_FILE = "encryption.key"
CANARY_SETTING = "encryption.canary"
CANARY_TEXT = b"colophon-canary"


class EncryptionKeyError(Exception):
    """The configured key is not a valid Fernet key."""


@dataclass(frozen=True, slots=True)
class SecretBox:
    """Encrypts with the first key, decrypts with any (key rotation)."""

    fernet: MultiFernet
    source: str  # "COLOPHON_ENCRYPTION_KEY" or the key file's path

    def encrypt(self, clear: bytes) -> str:
        return self.fernet.encrypt(clear).decode()

    def decrypt(self, token: str) -> bytes:
        """Raises InvalidToken when no configured key can decrypt."""
        return self.fernet.decrypt(token.encode())


def _parse_keys(text: str, source: str) -> MultiFernet:
    keys = [part.strip() for part in text.split(",") if part.strip()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError):
        raise EncryptionKeyError(
            f"{source}: not a valid encryption key (32 url-safe base64-encoded bytes)"
        ) from None


def load_secret_box(data_dir: Path, *, may_create: bool) -> SecretBox:
    """The key from the environment, else the key file (created 0600 when allowed)."""
    env_value = os.environ.get(ENV_KEY)
    if env_value:
        return SecretBox(_parse_keys(env_value, ENV_KEY), ENV_KEY)
    path = data_dir / KEY_FILE
    if not path.exists():
        if not may_create:
            raise EncryptionKeyError(
                f"{path}: missing, and the database already holds encrypted secrets"
            )
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    return SecretBox(_parse_keys(path.read_text(), str(path)), str(path))


async def check_canary(db: Database, box: SecretBox) -> bool:
    """Store a canary on first use; afterwards False (and an error log) when the key changed."""
    async with db.write() as session:
        row = await session.scalar(select(Setting).where(Setting.key == CANARY_SETTING))
        if row is None:
            session.add(Setting(key=CANARY_SETTING, value=box.encrypt(CANARY_TEXT)))
            return True
        token = row.value
    try:
        return box.decrypt(token) == CANARY_TEXT
    except InvalidToken:
        log.error(
            "the encryption key does not match the one this database was used with; "
            "plugins with credentials cannot start",
            key_source=box.source,
        )
        return False


async def holds_secrets(db: Database) -> bool:
    """Whether anything was ever encrypted with a key (the canary is written first)."""
    async with db.read() as session:
        found = await session.scalar(select(Setting.key).where(Setting.key == CANARY_SETTING))
    return found is not None


def check_environment_key() -> None:
    """Fail fast (before serving) when ``COLOPHON_ENCRYPTION_KEY`` is set but invalid."""
    env_value = os.environ.get(ENV_KEY)
    if env_value:
        _parse_keys(env_value, ENV_KEY)
