"""The seed file (platform §7): users, libraries, plugins and jobs, strict and idempotent.

Order of work: read and check every entry, plan it against the database (users, libraries,
plugins, then the jobs' static rules), start each new or relaunched plugin once for its
manifest (outside any transaction), check the jobs' providers against those manifests, then
write everything in one transaction and queue the scans. Any error: nothing is written and
every error is reported. Secrets made by the seed (random passwords, API keys) are printed
once, after the writes; a second run of the same file prints none.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.auth.seeding import (
    UserSeed,
    UserSeedError,
    demotions_refused,
    parse_user,
    plan_user,
    write_user,
)
from colophon.jobs import seeding as job_seeding
from colophon.jobs.seeding import JobSeed
from colophon.library.models import Library
from colophon.library.service import SCAN_DEDUP
from colophon.plugins.seeding import (
    PluginSeed,
    SeedEntryError,
    needs_probe,
    parse_entry,
    plan_entry,
    probe_entry,
    write_entry,
)
from colophon.runtime import Runtime
from colophon.seed_outcome import seed_outcome
from colophon.tasks.queue import Targets
from colophon.tasks.service import submit

SECTIONS = ("version", "users", "libraries", "plugins", "jobs")
LIBRARY_KEYS = ("name", "path", "scan")


class SeedFailed(Exception):
    """The seed was refused; ``errors`` holds every line to print (exit 2)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} seed error(s)")
        self.errors = errors


@dataclass
class LibrarySeed:
    """One library entry: created when its name is new, else its path may change."""

    index: int
    name: str
    path: str
    scan: bool
    existing_id: uuid.UUID | None = None
    changed: list[str] = field(default_factory=list)
    # Chosen now so plugins in the same file can name a library that does not exist yet.
    new_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def id(self) -> uuid.UUID:
        return self.existing_id or self.new_id

    @property
    def label(self) -> str:
        return f"libraries[{self.index}] ({self.name})"

    @property
    def outcome(self) -> str:
        return seed_outcome(created=self.existing_id is None, changed=self.changed)


@dataclass
class _Plan:
    users: list[UserSeed] = field(default_factory=list)
    libraries: list[LibrarySeed] = field(default_factory=list)
    plugins: list[PluginSeed] = field(default_factory=list)
    jobs: list[JobSeed] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_seed_file(path: Path) -> dict[str, Any]:
    """The YAML document; raises ``SeedFailed`` when it cannot be read or is not a mapping."""
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise SeedFailed([f"seed: {path}: {exc}"]) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise SeedFailed([f"seed: {path}: the file must be a mapping of sections"])
    return document


