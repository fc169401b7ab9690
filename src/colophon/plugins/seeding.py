"""The ``plugins`` section of the seed file (plugins.md §8): strict, validated, idempotent.

Entries are checked with the API's validators and planned against the stored rows before
anything is written; new or relaunched enabled plugins are probed once (outside any
transaction) for their manifest; the writes then happen in the seed's single transaction.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.errors import ValidationFailed
from colophon.plugins import plugin_events
from colophon.plugins.credentials import (
    CredentialsUndecryptable,
    decrypt_credentials,
    parse_credentials,
)
from colophon.plugins.definition import CredentialDelivery, PluginDefinition
from colophon.plugins.models import Plugin
from colophon.plugins.probe import probe_plugin
from colophon.plugins.records import PluginRecord, find_record_by_name
from colophon.plugins.schemas import UpdatePlugin
from colophon.plugins.service import (
    LAUNCH_FIELDS,
    apply_values,
    set_credentials,
    stored_value,
)
from colophon.plugins.supervisor import host_settings_of
from colophon.plugins.validation import check_name, field_errors
from colophon.runtime import Runtime
from colophon.seed_outcome import seed_outcome
from colophon.wire import JsonObject

SEED_KEYS = (
    "name", "displayName", "description", "command", "args", "env", "workingDir", "enabled",
    "adminConfig", "credentials", "credentialDelivery", "permissions", "scopes", "libraries",
    "rateLimitPerMinute", "requestTimeoutS", "logLevel",
)  # fmt: skip
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SeedEntryError(Exception):
    """Problems with one entry; each message is printed on its own line."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class PluginSeed:
    """One checked entry and what it will change."""

    index: int
    name: str
    values: dict[str, Any]
    credentials: dict[str, str] | None  # None: leave stored credentials alone
    existing: PluginRecord | None = None
    changed: list[str] = field(default_factory=list)
    manifest: JsonObject | None = None

    @property
    def label(self) -> str:
        return f"plugins[{self.index}] ({self.name})"

    @property
    def outcome(self) -> str:
        return seed_outcome(created=self.existing is None, changed=self.changed)


