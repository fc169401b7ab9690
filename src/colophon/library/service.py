"""Libraries: create, list, rename, delete, scan; series and book rows for the UI."""

from __future__ import annotations

import os
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.errors import Conflict, FieldError, NotFound, ValidationFailed
from colophon.library.models import Book, Library, Series
from colophon.library.schemas import (
    ActiveScanDto,
    BookDto,
    BookPage,
    LibraryDto,
    MatchDto,
    SeriesDto,
    SeriesPage,
    SeriesRowDto,
)
from colophon.metadata.models import BookMetadata, SeriesExternalId, SeriesMetadata
from colophon.pagination import decode_cursor, next_cursor
from colophon.runtime import Runtime
from colophon.tasks.events import entity_event
from colophon.tasks.models import ACTIVE_STATUSES, Task
from colophon.tasks.queue import Enqueued, Targets, find_active
from colophon.tasks.service import submit

SCAN_DEDUP = "scan_library:{}"
SCAN_ACTIVE_MESSAGE = "A scan of this library is already queued or running"
PLUGIN_SOURCE_PREFIX = "plugin:"


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split())


def _check_name(name: str) -> str:
    clean = normalise_name(name)
    if not 1 <= len(clean) <= 200:
        raise ValidationFailed(FieldError("name", "must be 1 to 200 characters"))
    return clean


def _check_root(root_path: str) -> str:
    """Absolute, existing, readable directory; stored without a trailing separator."""
    path = Path(root_path)
    problem = None
    if not path.is_absolute():
        problem = "must be an absolute path"
    elif not path.is_dir():
        problem = f"'{root_path}' is not an existing directory"
    elif not os.access(path, os.R_OK | os.X_OK):
        problem = f"'{root_path}' is not readable"
    if problem:
        raise ValidationFailed(FieldError("rootPath", problem))
    return str(path).rstrip(os.sep) or os.sep


async def _ensure_unique(
    session: AsyncSession, *, name: str | None, root: str | None, except_id: uuid.UUID | None
) -> None:
    others = select(Library).where(Library.id != except_id) if except_id else select(Library)
    if name is not None and await session.scalar(
        others.where(func.lower(Library.name) == name.lower())
    ):
        raise Conflict(f"a library named '{name}' already exists")
    if root is not None and await session.scalar(others.where(Library.root_path == root)):
        raise Conflict(f"the folder '{root}' is already used by another library")


async def _get(session: AsyncSession, library_id: uuid.UUID) -> Library:
    library = await session.get(Library, library_id)
    if library is None:
        raise NotFound("library not found")
    return library


async def find_library(session: AsyncSession, name_or_id: str) -> Library | None:
    """A library by id or by exact name (CLI arguments)."""
    try:
        return await session.get(Library, uuid.UUID(name_or_id))
    except ValueError:
        return await session.scalar(select(Library).where(Library.name == name_or_id))


async def _counts(session: AsyncSession, library_ids: list[uuid.UUID]) -> dict[str, dict[Any, int]]:
    series = await session.execute(
        select(Series.library_id, func.count())
        .where(Series.library_id.in_(library_ids), Series.deleted_at.is_(None))
        .group_by(Series.library_id)
    )
    books = await session.execute(
        select(Book.library_id, func.count())
        .where(Book.library_id.in_(library_ids), Book.deleted_at.is_(None))
        .group_by(Book.library_id)
    )
    return {
        "series": {library: n for library, n in series},
        "books": {library: n for library, n in books},
    }


async def _active_scans(session: AsyncSession, library_ids: list[uuid.UUID]) -> dict[Any, Task]:
    tasks = await session.scalars(
        select(Task).where(
            Task.task_type == "scan_library",
            Task.library_id.in_(library_ids),
            Task.status.in_(ACTIVE_STATUSES),
        )
    )
    return {task.library_id: task for task in tasks}


