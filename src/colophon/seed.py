"""The seed file (platform §7): libraries and plugins, strict and idempotent.

Order of work: read and check every entry, plan it against the database, start each new or
relaunched plugin once for its manifest (outside any transaction), then write everything in
one transaction and queue the scans. Any error: nothing is written and every error is
reported. The ``users`` and ``jobs`` sections are not handled by this version yet and are
refused with a message rather than ignored.
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
from colophon.tasks.queue import Targets
from colophon.tasks.service import submit

SECTIONS = ("version", "users", "libraries", "plugins", "jobs")
NOT_YET = ("users", "jobs")
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
        if self.existing_id is None:
            return "created"
        return f"updated ({', '.join(self.changed)})" if self.changed else "unchanged"


@dataclass
class _Plan:
    libraries: list[LibrarySeed] = field(default_factory=list)
    plugins: list[PluginSeed] = field(default_factory=list)
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
        elif key in NOT_YET and document[key]:
            errors.append(f"seed: the '{key}' section is not supported by this version yet")
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


async def _plan(runtime: Runtime, document: Mapping[str, Any], environ: Mapping[str, str]) -> _Plan:
    plan = _Plan(errors=_section_errors(document))
    async with runtime.db.read() as session:
        for index, raw in enumerate(_entries(document, "libraries", plan.errors)):
            try:
                library = _parse_library(index, raw)
                await _plan_library(session, library)
                plan.libraries.append(library)
            except SeedEntryError as exc:
                name = raw.get("name") if isinstance(raw, dict) else None
                plan.errors += [f"seed: libraries[{index}] ({name}): {m}" for m in exc.messages]
        for index, raw in enumerate(_entries(document, "plugins", plan.errors)):
            name = raw.get("name") if isinstance(raw, dict) else None
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
                plan.errors += [f"seed: plugins[{index}] ({name}): {m}" for m in exc.messages]
    return plan


async def run_seed(
    runtime: Runtime, document: Mapping[str, Any], *, dry_run: bool, environ: Mapping[str, str]
) -> list[str]:
    """Apply the seed; the output lines. Raises ``SeedFailed`` with every error."""
    plan = await _plan(runtime, document, environ)
    for seed in plan.plugins:
        if not plan.errors and needs_probe(seed):
            try:
                await probe_entry(runtime, seed)
            except SeedEntryError as exc:
                plan.errors += [f"seed: {seed.label}: {m}" for m in exc.messages]
    if plan.errors:
        raise SeedFailed(plan.errors)
    if not dry_run:
        async with runtime.db.write() as session:
            for library in plan.libraries:
                await _write_library(runtime, session, library)
            for plugin in plan.plugins:
                await write_entry(runtime, session, plugin)
    prefix = "would be " if dry_run else ""
    lines = [f"{lib.label}: {prefix}{lib.outcome}" for lib in plan.libraries]
    return lines + [f"{p.label}: {prefix}{p.outcome}" for p in plan.plugins]