# --- parsing ---------------------------------------------------------------------------------


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, SEED_KEYS, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _expand(value: str, name: str, environ: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        variable = match.group(1)
        if variable not in environ:
            raise SeedEntryError(
                [f"environment variable '{variable}' referenced by plugin '{name}' is not set"]
            )
        return environ[variable]

    return VARIABLE.sub(replace, value)


def _credentials(raw: Any, name: str, environ: Mapping[str, str]) -> dict[str, str] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raise SeedEntryError(
            [f"credentials for plugin '{name}' must be a mapping of key: value, not a string"]
        )
    if not isinstance(raw, dict):
        raise SeedEntryError([f"credentials for plugin '{name}' must be a mapping of key: value"])
    parsed = parse_credentials(raw)
    return {key: _expand(value, name, environ) for key, value in parsed.items()}


def _typed(raw: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in raw.items() if k not in ("name", "credentials", "libraries")}
    try:
        model = UpdatePlugin.model_validate(fields)
    except ValidationError as exc:
        raise SeedEntryError(
            [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        ) from None
    return {key: getattr(model, key) for key in model.model_fields_set}


def parse_entry(index: int, raw: Any, environ: Mapping[str, str]) -> tuple[PluginSeed, list[str]]:
    """One entry as a ``PluginSeed`` and its library names; raises ``SeedEntryError``."""
    if not isinstance(raw, dict):
        raise SeedEntryError(["each plugin must be a mapping"])
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise SeedEntryError(["name is required"])
    problems = [f"unknown key '{key}'{_suggest(key)}" for key in raw if key not in SEED_KEYS]
    problems += [e.message for e in check_name(name)]
    if problems:
        raise SeedEntryError(problems)
    values = _typed(raw)
    if isinstance(values.get("env"), dict):
        values["env"] = {k: _expand(v, name, environ) for k, v in values["env"].items()}
    try:
        credentials = _credentials(raw.get("credentials"), name, environ)
    except ValidationFailed as exc:
        raise SeedEntryError([e.message for e in exc.errors]) from None
    libraries = raw.get("libraries") or []
    if not isinstance(libraries, list) or not all(isinstance(v, str) for v in libraries):
        raise SeedEntryError(["libraries must be a list of library names"])
    return PluginSeed(index, name, values, credentials), libraries


# --- planning --------------------------------------------------------------------------------


def check_values(runtime: Runtime, seed: PluginSeed) -> None:
    """The API's field rules; a new plugin needs a command."""
    problems = [e.message for e in field_errors(seed.values, allowed_commands=_allowed(runtime))]
    if seed.existing is None and "command" not in seed.values:
        problems.append("command is required")
    if problems:
        raise SeedEntryError(problems)


def _allowed(runtime: Runtime) -> Sequence[str]:
    return runtime.settings.plugins.allowed_commands


def _defaults_for_new(seed: PluginSeed) -> dict[str, Any]:
    values = dict(seed.values)
    values.setdefault("display_name", seed.name)
    return values


async def plan_entry(runtime: Runtime, session: AsyncSession, seed: PluginSeed) -> None:
    """Compare with the stored row: which fields change (credentials compared decrypted)."""
    seed.existing = await find_record_by_name(session, seed.name)
    check_values(runtime, seed)
    existing = seed.existing
    if existing is None:
        return
    row = await session.get(Plugin, existing.id)
    assert row is not None
    seed.changed = [
        "libraries" if key == "library_ids" else _camel(key)
        for key, value in seed.values.items()
        if getattr(row, key) != stored_value(key, value)
    ]
    if seed.credentials is not None and seed.credentials != _stored_credentials(runtime, existing):
        seed.changed.append("credentials")


def _stored_credentials(runtime: Runtime, record: PluginRecord) -> dict[str, str] | None:
    try:
        return decrypt_credentials(runtime.secret_box, record.credentials_token)
    except CredentialsUndecryptable:
        return None  # unreadable: the seed's mapping replaces it


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def needs_probe(seed: PluginSeed) -> bool:
    """New or relaunched enabled plugins are started once for their manifest (platform §7)."""
    enabled = seed.values.get("enabled", seed.existing.enabled if seed.existing else True)
    if not enabled:
        return False
    if seed.existing is None or seed.existing.manifest is None:
        return True
    launch = {_camel(key) for key in LAUNCH_FIELDS} | {"credentials"}
    return bool(launch & set(seed.changed))


def definition_of(runtime: Runtime, seed: PluginSeed) -> PluginDefinition:
    """The host definition the entry will have once written."""
    base = seed.existing
    values = seed.values

    def pick(key: str, stored: Any, default: Any) -> Any:
        if key in values:
            return values[key]
        return stored if base is not None else default

    credentials = seed.credentials
    if credentials is None:
        credentials = (_stored_credentials(runtime, base) or {}) if base else {}
    delivery: CredentialDelivery = pick(
        "credential_delivery", base.credential_delivery if base else None, "init_message"
    )
    return PluginDefinition(
        name=seed.name,
        command=pick("command", base.command if base else None, ""),
        args=tuple(pick("args", base.args if base else None, ())),
        env=dict(pick("env", base.env if base else None, {})),
        working_dir=pick("working_dir", base.working_dir if base else None, None),
        admin_config=dict(pick("admin_config", base.admin_config if base else None, {})),
        credentials=credentials,
        credential_delivery=delivery,
        log_level=pick("log_level", base.log_level if base else None, None),
    )


async def probe_entry(runtime: Runtime, seed: PluginSeed) -> None:
    """Start the plugin once; raises ``SeedEntryError`` `could not start: <reason>`."""
    result = await probe_plugin(definition_of(runtime, seed), host_settings_of(runtime))
    if not result.success or result.manifest is None:
        reason = result.error.message if result.error else "no manifest"
        raise SeedEntryError([f"could not start: {reason}"])
    seed.manifest = result.manifest.raw


# --- writing ---------------------------------------------------------------------------------


async def write_entry(runtime: Runtime, session: AsyncSession, seed: PluginSeed) -> None:
    """Create or update the row in the seed's transaction; an unchanged row is not written."""
    if seed.existing is None:
        await _create(runtime, session, seed)
        return
    if not seed.changed:
        return
    row = await session.get(Plugin, seed.existing.id)
    if row is None:
        raise SeedEntryError(["the plugin was deleted while seeding"])
    apply_values(row, seed.values)
    if "credentials" in seed.changed:
        set_credentials(runtime, row, seed.credentials or {})
    _cache_manifest(row, seed.manifest)
    row.revision += 1
    runtime.bus.publish_after_commit(
        session, plugin_events.plugin_event(plugin_events.UPDATED, row.id)
    )


async def _create(runtime: Runtime, session: AsyncSession, seed: PluginSeed) -> None:
    values = _defaults_for_new(seed)
    row = Plugin(name=seed.name, **{k: stored_value(k, v) for k, v in values.items()})
    set_credentials(runtime, row, seed.credentials or {})
    _cache_manifest(row, seed.manifest)
    session.add(row)
    await session.flush()
    event = plugin_events.plugin_event(plugin_events.CREATED, row.id)
    runtime.bus.publish_after_commit(session, event)


def _cache_manifest(row: Plugin, manifest: JsonObject | None) -> None:
    if manifest is not None and row.manifest != manifest:
        row.manifest, row.manifest_updated_at = manifest, utcnow()
