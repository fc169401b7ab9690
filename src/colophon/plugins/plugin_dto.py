"""The admin view of a plugin row (plugins.md §7.1): key names of credentials, never values."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from colophon.plugins.models import Plugin
from colophon.plugins.schemas import PluginDto, PluginHealthDto


def missing_credentials(manifest: Mapping[str, Any] | None, keys: Iterable[str]) -> list[str]:
    """Required credential keys of the cached manifest that are not set (§7.1)."""
    required = (manifest or {}).get("requiredCredentials")
    if not isinstance(required, list):
        return []
    present = set(keys)
    return [
        entry["key"]
        for entry in required
        if isinstance(entry, dict)
        and isinstance(entry.get("key"), str)
        and entry.get("required") is not False
        and entry["key"] not in present
    ]


def plugin_dto(row: Plugin) -> PluginDto:
    """The admin view of a row: credential key names only."""
    return PluginDto(
        id=row.id,
        name=row.name,
        display_name=row.display_name,
        description=row.description,
        command=row.command,
        args=list(row.args),
        env=dict(row.env),
        working_dir=row.working_dir,
        enabled=row.enabled,
        admin_config=dict(row.admin_config),
        credential_delivery=row.credential_delivery,
        credential_keys=sorted(row.credential_keys),
        missing_credentials=missing_credentials(row.manifest, row.credential_keys),
        permissions=list(row.permissions),
        scopes=list(row.scopes),
        library_ids=[uuid.UUID(str(value)) for value in row.library_ids],
        rate_limit_per_minute=row.rate_limit_per_minute,
        request_timeout_s=row.request_timeout_s,
        log_level=row.log_level,
        manifest=row.manifest,
        manifest_updated_at=row.manifest_updated_at,
        health=PluginHealthDto(
            status=row.health_status,
            consecutive_failures=row.consecutive_failures,
            failure_count=row.failure_count,
            last_error=row.last_error,
            last_success_at=row.last_success_at,
            last_failure_at=row.last_failure_at,
            checked_at=row.health_checked_at,
        ),
        disabled_reason=row.disabled_reason,
        revision=row.revision,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