async def _dtos(session: AsyncSession, libraries: list[Library]) -> list[LibraryDto]:
    ids = [library.id for library in libraries]
    counts = await _counts(session, ids)
    scans = await _active_scans(session, ids)
    jobs = await count_jobs(session, ids)
    return [
        LibraryDto(
            id=library.id,
            name=library.name,
            root_path=library.root_path,
            series_count=counts["series"].get(library.id, 0),
            book_count=counts["books"].get(library.id, 0),
            job_count=jobs.get(library.id, 0),
            last_scan_at=library.last_scan_at,
            last_scan_status=library.last_scan_status,
            active_scan=ActiveScanDto(task_id=scan.id, progress=scan.progress)
            if (scan := scans.get(library.id))
            else None,
            created_at=library.created_at,
            updated_at=library.updated_at,
        )
        for library in libraries
    ]


async def count_jobs(session: AsyncSession, library_ids: list[uuid.UUID]) -> dict[Any, int]:
    """Scheduled jobs per library; zero until the jobs domain registers its table."""
    jobs_table = Library.metadata.tables.get("library_jobs")
    if jobs_table is None:
        return {}
    rows = await session.execute(
        select(jobs_table.c.library_id, func.count())
        .where(jobs_table.c.library_id.in_(library_ids))
        .group_by(jobs_table.c.library_id)
    )
    return {library: n for library, n in rows}


async def list_libraries(runtime: Runtime) -> list[LibraryDto]:
    async with runtime.db.read() as session:
        libraries = list(await session.scalars(select(Library).order_by(func.lower(Library.name))))
        return await _dtos(session, libraries)


async def get_library(runtime: Runtime, library_id: uuid.UUID) -> LibraryDto:
    async with runtime.db.read() as session:
        return (await _dtos(session, [await _get(session, library_id)]))[0]


async def create_library(
    runtime: Runtime, principal: Principal | None, name: str, root_path: str, *, scan: bool
) -> tuple[LibraryDto, uuid.UUID | None]:
    """Create a library and, by default, enqueue its first scan."""
    clean_name, root = _check_name(name), _check_root(root_path)
    async with runtime.db.write() as session:
        await _ensure_unique(session, name=clean_name, root=root, except_id=None)
        library = Library(name=clean_name, root_path=root)
        session.add(library)
        await session.flush()
        user_id = principal.user_id if principal else None
        runtime.bus.publish_after_commit(
            session, entity_event("library.created", user_id=user_id, libraryId=library.id)
        )
        task_id = None
        if scan:
            actor = principal.actor if principal else "cli"
            task_id = (await _enqueue_scan(session, runtime, library.id, actor=actor)).task.id
        dto = (await _dtos(session, [library]))[0]
    return dto, task_id


async def update_library(
    runtime: Runtime,
    principal: Principal,
    library_id: uuid.UUID,
    *,
    name: str | None,
    root_path: str | None,
) -> LibraryDto:
    if root_path is not None:
        principal.require(Permission.LIBRARIES_MANAGE)
    async with runtime.db.write() as session:
        library = await _get(session, library_id)
        clean_name = _check_name(name) if name is not None else None
        root = _check_root(root_path) if root_path is not None else None
        await _ensure_unique(session, name=clean_name, root=root, except_id=library.id)
        library.name = clean_name or library.name
        library.root_path = root or library.root_path
        await session.flush()
        runtime.bus.publish_after_commit(
            session,
            entity_event("library.updated", user_id=principal.user_id, libraryId=library.id),
        )
        return (await _dtos(session, [library]))[0]


async def delete_library(runtime: Runtime, principal: Principal, library_id: uuid.UUID) -> None:
    async with runtime.db.write() as session:
        library = await _get(session, library_id)
        active = await session.scalar(
            select(Task.id).where(Task.library_id == library.id, Task.status.in_(ACTIVE_STATUSES))
        )
        if active is not None:
            raise Conflict("a task of this library is still active", task_id=active)
        await session.delete(library)
        runtime.bus.publish_after_commit(
            session,
            entity_event("library.deleted", user_id=principal.user_id, libraryId=library_id),
        )


