"""The ``jobs`` section of the seed file (platform §7, library-jobs API-7).

A seeded job is identified by (library, name). Entries are read with the API's request model,
checked with the API's validator (VAL-1..VAL-15) and stored the way the job service stores
them: normalised cron, deduplicated config, ``next_run_at`` from the effective timezone.
The provider rules run against the plugins as they will be once the seed is written, so a
plugin of the same file counts with the manifest its probe returned.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.errors import FieldError
from colophon.jobs.cron import parse_cron
from colophon.jobs.job_types import MetadataRefreshConfigIn, RefreshConfig
from colophon.jobs.models import LibraryJob
from colophon.jobs.runs import announce_jobs_changed, job_event
from colophon.jobs.schemas import PatchJob
from colophon.jobs.service import effective_timezone, next_slot, stored_config
from colophon.jobs.validation import (
    JobDraft,
    ProviderPlugin,
    find_provider_plugin,
    provider_error,
    static_error,
)
from colophon.plugins.models import DEFAULT_PERMISSIONS, DEFAULT_SCOPES
from colophon.plugins.seeding import PluginSeed, SeedEntryError
from colophon.runtime import Runtime
from colophon.seed_outcome import seed_outcome

JOB_KEYS = ("library", "name", "enabled", "cronSchedule", "timezone", "config")
# Stored columns a seed may set, with their wire names for `updated (<fields>)`.
SEEDED_COLUMNS = {
    "enabled": "enabled",
    "cron_schedule": "cronSchedule",
    "timezone": "timezone",
    "config": "config",
}


@dataclass
class JobSeed:
    """One checked entry and what it will change."""

    index: int
    library: str
    name: str
    body: PatchJob
    library_id: uuid.UUID | None = None
    existing_id: uuid.UUID | None = None
    draft: JobDraft | None = None
    values: dict[str, Any] = field(default_factory=dict)  # column -> value to store
    changed: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"jobs[{self.index}] ({self.name})"

    @property
    def outcome(self) -> str:
        return seed_outcome(created=self.existing_id is None, changed=self.changed)

    @property
    def given(self) -> set[str]:
        """The job fields the entry sets (library and name are the key)."""
        return set(self.body.model_fields_set)

    @property
    def only_disabling(self) -> bool:
        """`enabled: false` alone skips the provider rules, as a PATCH does (VAL-18)."""
        return self.given == {"enabled"} and self.body.enabled is False


# --- parsing ---------------------------------------------------------------------------------


def _suggest(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _schema_problem(error: Mapping[str, Any]) -> str:
    """A pydantic error as `<path>: <message>`, paths as the API shows them."""
    location = [part for part in error["loc"]]
    if error["type"] == "extra_forbidden":
        key = str(location.pop())
        parent = _path(location) or "entry"
        config_keys = tuple(to_camel(name) for name in MetadataRefreshConfigIn.model_fields)
        return f"{parent}: unknown key '{key}'{_suggest(key, config_keys)}"
    message = "field required" if error["type"] == "missing" else str(error["msg"])
    return f"{_path(location)}: {message.removeprefix('Value error, ')}"


def _path(location: list[Any]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text


def parse_entry(index: int, raw: Any) -> JobSeed:
    """One entry as a ``JobSeed``; raises ``SeedEntryError``."""
    if not isinstance(raw, dict):
        raise SeedEntryError(["each job must be a mapping"])
    name, library = raw.get("name"), raw.get("library")
    problems = [
        f"unknown key '{key}'{_suggest(key, JOB_KEYS)}" for key in raw if key not in JOB_KEYS
    ]
    if not isinstance(name, str) or not name.strip():
        problems.append("name is required")
    if not isinstance(library, str) or not library:
        problems.append("library is required (a library name)")
    if problems:
        raise SeedEntryError(problems)
    fields = {key: value for key, value in raw.items() if key not in ("library", "name")}
    try:
        body = PatchJob.model_validate(fields)
    except ValidationError as exc:
        raise SeedEntryError([_schema_problem(e) for e in exc.errors()]) from None
    return JobSeed(index, str(library), str(name).strip(), body)


# --- planning --------------------------------------------------------------------------------


async def plan_entry(
    session: AsyncSession, seed: JobSeed, library_id: uuid.UUID, *, library_is_new: bool
) -> None:
    """Find the stored job, merge the entry into it and apply the static rules (VAL-1..11)."""
    seed.library_id = library_id
    row = None if library_is_new else await _stored_job(session, library_id, seed.name)
    seed.draft = _new_draft(seed) if row is None else _merged_draft(seed, row)
    error = static_error(seed.draft)
    if error is not None:
        raise SeedEntryError([_field_problem(error)])
    stored_enabled = row.enabled if row is not None else False  # the API's default: off
    enabled = stored_enabled if seed.body.enabled is None else seed.body.enabled
    seed.values = _stored_values(seed.draft, enabled)
    if row is not None:
        seed.existing_id = row.id
        seed.changed = [
            wire
            for column, wire in SEEDED_COLUMNS.items()
            if column in seed.given and getattr(row, column) != seed.values[column]
        ]


async def _stored_job(session: AsyncSession, library_id: uuid.UUID, name: str) -> LibraryJob | None:
    return await session.scalar(
        select(LibraryJob)
        .where(LibraryJob.library_id == library_id, LibraryJob.name == name)
        .order_by(LibraryJob.created_at, LibraryJob.id)
        .limit(1)
    )


def _new_draft(seed: JobSeed) -> JobDraft:
    body = seed.body
    missing = [
        f"{wire} is required for a new job"
        for wire, value in (("cronSchedule", body.cron_schedule), ("config", body.config))
        if value is None
    ]
    if missing or body.cron_schedule is None or body.config is None:
        raise SeedEntryError(missing)
    return JobDraft(seed.name, body.cron_schedule, body.timezone, body.config.to_config())


def _merged_draft(seed: JobSeed, row: LibraryJob) -> JobDraft:
    """The stored job with the entry's fields replacing stored values (as PATCH merges)."""
    body = seed.body
    if body.config is not None and body.config.type != row.type:
        message = f"config type cannot change (job type is '{row.type}')"
        raise SeedEntryError([f"config.type: {message}"])
    config: RefreshConfig | None = body.config.to_config() if body.config is not None else None
    if config is None:
        config = stored_config(row)
    if config is None:
        raise SeedEntryError([f"job type '{row.type}' is not supported by this server"])
    return JobDraft(
        name=seed.name,
        cron_schedule=body.cron_schedule or row.cron_schedule,
        timezone=body.timezone if "timezone" in seed.given else row.timezone,
        config=config,
    )