def _section_errors(document: Mapping[str, Any]) -> list[str]:
    errors = []
    for key in document:
        if key not in SECTIONS:
            close = difflib.get_close_matches(str(key), SECTIONS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            errors.append(f"seed: unknown section '{key}'{hint}")
    if document.get("version", 1) != 1:
        errors.append("seed: version must be 1")
    return errors


def _entries(document: Mapping[str, Any], section: str, errors: list[str]) -> list[Any]:
    entries = document.get(section) or []
    if not isinstance(entries, list):
        errors.append(f"seed: {section} must be a list")
        return []
    return entries


# --- libraries -------------------------------------------------------------------------------


def _parse_library(index: int, raw: Any) -> LibrarySeed:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise SeedEntryError(["name is required"])
    problems = [f"unknown key '{key}'" for key in raw if key not in LIBRARY_KEYS]
    path = raw.get("path")
    if not isinstance(path, str) or not Path(path).is_absolute() or not Path(path).is_dir():
        problems.append("path must be an absolute existing directory")
    scan = raw.get("scan", True)
    if not isinstance(scan, bool):
        problems.append("scan must be true or false")
    if problems:
        raise SeedEntryError(problems)
    return LibrarySeed(index, raw["name"], str(Path(str(path))), bool(scan))


async def _plan_library(session: AsyncSession, seed: LibrarySeed) -> None:
    existing = await session.scalar(
        select(Library).where(func.lower(Library.name) == seed.name.lower())
    )
    same_path = await session.scalar(select(Library).where(Library.root_path == seed.path))
    if same_path is not None and (existing is None or same_path.id != existing.id):
        raise SeedEntryError([f"path {seed.path} is already used by library '{same_path.name}'"])
    if existing is not None:
        seed.existing_id = existing.id
        if existing.root_path != seed.path:
            seed.changed.append("path")


async def _write_library(runtime: Runtime, session: AsyncSession, seed: LibrarySeed) -> None:
    if seed.existing_id is not None:
        row = await session.get(Library, seed.existing_id)
        if row is not None and seed.changed:
            row.root_path = seed.path
        return
    row = Library(id=seed.new_id, name=seed.name, root_path=seed.path)
    session.add(row)
    await session.flush()
    if seed.scan:
        await submit(
            session,
            runtime.bus,
            "scan_library",
            params={"full": False, "allow_empty": False},
            targets=Targets(library_id=row.id),
            dedup_key=SCAN_DEDUP.format(row.id),
            created_by="cli",
        )


# --- the whole file --------------------------------------------------------------------------


async def _library_ids(
    session: AsyncSession, names: list[str], plan: _Plan
) -> tuple[list[uuid.UUID], list[str]]:
    """Ids of named libraries, those of the file's libraries section included."""
    ids: list[uuid.UUID] = []
    problems: list[str] = []
    in_file = {lib.name.lower(): lib.id for lib in plan.libraries}
    for name in names:
        row = await session.scalar(select(Library).where(func.lower(Library.name) == name.lower()))
        if name.lower() in in_file:
            ids.append(in_file[name.lower()])
        elif row is not None:
            ids.append(row.id)
        else:
            problems.append(f"unknown library '{name}'")
    return ids, problems


def _lines(label: str, messages: list[str]) -> list[str]:
    return [f"seed: {label}: {message}" for message in messages]


def _raw_name(raw: Any, key: str = "name") -> Any:
    return raw.get(key) if isinstance(raw, dict) else None


async def _plan_users(
    session: AsyncSession, document: Mapping[str, Any], environ: Mapping[str, str], plan: _Plan
) -> None:
    seen: set[str] = set()
    for index, raw in enumerate(_entries(document, "users", plan.errors)):
        label = f"users[{index}] ({_raw_name(raw, 'username')})"
        try:
            user = parse_user(index, raw)
            if user.username.casefold() in seen:
                raise UserSeedError([f"user '{user.username}' is listed twice"])
            seen.add(user.username.casefold())
            await plan_user(session, user, environ)
            plan.users.append(user)
        except UserSeedError as exc:
            plan.errors += _lines(label, exc.messages)
    for user in await demotions_refused(session, plan.users):
        plan.errors += _lines(user.label, ["at least one active admin is required"])


async def _plan_libraries(session: AsyncSession, document: Mapping[str, Any], plan: _Plan) -> None:
    for index, raw in enumerate(_entries(document, "libraries", plan.errors)):
        try:
            library = _parse_library(index, raw)
            await _plan_library(session, library)
            plan.libraries.append(library)
        except SeedEntryError as exc:
            plan.errors += _lines(f"libraries[{index}] ({_raw_name(raw)})", exc.messages)


async def _plan_plugins(
    runtime: Runtime,
    session: AsyncSession,
    document: Mapping[str, Any],
    environ: Mapping[str, str],
    plan: _Plan,
) -> None:
    for index, raw in enumerate(_entries(document, "plugins", plan.errors)):
        try:
            seed, library_names = parse_entry(index, raw, environ)
            if isinstance(raw, dict) and "libraries" in raw:
                ids, problems = await _library_ids(session, library_names, plan)
                if problems:
                    raise SeedEntryError(problems)
                seed.values["library_ids"] = ids
            await plan_entry(runtime, session, seed)
            plan.plugins.append(seed)
        except SeedEntryError as exc:
            plan.errors += _lines(f"plugins[{index}] ({_raw_name(raw)})", exc.messages)


async def _plan_jobs(session: AsyncSession, document: Mapping[str, Any], plan: _Plan) -> None:
    """Parse, resolve the library, merge with the stored job, static rules (VAL-1..11)."""
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(_entries(document, "jobs", plan.errors)):
        try:
            job = job_seeding.parse_entry(index, raw)
            if (job.library.lower(), job.name) in seen:
                raise SeedEntryError(
                    [f"job '{job.name}' of library '{job.library}' is listed twice"]
                )
            seen.add((job.library.lower(), job.name))
            ids, problems = await _library_ids(session, [job.library], plan)
            if problems:
                raise SeedEntryError(problems)
            new_library = any(
                lib.existing_id is None and lib.name.lower() == job.library.lower()
                for lib in plan.libraries
            )
            await job_seeding.plan_entry(session, job, ids[0], library_is_new=new_library)
            plan.jobs.append(job)
        except SeedEntryError as exc:
            plan.errors += _lines(f"jobs[{index}] ({_raw_name(raw)})", exc.messages)


async def _plan(runtime: Runtime, document: Mapping[str, Any], environ: Mapping[str, str]) -> _Plan:
    plan = _Plan(errors=_section_errors(document))
    async with runtime.db.read() as session:
        await _plan_users(session, document, environ, plan)
        await _plan_libraries(session, document, plan)
        await _plan_plugins(runtime, session, document, environ, plan)
        await _plan_jobs(session, document, plan)
    return plan


async def _probe_plugins(runtime: Runtime, plan: _Plan) -> None:
    """Start new or relaunched plugins once, only for a file that is otherwise valid."""
    for seed in plan.plugins:
        if not plan.errors and needs_probe(seed):
            try:
                await probe_entry(runtime, seed)
            except SeedEntryError as exc:
                plan.errors += _lines(seed.label, exc.messages)


async def _check_job_providers(runtime: Runtime, plan: _Plan) -> None:
    """VAL-12..15 once the file's plugins have their manifests (platform §7 point 4); a job
    whose plugin could not be probed (another error stopped the probes) is not checked."""
    if not plan.jobs:
        return
    seeded = {plugin.name: job_seeding.provider_of(plugin) for plugin in plan.plugins}
    unprobed = {p.name for p in plan.plugins if needs_probe(p) and p.manifest is None}
    async with runtime.db.read() as session:
        for job in plan.jobs:
            try:
                await job_seeding.check_provider(session, job, seeded, unprobed=unprobed)
            except SeedEntryError as exc:
                plan.errors += _lines(job.label, exc.messages)


async def _write(runtime: Runtime, plan: _Plan) -> None:
    """Every change in one transaction, in the file's section order."""
    async with runtime.db.write() as session:
        for user in plan.users:
            await write_user(session, user)
        for library in plan.libraries:
            await _write_library(runtime, session, library)
        for plugin in plan.plugins:
            await write_entry(runtime, session, plugin)
        for job in plan.jobs:
            await job_seeding.write_entry(runtime, session, job)


async def run_seed(
    runtime: Runtime, document: Mapping[str, Any], *, dry_run: bool, environ: Mapping[str, str]
) -> list[str]:
    """Apply the seed; the output lines. Raises ``SeedFailed`` with every error."""
    plan = await _plan(runtime, document, environ)
    await _probe_plugins(runtime, plan)
    await _check_job_providers(runtime, plan)
    if plan.errors:
        raise SeedFailed(plan.errors)
    if not dry_run:
        await _write(runtime, plan)
    prefix = "would be " if dry_run else ""
    lines: list[str] = []
    for user in plan.users:
        lines += [f"{user.label}: {prefix}{user.outcome}", *user.secrets]
    lines += [f"{library.label}: {prefix}{library.outcome}" for library in plan.libraries]
    lines += [f"{plugin.label}: {prefix}{plugin.outcome}" for plugin in plan.plugins]
    return lines + [f"{job.label}: {prefix}{job.outcome}" for job in plan.jobs]