async def _enqueue_scan(
    session: AsyncSession,
    runtime: Runtime,
    library_id: uuid.UUID,
    *,
    actor: str,
    full: bool = False,
    allow_empty: bool = False,
) -> Enqueued:
    return await submit(
        session,
        runtime.bus,
        "scan_library",
        params={"full": full, "allow_empty": allow_empty},
        targets=Targets(library_id=library_id),
        dedup_key=SCAN_DEDUP.format(library_id),
        created_by=actor,
    )


async def start_scan(
    runtime: Runtime,
    library_id: uuid.UUID,
    *,
    actor: str,
    full: bool = False,
    allow_empty: bool = False,
) -> uuid.UUID:
    """Enqueue a scan; 409 with the active task when one is queued or running."""
    async with runtime.db.write() as session:
        await _get(session, library_id)
        active = await find_active(session, SCAN_DEDUP.format(library_id))
        if active is not None:
            raise Conflict(SCAN_ACTIVE_MESSAGE, task_id=active.id)
        enqueued = await _enqueue_scan(
            session, runtime, library_id, actor=actor, full=full, allow_empty=allow_empty
        )
        return enqueued.task.id


# ── series and book rows ──────────────────────────────────────────────────────


def _series_filters(
    query: Select[Any],
    *,
    search: str | None,
    status: str | None,
    provider: str | None,
    match: str | None,
    include_deleted: bool,
) -> Select[Any]:
    if not include_deleted:
        query = query.where(Series.deleted_at.is_(None))
    if search:
        needle = f"%{search.casefold().strip()}%"
        query = query.where(SeriesMetadata.search_title.like(needle))
    if status:
        query = query.where(SeriesMetadata.status == status)
    linked = select(SeriesExternalId.series_id).where(
        SeriesExternalId.source.startswith(PLUGIN_SOURCE_PREFIX)
    )
    if provider:
        linked = linked.where(SeriesExternalId.source == f"{PLUGIN_SOURCE_PREFIX}{provider}")
    if match == "linked" or provider:
        query = query.where(Series.id.in_(linked))
    elif match == "unlinked":
        query = query.where(Series.id.not_in(linked))
    return query


async def list_series(
    runtime: Runtime,
    library_id: uuid.UUID,
    *,
    search: str | None = None,
    status: str | None = None,
    provider: str | None = None,
    match: str | None = None,
    include_deleted: bool = False,
    sort: str = "title",
    order: str = "asc",
    limit: int = 50,
    cursor: str | None = None,
) -> SeriesPage:
    """One page of a library's series with match state and last sync (web-ui §8)."""
    offset = decode_cursor(cursor)
    last_synced = (
        select(func.max(SeriesExternalId.last_synced_at))
        .where(
            SeriesExternalId.series_id == Series.id,
            SeriesExternalId.source.startswith(PLUGIN_SOURCE_PREFIX),
        )
        .scalar_subquery()
    )
    book_count = (
        select(func.count())
        .where(Book.series_id == Series.id, Book.deleted_at.is_(None))
        .scalar_subquery()
    )
    base = select(Series, SeriesMetadata, book_count, last_synced).join(
        SeriesMetadata, SeriesMetadata.series_id == Series.id
    )
    base = _series_filters(
        base.where(Series.library_id == library_id),
        search=search,
        status=status,
        provider=provider,
        match=match,
        include_deleted=include_deleted,
    )
    key = {
        "title": SeriesMetadata.search_title,
        "lastSynced": last_synced,
        "updated": SeriesMetadata.updated_at,
    }[sort]
    ordering = key.desc().nulls_last() if order == "desc" else key.asc().nulls_first()
    async with runtime.db.read() as session:
        await _get(session, library_id)
        total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = (
            await session.execute(base.order_by(ordering, Series.id).offset(offset).limit(limit))
        ).all()
        matches = await _matches(session, [row[0].id for row in rows])
    items = [
        SeriesRowDto(
            id=series.id,
            title=meta.title,
            status=meta.status,
            book_count=count,
            deleted=series.deleted_at is not None,
            updated_at=meta.updated_at,
            last_synced_at=synced,
            matches=matches.get(series.id, []),
        )
        for series, meta, count, synced in rows
    ]
    return SeriesPage(
        items=items, total=total, next_cursor=next_cursor(offset, limit, len(items), total)
    )


