"""Covers of series and books (platform §8.2 point 6, metadata §1.7): show, list, select, upload.

An entity shows its selected cover row's file, else the image of its first CBZ or EPUB,
extracted on first request and cached under `<dataDir>/cache/covers`. Thumbnails are made on
demand and cached per entity; a change of selection drops them.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.errors import FieldError, NotFound, ValidationFailed
from colophon.library.cover_images import (
    extract_cover,
    make_thumbnail,
    media_type_of,
    write_atomically,
)
from colophon.library.cover_schemas import CoverDto, CoverList
from colophon.library.models import Book, Library
from colophon.library.service import natural_key
from colophon.metadata.catalog import Entity
from colophon.metadata.covers import (
    MAX_COVER_BYTES,
    CoverDownloadFailed,
    CoverStore,
    DownloadedCover,
    decode_cover,
)
from colophon.metadata.editing import EntityRef, get_entity
from colophon.metadata.entity_tables import EntityTables, tables_for
from colophon.metadata.models import BookCover, SeriesCover
from colophon.runtime import Runtime
from colophon.tasks.events import entity_event

CACHE_DIR = Path("cache") / "covers"
CUSTOM_SOURCE = "custom"
EXTRACTABLE_FORMATS = ("cbz", "epub")
COVER_NOT_FOUND = "cover not found"

CoverRow = SeriesCover | BookCover


@dataclass(frozen=True, slots=True)
class CoverFile:
    """A file to send, with its media type."""

    path: Path
    media_type: str


@dataclass(frozen=True, slots=True)
class _BookFile:
    id: uuid.UUID
    path: Path
    format: str
    mtime: int


@dataclass(frozen=True, slots=True)
class _ShownCover:
    """The image an entity shows and a key that changes whenever that image does."""

    path: Path
    key: str


# --- showing -------------------------------------------------------------------------------


async def get_cover_image(runtime: Runtime, entity: Entity, entity_id: uuid.UUID) -> CoverFile:
    """The entity's cover; raise NotFound for a missing entity or when it has no cover."""
    shown = await _shown_cover(runtime, entity, entity_id)
    return CoverFile(shown.path, media_type_of(shown.path))


async def get_cover_thumbnail(runtime: Runtime, entity: Entity, entity_id: uuid.UUID) -> CoverFile:
    """The entity's cover as a 320 px JPEG, made on first request and cached."""
    shown = await _shown_cover(runtime, entity, entity_id)
    target = _thumbnail_dir(runtime.settings.data_path, entity, entity_id) / f"{shown.key}.jpg"
    if not await asyncio.to_thread(target.is_file):
        data = await asyncio.to_thread(make_thumbnail, shown.path)
        if data is None:
            raise NotFound(COVER_NOT_FOUND)
        await asyncio.to_thread(write_atomically, target, data)
    return CoverFile(target, "image/jpeg")


async def drop_cached_thumbnails(data_dir: Path, entity: Entity, entity_id: uuid.UUID) -> None:
    """Forget the entity's thumbnails after its selection changed (also used by the applier)."""
    await asyncio.to_thread(
        shutil.rmtree, _thumbnail_dir(data_dir, entity, entity_id), ignore_errors=True
    )


def _thumbnail_dir(data_dir: Path, entity: Entity, entity_id: uuid.UUID) -> Path:
    return data_dir / CACHE_DIR / "thumbs" / tables_for(entity).cover_dir / str(entity_id)


async def _shown_cover(runtime: Runtime, entity: Entity, entity_id: uuid.UUID) -> _ShownCover:
    data_dir = runtime.settings.data_path
    async with runtime.db.read() as session:
        ref = await get_entity(session, entity, entity_id)
        selected = await _selected_cover(session, tables_for(entity), entity_id)
        books = await _candidate_books(session, ref)
    if selected is not None and await asyncio.to_thread((data_dir / selected[0]).is_file):
        return _ShownCover(data_dir / selected[0], selected[1])
    for book in books:
        extracted = await asyncio.to_thread(_cached_extraction, data_dir, book)
        if extracted is not None:
            return _ShownCover(extracted, f"{book.id}-{book.mtime}")
    raise NotFound(COVER_NOT_FOUND)