def _stored_values(draft: JobDraft, enabled: bool) -> dict[str, Any]:
    """The column values the job service would store for this draft."""
    return {
        "enabled": enabled,
        "cron_schedule": parse_cron(draft.cron_schedule).stored,
        "timezone": draft.timezone,
        "config": draft.config.deduplicated().to_stored(),
    }


def _field_problem(error: FieldError) -> str:
    return f"{error.field}: {error.message}"


def provider_of(seed: PluginSeed) -> ProviderPlugin:
    """The plugin as the seed will leave it: entry values over the stored row over defaults."""
    values, stored = seed.values, seed.existing

    def pick(key: str, default: Any) -> Any:
        if key in values:
            return values[key]
        return getattr(stored, key) if stored is not None else default

    manifest = seed.manifest or (stored.manifest if stored is not None else None)
    return ProviderPlugin(
        id=stored.id if stored is not None else uuid.uuid4(),
        name=seed.name,
        display_name=pick("display_name", seed.name),
        enabled=pick("enabled", True),
        manifest=dict(manifest) if manifest is not None else None,
        scopes=tuple(pick("scopes", DEFAULT_SCOPES)),
        library_ids=tuple(str(value) for value in pick("library_ids", ())),
        permissions=tuple(pick("permissions", DEFAULT_PERMISSIONS)),
    )


async def check_provider(
    session: AsyncSession,
    seed: JobSeed,
    seeded_plugins: Mapping[str, ProviderPlugin],
    *,
    unprobed: Collection[str] = (),
) -> None:
    """VAL-12..VAL-15 against the file's plugins first, then the stored ones.

    A plugin of the file whose probe did not run (another entry failed) has no manifest to
    check against yet: its jobs are checked on the next attempt rather than misreported.
    """
    if seed.draft is None or seed.library_id is None or seed.only_disabling:
        return
    name = seed.draft.config.plugin_name or ""
    if name in unprobed:
        return
    plugin = seeded_plugins.get(name) or await find_provider_plugin(session, name)
    error = provider_error(seed.draft.config, plugin, seed.library_id)
    if error is not None:
        raise SeedEntryError([_field_problem(error)])


# --- writing ---------------------------------------------------------------------------------


async def write_entry(runtime: Runtime, session: AsyncSession, seed: JobSeed) -> None:
    """Create or update the job in the seed's transaction; an unchanged job is not written."""
    if seed.existing_id is not None and not seed.changed:
        return
    now = utcnow()
    if seed.existing_id is None:
        assert seed.library_id is not None and seed.draft is not None
        job = LibraryJob(
            library_id=seed.library_id,
            type=seed.draft.config.type,
            name=seed.name,
            created_at=now,
        )
        session.add(job)
        event = "job.created"
    else:
        found = await session.get(LibraryJob, seed.existing_id)
        if found is None:
            raise SeedEntryError(["the job was deleted while seeding"])
        job, event = found, "job.updated"
    _store(runtime, job, seed.values, now)
    await session.flush()
    runtime.bus.publish_after_commit(session, job_event(event, job.id, job.library_id))
    announce_jobs_changed(session, runtime.bus)


def _store(runtime: Runtime, job: LibraryJob, values: Mapping[str, Any], now: datetime) -> None:
    for column, value in values.items():
        setattr(job, column, value)
    zone_name = effective_timezone(job.timezone, runtime.settings.scheduler.timezone)
    job.next_run_at = next_slot(job.cron_schedule, zone_name, now) if job.enabled else None
    job.updated_at = now
