"""Fixtures for the jobs tests: a library with series and books, plugin rows, a job factory."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.conftest import ApiClient

from colophon.db.database import Database
from colophon.library.models import Book, Library, Series
from colophon.metadata.models import BookExternalId, BookMetadata, SeriesExternalId, SeriesMetadata
from colophon.metadata.text import compute_search_title
from colophon.plugins.models import Plugin
from colophon.plugins.supervisor import stop_supervisor
from colophon.runtime import Runtime

ECHO_MANIFEST: dict[str, Any] = {
    "name": "echo",
    "displayName": "Echo",
    "version": "1.0.0",
    "protocolVersion": "1.0",
    "capabilities": {"metadataProvider": ["series", "book"]},
}


def manifest(*content_types: str, name: str = "echo") -> dict[str, Any]:
    return {
        **ECHO_MANIFEST,
        "name": name,
        "capabilities": {"metadataProvider": list(content_types)},
    }


async def add_plugin(
    db: Database,
    name: str = "echo",
    *,
    display_name: str = "Echo",
    manifest_json: dict[str, Any] | None = ECHO_MANIFEST,
    enabled: bool = True,
    scopes: list[str] | None = None,
    library_ids: list[str] | None = None,
    admin_config: dict[str, Any] | None = None,
    rate_limit_per_minute: int = 0,
    permissions: list[str] | None = None,
    command: str = "python",
    args: list[str] | None = None,
) -> uuid.UUID:
    """A plugin row as the plugin admin API would store it (manifest cached)."""
    async with db.write() as session:
        plugin = Plugin(
            name=name,
            display_name=display_name,
            command=command,
            args=args if args is not None else ["-m", "colophon_plugins.echo"],
            enabled=enabled,
            manifest=manifest_json,
            scopes=scopes
            if scopes is not None
            else ["series:detail", "series:bulk", "book:detail", "book:bulk"],
            library_ids=library_ids or [],
            admin_config=admin_config or {},
            rate_limit_per_minute=rate_limit_per_minute,
            permissions=permissions or ["metadata:read", "metadata:write:*"],
        )
        session.add(plugin)
        await session.flush()
        return plugin.id


@dataclass
class Catalogue:
    """A library and its series and books, inserted as the scanner would create them."""

    db: Database
    root: Path
    library_id: uuid.UUID | None = None
    series_ids: list[uuid.UUID] = field(default_factory=list)

    async def library(self, name: str | None = None) -> uuid.UUID:
        if self.library_id is None:
            async with self.db.write() as session:
                library = Library(
                    name=name or f"Library {uuid.uuid4().hex[:6]}", root_path=str(self.root)
                )
                session.add(library)
                await session.flush()
                self.library_id = library.id
        return self.library_id

    async def series(
        self,
        title: str = "Berserk",
        *,
        external_id: str | None = None,
        source: str = "plugin:echo",
        last_synced_at: datetime | None = None,
        deleted_at: datetime | None = None,
        **columns: Any,
    ) -> uuid.UUID:
        library_id = await self.library()
        async with self.db.write() as session:
            series = Series(
                library_id=library_id,
                path=f"{title}-{uuid.uuid4().hex[:6]}",
                name=title,
                deleted_at=deleted_at,
            )
            session.add(series)
            await session.flush()
            session.add(
                SeriesMetadata(
                    series_id=series.id,
                    title=title,
                    search_title=compute_search_title(title),
                    **columns,
                )
            )
            if external_id is not None:
                session.add(
                    SeriesExternalId(
                        series_id=series.id,
                        source=source,
                        external_id=external_id,
                        last_synced_at=last_synced_at,
                    )
                )
            self.series_ids.append(series.id)
            return series.id

    async def book(
        self,
        series_id: uuid.UUID,
        title: str | None = "Volume 1",
        *,
        file_name: str | None = None,
        external_id: str | None = None,
        last_synced_at: datetime | None = None,
        deleted_at: datetime | None = None,
        **columns: Any,
    ) -> uuid.UUID:
        library_id = await self.library()
        name = file_name or f"book-{uuid.uuid4().hex[:8]}.cbz"
        async with self.db.write() as session:
            book = Book(
                library_id=library_id,
                series_id=series_id,
                path=f"{uuid.uuid4().hex[:6]}/{name}",
                file_name=name,
                format="cbz",
                file_size=0,
                file_mtime=0,
                deleted_at=deleted_at,
            )
            session.add(book)
            await session.flush()
            session.add(
                BookMetadata(
                    book_id=book.id,
                    title=title,
                    search_title=compute_search_title(title),
                    **columns,
                )
            )
            if external_id is not None:
                session.add(
                    BookExternalId(
                        book_id=book.id,
                        source="plugin:echo",
                        external_id=external_id,
                        last_synced_at=last_synced_at,
                    )
                )
            return book.id

    async def synced_at(self, series_id: uuid.UUID, source: str = "plugin:echo") -> datetime | None:
        async with self.db.read() as session:
            return await session.scalar(
                select(SeriesExternalId.last_synced_at).where(
                    SeriesExternalId.series_id == series_id, SeriesExternalId.source == source
                )
            )


@pytest.fixture
async def catalogue(app_runtime: Runtime, tmp_path: Path) -> Catalogue:
    return Catalogue(app_runtime.db, tmp_path / "library")


@pytest.fixture
async def library_id(catalogue: Catalogue) -> uuid.UUID:
    return await catalogue.library()


@pytest.fixture
async def echo(app_runtime: Runtime) -> AsyncIterator[uuid.UUID]:
    """The echo plugin row (manifest cached); its processes are stopped after the test."""
    plugin_id = await add_plugin(app_runtime.db)
    yield plugin_id
    await stop_supervisor(app_runtime)


def job_body(**overrides: Any) -> dict[str, Any]:
    """A valid create body against echo; `config` keys are merged."""
    config = {"type": "metadata_refresh", "provider": "plugin:echo", **overrides.pop("config", {})}
    return {"name": "Nightly", "cronSchedule": "0 4 * * *", "config": config, **overrides}


JobFactory = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_job(admin: ApiClient, library_id: uuid.UUID, echo: uuid.UUID) -> JobFactory:
    """Create a job through the API and return its DTO."""

    async def create(**overrides: Any) -> dict[str, Any]:
        response = await admin.post(
            f"/api/v1/libraries/{library_id}/jobs", json=job_body(**overrides)
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return create


def jobs_url(library_id: uuid.UUID) -> str:
    return f"/api/v1/libraries/{library_id}/jobs"


FINISHED = ("success", "partial", "failure", "cancelled")


async def wait_for_run(
    api: ApiClient,
    library_id: uuid.UUID,
    job_id: str,
    run_id: str,
    *,
    statuses: tuple[str, ...] = FINISHED,
    timeout_s: float = 60.0,
) -> dict[str, Any]:
    """Poll the run until its status is one of ``statuses`` (a deadline, never a fixed sleep)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    url = f"{jobs_url(library_id)}/{job_id}/runs/{run_id}"
    while True:
        run: dict[str, Any] = (await api.get(url)).json()
        if run.get("status") in statuses:
            return run
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"run still {run.get('status')}: {run}")
        await asyncio.sleep(0.05)


async def wait_for_task(api: ApiClient, task_id: str, *, timeout_s: float = 60.0) -> dict[str, Any]:
    """Poll the task until it is terminal."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        task: dict[str, Any] = (await api.get(f"/api/v1/tasks/{task_id}")).json()
        if task.get("status") in ("completed", "failed", "cancelled"):
            return task
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"task still {task.get('status')}")
        await asyncio.sleep(0.05)


async def run_job(
    api: ApiClient, library_id: uuid.UUID, job_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run now, wait for the run and its task; (run detail, task)."""
    started = await api.post(f"{jobs_url(library_id)}/{job_id}/run-now")
    assert started.status_code == 202, started.text
    ids = started.json()
    run = await wait_for_run(api, library_id, job_id, ids["runId"])
    task = await wait_for_task(api, ids["taskId"])
    return run, task


def assert_counts_add_up(summary: dict[str, Any]) -> None:
    """RUN-20: every planned item is accounted for exactly once."""
    skipped = summary["skipped"]
    assert summary["planned"] == (
        summary["succeeded"]
        + summary["failed"]
        + skipped["noMatchCandidate"]
        + skipped["lowConfidence"]
        + summary["notProcessed"]
    ), summary