async def _matches(session: AsyncSession, series_ids: list[uuid.UUID]) -> dict[Any, list[MatchDto]]:
    rows = await session.scalars(
        select(SeriesExternalId)
        .where(
            SeriesExternalId.series_id.in_(series_ids),
            SeriesExternalId.source.startswith(PLUGIN_SOURCE_PREFIX),
        )
        .order_by(SeriesExternalId.source)
    )
    found: dict[Any, list[MatchDto]] = {}
    for row in rows:
        found.setdefault(row.series_id, []).append(
            MatchDto(
                plugin_name=row.source.removeprefix(PLUGIN_SOURCE_PREFIX),
                external_id=row.external_id,
                external_url=row.external_url,
                last_synced_at=row.last_synced_at,
            )
        )
    return found


async def get_series(runtime: Runtime, series_id: uuid.UUID) -> SeriesDto:
    async with runtime.db.read() as session:
        row = (
            await session.execute(
                select(Series, SeriesMetadata.title, Library.name)
                .join(SeriesMetadata, SeriesMetadata.series_id == Series.id)
                .join(Library, Library.id == Series.library_id)
                .where(Series.id == series_id)
            )
        ).first()
        if row is None:
            raise NotFound("series not found")
        series, title, library_name = row
        count = await session.scalar(
            select(func.count()).where(Book.series_id == series.id, Book.deleted_at.is_(None))
        )
    return SeriesDto(
        id=series.id,
        library_id=series.library_id,
        library_name=library_name,
        name=series.name,
        title=title,
        path=series.path,
        deleted=series.deleted_at is not None,
        book_count=count or 0,
    )


def _book_dto(book: Book, title: str | None, number: str | None, series_title: str) -> BookDto:
    return BookDto(
        id=book.id,
        series_id=book.series_id,
        series_title=series_title,
        library_id=book.library_id,
        title=title,
        number=number,
        path=book.path,
        file_name=book.file_name,
        format=book.format,
        file_size=book.file_size,
        page_count=book.page_count,
        analysis_error=book.analysis_error,
        deleted=book.deleted_at is not None,
    )


def _book_rows() -> Select[Book, str | None, str | None, str]:
    return (
        select(Book, BookMetadata.title, BookMetadata.number, SeriesMetadata.title)
        .join(BookMetadata, BookMetadata.book_id == Book.id)
        .join(SeriesMetadata, SeriesMetadata.series_id == Book.series_id)
    )


async def list_books(
    runtime: Runtime,
    series_id: uuid.UUID,
    *,
    include_deleted: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> BookPage:
    offset = decode_cursor(cursor)
    query = _book_rows().where(Book.series_id == series_id)
    if not include_deleted:
        query = query.where(Book.deleted_at.is_(None))
    async with runtime.db.read() as session:
        if await session.get(Series, series_id) is None:
            raise NotFound("series not found")
        rows = (await session.execute(query)).all()
    # Natural order (Vol 2 before Vol 10) needs Python; a series holds few enough books.
    ordered = sorted((_book_dto(*row) for row in rows), key=lambda b: natural_key(b.path))
    items = ordered[offset : offset + limit]
    return BookPage(items=items, next_cursor=next_cursor(offset, limit, len(items), len(ordered)))


def natural_key(text: str) -> list[Any]:
    """Sort key that orders embedded numbers numerically."""
    parts: list[Any] = []
    number = ""
    for char in text:
        if char.isdigit():
            number += char
            continue
        if number:
            parts.append((0, int(number), ""))
            number = ""
        parts.append((1, 0, char.casefold()))
    if number:
        parts.append((0, int(number), ""))
    return parts


async def get_book(runtime: Runtime, book_id: uuid.UUID) -> BookDto:
    async with runtime.db.read() as session:
        row = (await session.execute(_book_rows().where(Book.id == book_id))).first()
    if row is None:
        raise NotFound("book not found")
    return _book_dto(*row)