async def _selected_cover(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID
) -> tuple[str, str] | None:
    model = tables.covers
    row = (
        await session.execute(
            select(model.path, model.sha256).where(
                tables.key_of(model) == entity_id, model.is_selected.is_(True)
            )
        )
    ).first()
    return None if row is None else (row.path, row.sha256)


async def _candidate_books(session: AsyncSession, ref: EntityRef) -> list[_BookFile]:
    """The books whose first image may stand in: the book itself, or the series' books."""
    owner = Book.id if ref.entity is Entity.BOOK else Book.series_id
    rows = await session.execute(
        select(Book.id, Book.path, Book.format, Book.file_mtime, Library.root_path)
        .join(Library, Library.id == Book.library_id)
        .where(owner == ref.id, Book.deleted_at.is_(None), Book.format.in_(EXTRACTABLE_FORMATS))
    )
    books = [_BookFile(id_, Path(root) / path, fmt, mtime) for id_, path, fmt, mtime, root in rows]
    # "First" is the scanner's order: natural sort by relative path (platform §8.1).
    return sorted(books, key=lambda book: natural_key(book.path.as_posix()))


def _cached_extraction(data_dir: Path, book: _BookFile) -> Path | None:
    """The book's extracted cover, extracting it on first use; blocking.

    The cache name carries the file's mtime, so a rewritten book is extracted again.
    """
    folder = data_dir / CACHE_DIR / "extracted"
    stem = f"{book.id}-{book.mtime}"
    cached = next(folder.glob(f"{stem}.*"), None) if folder.is_dir() else None
    if cached is not None:
        return cached
    image = extract_cover(book.path, book.format)
    if image is None:
        return None
    target = folder / f"{stem}.{image.extension}"
    write_atomically(target, image.data)
    return target


# --- cover rows ----------------------------------------------------------------------------


def _dto(row: CoverRow) -> CoverDto:
    return CoverDto(
        id=row.id,
        source=row.source,
        source_url=row.source_url,
        format=row.format,
        width=row.width,
        height=row.height,
        is_selected=row.is_selected,
        created_at=row.created_at,
    )


async def _rows(session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID) -> CoverList:
    model = tables.covers
    rows = await session.scalars(
        select(model)
        .where(tables.key_of(model) == entity_id)
        .order_by(model.created_at.desc(), model.id)
    )
    return CoverList(items=[_dto(cast(CoverRow, row)) for row in rows])


async def list_covers(runtime: Runtime, entity: Entity, entity_id: uuid.UUID) -> CoverList:
    """Every cover row of the entity, newest first; raise NotFound for a missing entity."""
    async with runtime.db.read() as session:
        await get_entity(session, entity, entity_id)
        return await _rows(session, tables_for(entity), entity_id)


async def get_stored_cover(
    runtime: Runtime, entity: Entity, entity_id: uuid.UUID, cover_id: uuid.UUID
) -> CoverFile:
    """The file of one cover row; raise NotFound `cover not found`."""
    async with runtime.db.read() as session:
        await get_entity(session, entity, entity_id)
        row = await _find_row(session, tables_for(entity), entity_id, cover_id)
    path = runtime.settings.data_path / row.path
    if not await asyncio.to_thread(path.is_file):
        raise NotFound(COVER_NOT_FOUND)
    return CoverFile(path, media_type_of(path))


async def _find_row(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, cover_id: uuid.UUID
) -> CoverRow:
    model = tables.covers
    row = await session.scalar(
        select(model).where(tables.key_of(model) == entity_id, model.id == cover_id)
    )
    if row is None:
        raise NotFound(COVER_NOT_FOUND)
    return cast(CoverRow, row)


async def _select(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, row: CoverRow
) -> bool:
    """Make `row` the entity's one selected cover; False when it already was."""
    if row.is_selected:
        return False
    model = tables.covers
    # Deselect first: the partial unique index allows one selected cover per entity.
    await session.execute(
        update(model)
        .where(tables.key_of(model) == entity_id, model.id != row.id)
        .values(is_selected=False)
    )
    row.is_selected = True
    await session.flush()
    return True


