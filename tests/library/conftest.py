"""Fixtures for scanner tests: a library on a temporary root, a scan runner, row readers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from colophon.config import ScannerSettings
from colophon.db.database import Database
from colophon.library.models import Book, Library, Series
from colophon.library.scanner.result import ScanResult
from colophon.library.scanner.service import ProgressCallback, run_scan
from colophon.metadata.models import BookMetadata, MetadataChange, SeriesMetadata


@dataclass
class ScannedLibrary:
    """A library row on a temporary root, with helpers to scan it and read its rows back."""

    db: Database
    id: uuid.UUID
    root: Path
    settings: ScannerSettings

    async def scan(
        self,
        *,
        full: bool = False,
        allow_empty: bool = False,
        progress: ProgressCallback | None = None,
        cancelled: asyncio.Event | None = None,
    ) -> ScanResult:
        return await run_scan(
            self.db,
            self.settings,
            self.id,
            full=full,
            allow_empty=allow_empty,
            progress=progress,
            cancelled=cancelled,
        )

    async def library(self) -> Library:
        async with self.db.read() as session:
            library = await session.get(Library, self.id)
        assert library is not None
        return library

    async def series(self) -> dict[str, Series]:
        async with self.db.read() as session:
            rows = await session.scalars(select(Series).where(Series.library_id == self.id))
            return {row.path: row for row in rows}

    async def books(self) -> dict[str, Book]:
        async with self.db.read() as session:
            rows = await session.scalars(select(Book).where(Book.library_id == self.id))
            return {row.path: row for row in rows}

    async def book(self, path: str) -> Book:
        return (await self.books())[path]

    async def book_metadata(self, path: str) -> BookMetadata:
        book = await self.book(path)
        async with self.db.read() as session:
            row = await session.get(BookMetadata, book.id)
        assert row is not None
        return row

    async def series_metadata(self, path: str) -> SeriesMetadata:
        series = (await self.series())[path]
        async with self.db.read() as session:
            row = await session.get(SeriesMetadata, series.id)
        assert row is not None
        return row

    async def audit_rows(self, entity_id: uuid.UUID | None = None) -> list[MetadataChange]:
        query = select(MetadataChange).where(MetadataChange.library_id == self.id)
        if entity_id is not None:
            query = query.where(MetadataChange.entity_id == entity_id)
        async with self.db.read() as session:
            return list(await session.scalars(query.order_by(MetadataChange.id)))

    async def audit_count(self) -> int:
        async with self.db.read() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(MetadataChange)
                .where(MetadataChange.library_id == self.id)
            )
        return int(count or 0)

    async def update_book_metadata(self, path: str, **values: Any) -> None:
        """Stand in for a user or provider edit made between two scans."""
        book = await self.book(path)
        async with self.db.write() as session:
            row = await session.get(BookMetadata, book.id)
            assert row is not None
            for column, value in values.items():
                setattr(row, column, value)

    async def update_series_metadata(self, path: str, **values: Any) -> None:
        series = (await self.series())[path]
        async with self.db.write() as session:
            row = await session.get(SeriesMetadata, series.id)
            assert row is not None
            for column, value in values.items():
                setattr(row, column, value)


LibraryFactory = Callable[..., Awaitable[ScannedLibrary]]


@pytest.fixture
def library_root(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    return root


@pytest.fixture
def make_library(db: Database) -> LibraryFactory:
    """Create a library row on ``root``; scanner settings may be overridden per test."""

    async def create(root: Path, *, name: str = "Comics", **settings: Any) -> ScannedLibrary:
        async with db.write() as session:
            library = Library(name=name, root_path=str(root))
            session.add(library)
        return ScannedLibrary(db, library.id, root, ScannerSettings(**settings))

    return create


@pytest.fixture
async def library(make_library: LibraryFactory, library_root: Path) -> ScannedLibrary:
    return await make_library(library_root)
