"""Plugin administration use cases (plugins.md §7.2): each owns its transaction, returns DTOs.

Every change bumps ``revision`` and publishes a ``plugin.*`` event in its transaction, which
is how each server process's supervisor reloads, replaces or stops the plugin (§4.2). Every
change is logged with the actor and the changed field names, never with credential values.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.auth.service import Principal
from colophon.db.clock import utcnow
from colophon.errors import Conflict, FieldError, NotFound, ValidationFailed
from colophon.library.models import Library
from colophon.plugins import plugin_events
from colophon.plugins.credentials import (
    CredentialsUndecryptable,
    decrypt_credentials,
    encrypt_credentials,
    merge_credential_patch,
    parse_credentials,
)
from colophon.plugins.models import Plugin
from colophon.plugins.plugin_dto import missing_credentials, plugin_dto
from colophon.plugins.records import get_plugin_row
from colophon.plugins.schemas import (
    CreatePlugin,
    CredentialKeys,
    PluginDto,
    PluginTestResult,
    RestartAccepted,
    TestError,
    TestTimings,
    UpdatePlugin,
)
from colophon.plugins.supervisor import supervisor_of
from colophon.plugins.validation import NAME_CANNOT_CHANGE, check_name, field_errors
from colophon.runtime import Runtime

log = structlog.get_logger(__name__)

# A change to one of these replaces the running process (§4.2); the others apply live.
LAUNCH_FIELDS = frozenset(
    {"command", "args", "env", "working_dir", "admin_config", "credential_delivery", "log_level"}
)
NOT_NULL_FIELDS = frozenset(
    {"display_name", "command", "args", "env", "admin_config", "credential_delivery"}
    | {"permissions", "scopes", "library_ids", "rate_limit_per_minute", "enabled"}
)


# --- validation shared with the seed ------------------------------------------------------


def check_fields(runtime: Runtime, values: Mapping[str, Any]) -> None:
    """Raise ``ValidationFailed`` listing every problem of the writable fields."""
    errors = field_errors(values, allowed_commands=runtime.settings.plugins.allowed_commands)
    if errors:
        raise ValidationFailed(errors)


async def unknown_library_errors(
    session: AsyncSession, library_ids: Sequence[uuid.UUID], *, field: str = "libraryIds"
) -> list[FieldError]:
    """One error per id that names no library: `unknown library '<id>'`."""
    if not library_ids:
        return []
    found = set(await session.scalars(select(Library.id).where(Library.id.in_(library_ids))))
    return [
        FieldError(f"{field}[{i}]", f"unknown library '{library_id}'")
        for i, library_id in enumerate(library_ids)
        if library_id not in found
    ]


async def require_free_name(session: AsyncSession, name: str) -> None:
    """Raise ``Conflict`` `plugin '<name>' already exists`."""
    if await session.scalar(select(Plugin.id).where(Plugin.name == name)) is not None:
        raise Conflict(f"plugin '{name}' already exists")


def stored_value(key: str, value: Any) -> Any:
    """The column form of a typed field value (uuids as text in JSON lists)."""
    if key == "library_ids":
        return [str(v) for v in value]
    if key == "args":
        return list(value)
    return value


def set_credentials(runtime: Runtime, row: Plugin, credentials: Mapping[str, str]) -> None:
    """Replace the row's credentials: encrypted token and key names."""
    row.credentials = encrypt_credentials(runtime.secret_box, credentials)
    row.credential_keys = sorted(credentials)


def set_enabled(row: Plugin, enabled: bool) -> None:
    """Enable (clearing an auto-disable and the counters, §4.6) or disable by hand."""
    if row.enabled == enabled:
        return
    row.enabled, row.enabled_changed_at = enabled, utcnow()
    if enabled:
        row.disabled_reason = None
        row.health_status = "unknown"
        row.consecutive_failures = row.failure_count = 0
        row.last_error = None


def _publish(
    runtime: Runtime,
    session: AsyncSession,
    name: str,
    row: Plugin,
    actor: Principal | None,
    **extra: Any,
) -> None:
    user_id = actor.user_id if actor else None
    event = plugin_events.plugin_event(name, row.id, user_id=user_id, **extra)
    runtime.bus.publish_after_commit(session, event)


def _log_change(
    action: str, row: Plugin, actor: Principal | None, fields: Iterable[str] = ()
) -> None:
    log.info(
        "plugin_changed",
        action=action,
        plugin=row.name,
        actor=actor.actor if actor else "system",
        fields=sorted(fields),
    )


# --- reads --------------------------------------------------------------------------------


async def list_plugins(runtime: Runtime, *, enabled: bool | None = None) -> list[PluginDto]:
    """Every plugin, ordered by display name; optionally only enabled or disabled ones."""
    query = select(Plugin).order_by(Plugin.display_name, Plugin.name)
    if enabled is not None:
        query = query.where(Plugin.enabled.is_(enabled))
    async with runtime.db.read() as session:
        return [plugin_dto(row) for row in await session.scalars(query)]


