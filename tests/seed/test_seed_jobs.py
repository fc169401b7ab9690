"""The seed file's jobs section (platform §7, library-jobs API-7) on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from colophon.auth.models import User
from colophon.jobs.models import LibraryJob
from colophon.jobs.service import next_slot
from colophon.library.models import Library
from colophon.plugins.models import Plugin
from colophon.runtime import Runtime
from colophon.seed import SeedFailed, run_seed

ECHO = {
    "name": "echo",
    "command": "python",
    "args": ["-m", "colophon_plugins.echo"],
    "rateLimitPerMinute": 0,
    "scopes": ["series:detail", "series:bulk"],
    "libraries": ["Manga"],
}
NIGHTLY: dict[str, Any] = {
    "library": "Manga",
    "name": "Nightly ratings",
    "enabled": True,
    "cronSchedule": "0 4 * * *",
    "timezone": "Europe/Berlin",
    "config": {
        "type": "metadata_refresh",
        "provider": "plugin:echo",
        "fieldGroups": ["ratings", "status", "ratings"],
    },
}


def _document(root: Path, *jobs: dict[str, Any], **sections: Any) -> dict[str, Any]:
    libraries = [{"name": "Manga", "path": str(root), "scan": False}]
    return {"libraries": libraries, "jobs": list(jobs), **sections}


async def _job(runtime: Runtime) -> LibraryJob:
    async with runtime.db.read() as session:
        job: LibraryJob | None = await session.scalar(select(LibraryJob))
        assert job is not None
        return job


async def _count(runtime: Runtime, table: Any) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_job_with_its_plugin_and_library_is_created_then_unchanged_then_updated(
    seeding: Runtime, tmp_path: Path
) -> None:
    """The plugin of the same file is probed first; the job is validated against its manifest."""
    document = _document(tmp_path, NIGHTLY, plugins=[ECHO])

    lines = await run_seed(seeding, document, dry_run=False, environ={})

    assert lines == [
        "libraries[0] (Manga): created",
        "plugins[0] (echo): created",
        "jobs[0] (Nightly ratings): created",
    ]
    job = await _job(seeding)
    assert (job.name, job.enabled, job.cron_schedule) == ("Nightly ratings", True, "0 4 * * *")
    assert job.config["field_groups"] == ["ratings", "status"]  # normalised as the API does
    assert job.next_run_at is not None
    assert job.next_run_at == next_slot("0 4 * * *", "Europe/Berlin", job.updated_at)

    again = await run_seed(seeding, document, dry_run=False, environ={})
    assert again == [line.replace("created", "unchanged") for line in lines]
    assert (await _job(seeding)).updated_at == job.updated_at

    hourly = {**NIGHTLY, "cronSchedule": "0 * * * *"}
    changed = await run_seed(seeding, _document(tmp_path, hourly), dry_run=False, environ={})
    assert changed == [
        "libraries[0] (Manga): unchanged",
        "jobs[0] (Nightly ratings): updated (cronSchedule)",
    ]
    updated = await _job(seeding)
    assert updated.cron_schedule == "0 * * * *" and await _count(seeding, LibraryJob) == 1
    assert updated.next_run_at == next_slot("0 * * * *", "Europe/Berlin", updated.updated_at)


async def test_validator_errors_name_their_path_and_nothing_is_written(
    seeding: Runtime, tmp_path: Path
) -> None:
    async with seeding.db.write() as session:
        session.add(
            Plugin(
                name="echo",
                display_name="Echo",
                command="python",
                manifest={"name": "echo", "capabilities": {"metadataProvider": ["series"]}},
                scopes=["series:detail", "series:bulk"],
            )
        )
    bad_group = {**NIGHTLY, "config": {**NIGHTLY["config"], "fieldGroups": ["ratings", "ratingz"]}}
    both_sides = {
        **NIGHTLY,
        "name": "Everything",
        "config": {
            "type": "metadata_refresh",
            "provider": "plugin:echo",
            "scope": "series_and_books",
        },
    }
    elsewhere = {**NIGHTLY, "library": "Comics", "cronSchedle": "@daily"}
    users = [{"username": "viewer", "role": "reader"}]

    with pytest.raises(SeedFailed) as failed:
        await run_seed(
            seeding,
            _document(tmp_path, bad_group, both_sides, elsewhere, users=users),
            dry_run=False,
            environ={},
        )

    assert failed.value.errors == [
        "seed: jobs[0] (Nightly ratings): config.fieldGroups[1]: unknown field group 'ratingz'",
        "seed: jobs[2] (Nightly ratings): unknown key 'cronSchedle' (did you mean 'cronSchedule'?)",
        "seed: jobs[1] (Everything): config.provider: plugin 'echo' does not support scope "
        "'series_and_books'",
    ]
    for table in (LibraryJob, Library, User):
        assert await _count(seeding, table) == 0


async def test_a_job_of_an_unknown_library_is_refused(seeding: Runtime) -> None:
    with pytest.raises(SeedFailed) as failed:
        await run_seed(
            seeding, {"jobs": [{**NIGHTLY, "library": "Nope"}]}, dry_run=False, environ={}
        )
    assert failed.value.errors == ["seed: jobs[0] (Nightly ratings): unknown library 'Nope'"]
