"""Plugin rows as immutable records, and what the host needs from them (plugins.md §4.2).

ORM rows stay inside services; callers outside get a ``PluginRecord``. Decrypted credentials
appear only in the ``PluginDefinition`` handed to the host of this process.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.errors import NotFound
from colophon.plugins.credentials import decrypt_credentials
from colophon.plugins.definition import CredentialDelivery, PluginDefinition
from colophon.plugins.models import Plugin
from colophon.plugins.qualification import Scope, qualifies_as_provider
from colophon.system.encryption import SecretBox

PLUGIN_NOT_FOUND = "plugin not found"


@dataclass(frozen=True, slots=True)
class PluginRecord:
    """A snapshot of one plugin row; ``credentials_token`` is still encrypted."""

    id: uuid.UUID
    name: str
    display_name: str
    description: str | None
    enabled: bool
    command: str
    args: tuple[str, ...]
    env: dict[str, str]
    working_dir: str | None
    admin_config: dict[str, Any]
    credentials_token: str | None
    credential_keys: tuple[str, ...]
    credential_delivery: str
    permissions: tuple[str, ...]
    scopes: tuple[str, ...]
    library_ids: tuple[uuid.UUID, ...]
    rate_limit_per_minute: int
    request_timeout_s: int | None
    log_level: str | None
    manifest: dict[str, Any] | None
    health_status: str
    disabled_reason: str | None
    revision: int

    def qualifies(self, scope: Scope, library_id: uuid.UUID | None) -> bool:
        """True when the row may serve ``scope`` in ``library_id`` (§3.7)."""
        return qualifies_as_provider(
            enabled=self.enabled,
            manifest=self.manifest,
            scopes=self.scopes,
            library_ids=self.library_ids,
            scope=scope,
            library_id=library_id,
        )

    def definition(self, box: SecretBox | None) -> PluginDefinition:
        """The host's view, credentials decrypted; raises ``CredentialsUndecryptable``."""
        return PluginDefinition(
            name=self.name,
            command=self.command,
            args=self.args,
            env=dict(self.env),
            working_dir=self.working_dir,
            admin_config=dict(self.admin_config),
            credentials=decrypt_credentials(box, self.credentials_token),
            credential_delivery=cast(CredentialDelivery, self.credential_delivery),
            log_level=self.log_level,
            rate_limit_per_minute=self.rate_limit_per_minute,
            request_timeout_s=self.request_timeout_s,
            revision=self.revision,
        )


def record_of(row: Plugin) -> PluginRecord:
    """Snapshot an ORM row."""
    return PluginRecord(
        id=row.id,
        name=row.name,
        display_name=row.display_name,
        description=row.description,
        enabled=row.enabled,
        command=row.command,
        args=tuple(row.args),
        env=dict(row.env),
        working_dir=row.working_dir,
        admin_config=dict(row.admin_config),
        credentials_token=row.credentials,
        credential_keys=tuple(row.credential_keys),
        credential_delivery=row.credential_delivery,
        permissions=tuple(row.permissions),
        scopes=tuple(row.scopes),
        library_ids=tuple(uuid.UUID(str(value)) for value in row.library_ids),
        rate_limit_per_minute=row.rate_limit_per_minute,
        request_timeout_s=row.request_timeout_s,
        log_level=row.log_level,
        manifest=dict(row.manifest) if row.manifest is not None else None,
        health_status=row.health_status,
        disabled_reason=row.disabled_reason,
        revision=row.revision,
    )


async def get_plugin_row(
    session: AsyncSession, plugin_id: uuid.UUID, *, for_update: bool = False
) -> Plugin:
    """The row; raises ``NotFound`` `plugin not found`."""
    row = await session.get(Plugin, plugin_id, with_for_update=for_update)
    if row is None:
        raise NotFound(PLUGIN_NOT_FOUND)
    return row


async def find_record(session: AsyncSession, plugin_id: uuid.UUID) -> PluginRecord | None:
    """The record of ``plugin_id``, or None."""
    row = await session.get(Plugin, plugin_id)
    return record_of(row) if row is not None else None


async def find_record_by_name(session: AsyncSession, name: str) -> PluginRecord | None:
    """The record named ``name``, or None."""
    row = await session.scalar(select(Plugin).where(Plugin.name == name))
    return record_of(row) if row is not None else None


async def list_records(session: AsyncSession) -> list[PluginRecord]:
    """Every plugin, ordered by display name then name."""
    rows = await session.scalars(select(Plugin).order_by(Plugin.display_name, Plugin.name))
    return [record_of(row) for row in rows]