async def get_plugin(runtime: Runtime, plugin_id: uuid.UUID) -> PluginDto:
    """One plugin; raises ``NotFound`` `plugin not found`."""
    async with runtime.db.read() as session:
        return plugin_dto(await get_plugin_row(session, plugin_id))


# --- writes -------------------------------------------------------------------------------


def _create_values(body: CreatePlugin) -> dict[str, Any]:
    values = body.model_dump(exclude={"name", "credentials"})
    values["display_name"] = body.display_name if body.display_name is not None else body.name
    return values


async def create_plugin(runtime: Runtime, actor: Principal | None, body: CreatePlugin) -> PluginDto:
    """Install a plugin (201); then probe it in the background to cache its manifest."""
    dto = await _insert_plugin(runtime, actor, body)
    if dto.enabled:
        supervisor_of(runtime).schedule_probe(dto.id)
    return dto


async def _insert_plugin(
    runtime: Runtime, actor: Principal | None, body: CreatePlugin
) -> PluginDto:
    values = _create_values(body)
    errors = check_name(body.name) + field_errors(
        values, allowed_commands=runtime.settings.plugins.allowed_commands
    )
    credentials = parse_credentials(body.credentials or {})
    async with runtime.db.write() as session:
        await require_free_name(session, body.name)
        errors += await unknown_library_errors(session, body.library_ids)
        if errors:
            raise ValidationFailed(errors)
        row = Plugin(name=body.name, **{k: stored_value(k, v) for k, v in values.items()})
        set_credentials(runtime, row, credentials)
        session.add(row)
        try:
            await session.flush()
        except IntegrityError:
            raise Conflict(f"plugin '{body.name}' already exists") from None
        _publish(runtime, session, plugin_events.CREATED, row, actor)
        _log_change("created", row, actor, values)
        return plugin_dto(row)


def _update_values(row: Plugin, body: UpdatePlugin) -> dict[str, Any]:
    sent = body.model_fields_set
    if "name" in sent and body.name != row.name:
        raise ValidationFailed(FieldError("name", NAME_CANNOT_CHANGE))
    if "credentials" in sent:
        raise ValidationFailed(
            FieldError(
                "credentials", "credentials are changed with PATCH /plugins/{id}/credentials"
            )
        )
    values = {key: getattr(body, key) for key in sent - {"name", "credentials"}}
    nulls = [
        FieldError(_camel(k), f"{_camel(k)} must not be null")
        for k, v in values.items()
        if v is None and k in NOT_NULL_FIELDS
    ]
    if nulls:
        raise ValidationFailed(nulls)
    return values


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


async def update_plugin(
    runtime: Runtime, actor: Principal | None, plugin_id: uuid.UUID, body: UpdatePlugin
) -> PluginDto:
    """``PATCH``: sent fields replace stored ones; launch changes replace the process."""
    async with runtime.db.write() as session:
        row = await get_plugin_row(session, plugin_id, for_update=True)
        values = _update_values(row, body)
        check_fields(runtime, values)
        library_errors = await unknown_library_errors(session, values.get("library_ids") or [])
        if library_errors:
            raise ValidationFailed(library_errors)
        changed = apply_values(row, values)
        relaunch = bool(changed & LAUNCH_FIELDS)
        if changed:
            row.revision += 1
            _publish(runtime, session, plugin_events.UPDATED, row, actor)
            _log_change("updated", row, actor, changed)
        dto = plugin_dto(row)
    if relaunch and dto.enabled:
        supervisor_of(runtime).schedule_probe(dto.id)
    return dto


def apply_values(row: Plugin, values: Mapping[str, Any]) -> set[str]:
    """Write the values that differ from the row; the names of the changed fields."""
    changed: set[str] = set()
    for key, value in values.items():
        stored = stored_value(key, value)
        if getattr(row, key) == stored:
            continue
        if key == "enabled":
            set_enabled(row, bool(value))
        else:
            setattr(row, key, stored)
        changed.add(key)
    return changed


async def delete_plugin(runtime: Runtime, actor: Principal | None, plugin_id: uuid.UUID) -> None:
    """Delete the row, its storage and failures; external ids and audit rows stay (§7.2)."""
    async with runtime.db.write() as session:
        row = await get_plugin_row(session, plugin_id, for_update=True)
        _publish(runtime, session, plugin_events.DELETED, row, actor)
        _log_change("deleted", row, actor)
        await session.delete(row)


async def set_plugin_enabled(
    runtime: Runtime, actor: Principal | None, plugin_id: uuid.UUID, *, enabled: bool
) -> PluginDto:
    """``POST …/enable`` or ``…/disable``; enabling probes the plugin again."""
    async with runtime.db.write() as session:
        row = await get_plugin_row(session, plugin_id, for_update=True)
        if row.enabled != enabled or (enabled and row.disabled_reason is not None):
            set_enabled(row, enabled)
            row.revision += 1
            name = plugin_events.ENABLED if enabled else plugin_events.DISABLED
            _publish(runtime, session, name, row, actor)
            _log_change("enabled" if enabled else "disabled", row, actor)
        dto = plugin_dto(row)
    if enabled:
        supervisor_of(runtime).schedule_probe(plugin_id)
    return dto


