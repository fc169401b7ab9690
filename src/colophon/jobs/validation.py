"""Job validation rules VAL-1..VAL-15, in the spec's order; the first failure wins (§4.2).

The static rules are pure; the provider rules (VAL-12..15) read the plugin row, which the
caller passes in, so one function decides and the service does the I/O.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.errors import FieldError, ValidationFailed
from colophon.jobs.cron import CronError, TimezoneError, parse_cron, zone
from colophon.jobs.job_types import RefreshConfig, Scope
from colophon.metadata.catalog import Entity, catalog_for
from colophon.plugins.models import Plugin
from colophon.plugins.qualification import provided_content_types

MAX_NAME_CHARS = 200
MAX_CONCURRENCY = (1, 16)
MAX_SKIP_RECENT_S = 31_536_000  # one year
BULK_SCOPES = {"series": "series:bulk", "book": "book:bulk"}


@dataclass(frozen=True, slots=True)
class JobDraft:
    """A job as it would be stored: trimmed name, raw cron, zone name, config before dedup."""

    name: str
    cron_schedule: str
    timezone: str | None
    config: RefreshConfig


@dataclass(frozen=True, slots=True)
class ProviderPlugin:
    """What validation and the planner need from a plugin row."""

    id: uuid.UUID
    name: str
    display_name: str
    enabled: bool
    manifest: dict[str, Any] | None
    scopes: tuple[str, ...]
    library_ids: tuple[str, ...]
    permissions: tuple[str, ...]

    def allows_library(self, library_id: uuid.UUID) -> bool:
        return not self.library_ids or str(library_id) in self.library_ids

    def supports(self, scope: Scope) -> bool:
        """Manifest capability and bulk scope for every side the job writes (VAL-14)."""
        if self.manifest is None:
            return False
        provided = provided_content_types(self.manifest)
        sides = [side for side, writes in _sides(scope) if writes]
        return all(side in provided and BULK_SCOPES[side] in self.scopes for side in sides)


def _sides(scope: Scope) -> tuple[tuple[str, bool], ...]:
    return (("series", scope.writes_series), ("book", scope.writes_books))


async def find_provider_plugin(session: AsyncSession, name: str) -> ProviderPlugin | None:
    """The plugin named exactly ``name``, or None."""
    row = await session.scalar(select(Plugin).where(Plugin.name == name))
    if row is None:
        return None
    return ProviderPlugin(
        id=row.id,
        name=row.name,
        display_name=row.display_name,
        enabled=row.enabled,
        manifest=dict(row.manifest) if row.manifest is not None else None,
        scopes=tuple(row.scopes),
        library_ids=tuple(str(value) for value in row.library_ids),
        permissions=tuple(row.permissions),
    )


def static_error(draft: JobDraft, *, prefix: str = "config") -> FieldError | None:
    """The first failing rule among VAL-1..VAL-11, or None."""
    checks = (_name, _cron, _timezone)
    for check in checks:
        error = check(draft)
        if error is not None:
            return error
    return config_error(draft.config, prefix=prefix)


def config_error(config: RefreshConfig, *, prefix: str = "config") -> FieldError | None:
    """VAL-4..VAL-11 on a config alone."""
    for rule in (_scope_sides, _ranges, _catalog, _non_empty, _provider_syntax):
        error = rule(config, prefix)
        if error is not None:
            return error
    return None


def provider_error(
    config: RefreshConfig,
    plugin: ProviderPlugin | None,
    library_id: uuid.UUID,
    *,
    prefix: str = "config",
) -> FieldError | None:
    """VAL-12..VAL-15 for the plugin row found by name (None: not installed)."""
    name = config.plugin_name or ""
    field = f"{prefix}.provider"
    if plugin is None:
        return FieldError(field, f"plugin '{name}' is not installed")
    if plugin.manifest is None:
        return FieldError(field, f"plugin '{name}' has no manifest yet; test its connection first")
    if not plugin.supports(config.scope):
        return FieldError(field, f"plugin '{name}' does not support scope '{config.scope.value}'")
    if not plugin.allows_library(library_id):
        return FieldError(field, f"plugin '{name}' is not enabled for this library")
    return None


async def validate_job(
    session: AsyncSession,
    library_id: uuid.UUID,
    draft: JobDraft,
    *,
    check_provider: bool = True,
    prefix: str = "config",
) -> None:
    """Raise ValidationFailed with the first failing rule (VAL-1..VAL-15)."""
    error = static_error(draft, prefix=prefix)
    if error is None and check_provider:
        plugin = await find_provider_plugin(session, draft.config.plugin_name or "")
        error = provider_error(draft.config, plugin, library_id, prefix=prefix)
    if error is not None:
        raise ValidationFailed(error)


def _name(draft: JobDraft) -> FieldError | None:
    if len(draft.name) > MAX_NAME_CHARS:
        return FieldError("name", f"name must be at most {MAX_NAME_CHARS} characters")
    return None


def _cron(draft: JobDraft) -> FieldError | None:
    try:
        parse_cron(draft.cron_schedule)
    except CronError as exc:
        return FieldError("cronSchedule", cron_message(exc))
    return None


def cron_message(error: CronError) -> str:
    """The VAL-2 message."""
    return f"invalid cron expression: {error.detail}"


def timezone_message(name: str) -> str:
    """The VAL-3 message."""
    return f"invalid timezone '{name}': use an IANA name such as 'America/New_York' or 'UTC'"


def _timezone(draft: JobDraft) -> FieldError | None:
    if draft.timezone is None:
        return None
    try:
        zone(draft.timezone)
    except TimezoneError:
        return FieldError("timezone", timezone_message(draft.timezone))
    return None


def _scope_sides(config: RefreshConfig, prefix: str) -> FieldError | None:
    if config.scope is Scope.SERIES_ONLY and (config.book_field_groups or config.book_extra_fields):
        return FieldError(
            f"{prefix}.bookFieldGroups",
            "bookFieldGroups / bookExtraFields must be empty when scope is series_only",
        )
    if config.scope is Scope.BOOKS_ONLY and (config.field_groups or config.extra_fields):
        return FieldError(
            f"{prefix}.fieldGroups",
            "fieldGroups / extraFields must be empty when scope is books_only",
        )
    return None


def _ranges(config: RefreshConfig, prefix: str) -> FieldError | None:
    low, high = MAX_CONCURRENCY
    if not low <= config.max_concurrency <= high:
        return FieldError(
            f"{prefix}.maxConcurrency", f"maxConcurrency must be between {low} and {high}"
        )
    if not 0 <= config.skip_recently_synced_within_s <= MAX_SKIP_RECENT_S:
        return FieldError(
            f"{prefix}.skipRecentlySyncedWithinS",
            f"skipRecentlySyncedWithinS must be between 0 and {MAX_SKIP_RECENT_S}",
        )
    if not 0 <= config.min_match_confidence <= 1:
        return FieldError(
            f"{prefix}.minMatchConfidence", "minMatchConfidence must be between 0 and 1"
        )
    return None


def _catalog(config: RefreshConfig, prefix: str) -> FieldError | None:
    series, book = catalog_for(Entity.SERIES), catalog_for(Entity.BOOK)
    group_lists = (
        ("fieldGroups", config.field_groups, series),
        ("bookFieldGroups", config.book_field_groups, book),
    )
    for key, groups, catalog in group_lists:
        for index, group in enumerate(groups):
            if catalog.find_group(group) is None:
                return FieldError(f"{prefix}.{key}[{index}]", f"unknown field group '{group}'")
    field_lists = (
        ("extraFields", config.extra_fields, series),
        ("bookExtraFields", config.book_extra_fields, book),
    )
    for key, keys, catalog in field_lists:
        for index, field in enumerate(keys):
            if not catalog.has_field(field):
                return FieldError(f"{prefix}.{key}[{index}]", f"unknown field '{field}'")
    return None


def _non_empty(config: RefreshConfig, prefix: str) -> FieldError | None:
    if config.scope.writes_series and not (config.field_groups or config.extra_fields):
        return FieldError(f"{prefix}.fieldGroups", "choose at least one field group or field")
    if config.scope.writes_books and not (config.book_field_groups or config.book_extra_fields):
        return FieldError(
            f"{prefix}.bookFieldGroups", "choose at least one book field group or book field"
        )
    return None


def _provider_syntax(config: RefreshConfig, prefix: str) -> FieldError | None:
    if config.plugin_name is None:
        return FieldError(
            f"{prefix}.provider",
            f"provider must be 'plugin:<name>', got '{config.provider}'",
        )
    return None
