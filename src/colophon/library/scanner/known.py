"""What the catalogue already holds for a library, loaded once at the start of a scan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.library.models import Book, Series
from colophon.library.scanner.walker import FileStamp


@dataclass(slots=True)
class KnownBook:
    id: uuid.UUID
    series_id: uuid.UUID
    stamp: FileStamp
    deleted: bool


@dataclass(slots=True)
class KnownSeries:
    id: uuid.UUID
    deleted: bool


@dataclass(slots=True)
class KnownCatalogue:
    """Books and series by relative path; the scan keeps it current as it writes."""

    books: dict[str, KnownBook] = field(default_factory=dict)
    series: dict[str, KnownSeries] = field(default_factory=dict)

    @property
    def present_book_count(self) -> int:
        return sum(1 for book in self.books.values() if not book.deleted)


async def load_known(session: AsyncSession, library_id: uuid.UUID) -> KnownCatalogue:
    """Every series and book row of the library, deleted ones included."""
    catalogue = KnownCatalogue()
    series_rows = await session.execute(
        select(Series.path, Series.id, Series.deleted_at).where(Series.library_id == library_id)
    )
    for path, series_id, deleted_at in series_rows:
        catalogue.series[path] = KnownSeries(series_id, deleted_at is not None)
    book_rows = await session.execute(
        select(
            Book.path, Book.id, Book.series_id, Book.file_size, Book.file_mtime, Book.deleted_at
        ).where(Book.library_id == library_id)
    )
    for path, book_id, series_id, size, mtime_ns, deleted_at in book_rows:
        stamp = FileStamp(size, mtime_ns)
        catalogue.books[path] = KnownBook(book_id, series_id, stamp, deleted_at is not None)
    return catalogue