async def restart_plugin(
    runtime: Runtime, actor: Principal | None, plugin_id: uuid.UUID
) -> RestartAccepted:
    """Bump the revision so every server process replaces its process (§4.2)."""
    async with runtime.db.write() as session:
        row = await get_plugin_row(session, plugin_id, for_update=True)
        row.revision += 1
        _publish(runtime, session, plugin_events.UPDATED, row, actor, restart=True)
        _log_change("restarted", row, actor)
        return RestartAccepted(message="Restart requested", revision=row.revision)


async def patch_credentials(
    runtime: Runtime, actor: Principal | None, plugin_id: uuid.UUID, patch: Mapping[str, object]
) -> CredentialKeys:
    """Set (string) or remove (null) credential keys; answers the key names only."""
    async with runtime.db.write() as session:
        row = await get_plugin_row(session, plugin_id, for_update=True)
        current = _decrypted(runtime, row) if patch else {}
        merged = merge_credential_patch(current, patch)
        return await _store_credentials(runtime, session, row, actor, merged, current)


def _decrypted(runtime: Runtime, row: Plugin) -> dict[str, str]:
    try:
        return decrypt_credentials(runtime.secret_box, row.credentials)
    except CredentialsUndecryptable:
        raise Conflict(
            f"the stored credentials of plugin '{row.name}' cannot be decrypted; "
            "remove them with DELETE /plugins/{id}/credentials and set them again"
        ) from None


async def clear_credentials(
    runtime: Runtime, actor: Principal | None, plugin_id: uuid.UUID
) -> CredentialKeys:
    """Remove every credential."""
    async with runtime.db.write() as session:
        row = await get_plugin_row(session, plugin_id, for_update=True)
        current = {"_": ""} if row.credentials else {}
        return await _store_credentials(runtime, session, row, actor, {}, current)


async def _store_credentials(
    runtime: Runtime,
    session: AsyncSession,
    row: Plugin,
    actor: Principal | None,
    merged: Mapping[str, str],
    current: Mapping[str, str],
) -> CredentialKeys:
    if dict(merged) != dict(current):
        set_credentials(runtime, row, merged)
        row.revision += 1
        _publish(runtime, session, plugin_events.UPDATED, row, actor)
        _log_change("credentials_changed", row, actor, ["credentials"])
    return CredentialKeys(credential_keys=sorted(row.credential_keys))


async def test_plugin(runtime: Runtime, plugin_id: uuid.UUID) -> PluginTestResult:
    """Probe a throwaway process from the saved row (§7.2); health counters stay untouched."""
    record, result = await supervisor_of(runtime).test(plugin_id)
    manifest = result.manifest
    content_types = sorted(manifest.content_types) if manifest else []
    error = result.error
    return PluginTestResult(
        success=result.success,
        manifest=manifest.raw if manifest else None,
        is_metadata_provider=bool(content_types),
        content_types=content_types,
        missing_credentials=missing_credentials(
            manifest.raw if manifest else record.manifest, record.credential_keys
        ),
        timings=TestTimings(
            spawn_ms=result.spawn_ms, initialize_ms=result.initialize_ms, ping_ms=result.ping_ms
        ),
        error=TestError(kind=error.kind, code=error.code, message=error.message, data=error.data)
        if error
        else None,
        stderr_tail=list(result.stderr_tail),
    )


DEMO_PLUGIN = CreatePlugin(
    name="echo",
    display_name="Echo (demo)",
    command="python",
    args=["-m", "colophon_plugins.echo"],
    rate_limit_per_minute=0,
)


async def ensure_demo_plugin(runtime: Runtime) -> tuple[PluginDto, bool]:
    """The demo's echo plugin (platform §10.1 point 2), created once with its manifest cached;
    the DTO and whether it was created now."""
    async with runtime.db.read() as session:
        existing = await session.scalar(select(Plugin).where(Plugin.name == DEMO_PLUGIN.name))
        if existing is not None:
            return plugin_dto(existing), False
    created = await _insert_plugin(runtime, None, DEMO_PLUGIN)
    # Probed now, not in the background: a CLI process ends before a background probe would.
    await supervisor_of(runtime).test(created.id)
    return await get_plugin(runtime, created.id), True


async def find_plugin_id(runtime: Runtime, name: str) -> uuid.UUID:
    """The id of the plugin named ``name``; raises ``NotFound`` `plugin not found`."""
    async with runtime.db.read() as session:
        found = await session.scalar(select(Plugin.id).where(Plugin.name == name))
    if found is None:
        raise NotFound(f"plugin not found: {name}")
    return found