async def _after_selection(
    runtime: Runtime,
    session: AsyncSession,
    ref: EntityRef,
    *,
    lock: bool,
    changed: bool,
    user_id: uuid.UUID,
) -> None:
    """Set the cover lock unless `lock` is false; announce a changed selection after commit."""
    if lock:
        metadata = tables_for(ref.entity).metadata
        await session.execute(
            update(metadata)
            .where(tables_for(ref.entity).key_of(metadata) == ref.id)
            .values(cover_lock=True, updated_at=utcnow())
        )
    if changed:
        event = entity_event(
            "cover.updated",
            user_id=user_id,
            entityType=ref.entity.value,
            entityId=ref.id,
            libraryId=ref.library_id,
        )
        runtime.bus.publish_after_commit(session, event)


async def select_cover(
    runtime: Runtime,
    entity: Entity,
    entity_id: uuid.UUID,
    cover_id: uuid.UUID,
    *,
    lock: bool,
    user_id: uuid.UUID,
) -> CoverList:
    """Select one cover row and set the `cover` lock unless `lock` is false (metadata §7.4)."""
    tables = tables_for(entity)
    async with runtime.db.write() as session:
        ref = await get_entity(session, entity, entity_id)
        row = await _find_row(session, tables, entity_id, cover_id)
        changed = await _select(session, tables, entity_id, row)
        await _after_selection(runtime, session, ref, lock=lock, changed=changed, user_id=user_id)
    if changed:
        await drop_cached_thumbnails(runtime.settings.data_path, entity, entity_id)
    return await list_covers(runtime, entity, entity_id)


# --- upload --------------------------------------------------------------------------------


def _checked_upload(data: bytes) -> DownloadedCover:
    """Decode with Pillow (bomb check on); JPEG, PNG, WEBP or GIF up to 20 MiB; blocking."""
    if len(data) > MAX_COVER_BYTES:
        raise ValidationFailed(FieldError("file", "cover is larger than 20 MiB"))
    try:
        return decode_cover("", data)
    except CoverDownloadFailed as exc:
        raise ValidationFailed(FieldError("file", exc.detail)) from None


async def upload_cover(
    runtime: Runtime,
    entity: Entity,
    entity_id: uuid.UUID,
    data: bytes,
    *,
    lock: bool,
    user_id: uuid.UUID,
) -> CoverDto:
    """Store an uploaded image as a `custom` cover and select it; raise ValidationFailed."""
    async with runtime.db.read() as session:
        await get_entity(session, entity, entity_id)  # 404 before the image is decoded
    cover = await asyncio.to_thread(_checked_upload, data)
    tables = tables_for(entity)
    store = CoverStore(runtime.settings.data_path)
    relative = store.relative_path(tables.cover_dir, entity_id, cover)
    created_file = await store.write_file(relative, cover.data)
    stored = False
    try:
        dto, changed = await _store_custom_row(
            runtime, tables, entity_id, cover, relative, lock=lock, user_id=user_id
        )
        stored = True
    finally:
        if created_file and not stored:  # no row points at a file of a rolled-back upload
            await store.delete_file(relative)
    if changed:
        await drop_cached_thumbnails(runtime.settings.data_path, entity, entity_id)
    return dto


async def _store_custom_row(
    runtime: Runtime,
    tables: EntityTables,
    entity_id: uuid.UUID,
    cover: DownloadedCover,
    relative: str,
    *,
    lock: bool,
    user_id: uuid.UUID,
) -> tuple[CoverDto, bool]:
    model = tables.covers
    async with runtime.db.write() as session:
        ref = await get_entity(session, tables.entity, entity_id)
        found = await session.scalar(
            select(model).where(
                tables.key_of(model) == entity_id,
                model.source == CUSTOM_SOURCE,
                model.sha256 == cover.sha256,
            )
        )
        row = cast(CoverRow | None, found)
        if row is None:
            row = model(
                **{tables.key: entity_id},
                source=CUSTOM_SOURCE,
                path=relative,
                sha256=cover.sha256,
                format=cover.format,
                width=cover.width,
                height=cover.height,
                is_selected=False,
            )
            session.add(row)
            await session.flush()
        changed = await _select(session, tables, entity_id, row)
        await _after_selection(runtime, session, ref, lock=lock, changed=changed, user_id=user_id)
        return _dto(row), changed
