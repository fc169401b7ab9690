"""``colophon secrets rotate``: re-encrypt every stored secret with the first key (§6.4)."""

from __future__ import annotations

from sqlalchemy import select

from colophon.db.database import Database
from colophon.plugins.models import Plugin
from colophon.system.encryption import CANARY_SETTING, SecretBox
from colophon.system.models import Setting


async def rotate_secrets(db: Database, box: SecretBox) -> int:
    """Re-encrypt plugin credentials and the canary in one transaction; returns how many.

    Raises ``cryptography.fernet.InvalidToken`` (and writes nothing) when a secret cannot be
    decrypted with any configured key.
    """
    async with db.write() as session:
        rotated = 0
        for plugin in await session.scalars(select(Plugin).where(Plugin.credentials.is_not(None))):
            assert plugin.credentials is not None
            plugin.credentials = box.fernet.rotate(plugin.credentials.encode()).decode()
            rotated += 1
        canary = await session.get(Setting, CANARY_SETTING)
        if canary is not None:
            canary.value = box.fernet.rotate(canary.value.encode()).decode()
    return rotated
