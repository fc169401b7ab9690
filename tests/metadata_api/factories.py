"""Catalogue rows for the editing and cover tests, inserted as the scanner would create them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from colophon.db.database import Database
from colophon.library.models import Book, Library, Series
from colophon.metadata.models import BookMetadata, MetadataChange, SeriesMetadata
from colophon.metadata.text import compute_search_title


@dataclass
class Catalogue:
    """One library under `root`; series and books each get their metadata row, locks false."""

    db: Database
    root: Path
    library_id: uuid.UUID | None = None

    async def library(self) -> uuid.UUID:
        if self.library_id is None:
            self.root.mkdir(parents=True, exist_ok=True)
            async with self.db.write() as session:
                library = Library(name=f"Library {uuid.uuid4().hex[:6]}", root_path=str(self.root))
                session.add(library)
                await session.flush()
                self.library_id = library.id
        return self.library_id

    async def series(self, name: str = "Berserk", **columns: Any) -> uuid.UUID:
        """A series whose folder is `name`; its title starts as the folder name (§1.1)."""
        library_id = await self.library()
        title = columns.pop("title", name)
        async with self.db.write() as session:
            series = Series(library_id=library_id, path=name, name=name)
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
            return series.id

    async def book(
        self,
        series_id: uuid.UUID | None = None,
        *,
        path: str | None = None,
        title: str | None = "Volume 1",
        file_format: str = "cbz",
        **columns: Any,
    ) -> uuid.UUID:
        """A book of `series_id` (a new series when None) at `path` relative to the root."""
        if series_id is None:
            series_id = await self.series(f"Series {uuid.uuid4().hex[:6]}")
        library_id = await self.library()
        relative = path or f"book-{uuid.uuid4().hex[:8]}.{file_format}"
        async with self.db.write() as session:
            book = Book(
                library_id=library_id,
                series_id=series_id,
                path=relative,
                file_name=Path(relative).name,
                format=file_format,
                file_size=0,
                file_mtime=0,
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
            return book.id


async def audit_rows(db: Database, entity_id: uuid.UUID) -> list[MetadataChange]:
    """The entity's metadata_changes rows in append order."""
    async with db.read() as session:
        rows = await session.scalars(
            select(MetadataChange)
            .where(MetadataChange.entity_id == entity_id)
            .order_by(MetadataChange.id)
        )
        return list(rows)


async def series_row(db: Database, series_id: uuid.UUID) -> SeriesMetadata:
    async with db.read() as session:
        row = await session.get(SeriesMetadata, series_id)
        assert row is not None
        return row


async def book_row(db: Database, book_id: uuid.UUID) -> BookMetadata:
    async with db.read() as session:
        row = await session.get(BookMetadata, book_id)
        assert row is not None
        return row
