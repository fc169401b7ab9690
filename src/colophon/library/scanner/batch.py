"""One batch of scanned files, written in one short transaction (platform §8.1, §8.3).

Files are read before the transaction opens; here only rows are written. Every new series and
book gets its metadata row in the same transaction (metadata §1.1).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.base import new_id
from colophon.library.models import Book, Series
from colophon.library.scanner.file_values import BookReading, SeriesValues
from colophon.library.scanner.fill import fill_book_metadata, fill_series_metadata
from colophon.library.scanner.known import KnownBook, KnownCatalogue, KnownSeries
from colophon.library.scanner.result import ScanTally
from colophon.library.scanner.walker import BookFile
from colophon.metadata.audit import AuditContext, AuditEntry, record_changes
from colophon.metadata.catalog import Entity
from colophon.metadata.models import BookMetadata, SeriesMetadata
from colophon.metadata.text import compute_search_title

SCANNER_SOURCE = "scanner"


@dataclass(frozen=True, slots=True)
class BookWork:
    """A book that needs a write; ``reading`` is None when only its deletion mark is cleared."""

    series_path: str
    book: BookFile
    known: KnownBook | None
    reading: BookReading | None
    is_first_in_series: bool


@dataclass(slots=True)
class ScanBatch:
    """Books to write and the series.json values read since the last commit."""

    books: list[BookWork] = field(default_factory=list)
    series_files: dict[str, SeriesValues] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.books and not self.series_files


class BatchWriter:
    """Writes one batch inside an open transaction, keeping the known catalogue current."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        library_id: uuid.UUID,
        catalogue: KnownCatalogue,
        tally: ScanTally,
        now: datetime,
    ) -> None:
        self.session = session
        self.library_id = library_id
        self.catalogue = catalogue
        self.tally = tally
        self.now = now
        self._series_rows: dict[uuid.UUID, SeriesMetadata] = {}

    async def write(self, batch: ScanBatch) -> None:
        """Write every book of the batch, then series.json values of series without new books."""
        series_files = dict(batch.series_files)
        for work in batch.books:
            await self.write_book(work, series_files)
        for path, values in series_files.items():
            known = self.catalogue.series.get(path)
            if known is not None:  # a folder with no book yet gets no series row
                await self.fill_series(known.id, values)

    async def write_book(self, work: BookWork, series_files: dict[str, SeriesValues]) -> None:
        series_id = await self.ensure_series(work, series_files.pop(work.series_path, None))
        if work.known is None:
            await self.create_book(work, series_id)
        else:
            await self.update_book(work, work.known)
        if work.is_first_in_series and work.reading is not None:
            await self.fill_series(series_id, work.reading.series)

    async def ensure_series(self, work: BookWork, series_file: SeriesValues | None) -> uuid.UUID:
        """The series of the book's folder: created, or its deletion mark cleared."""
        known = self.catalogue.series.get(work.series_path)
        if known is None:
            known = await self.create_series(work, series_file)
        elif known.deleted:
            await self.session.execute(
                update(Series).where(Series.id == known.id).values(deleted_at=None)
            )
            known.deleted = False
        if series_file is not None:
            await self.fill_series(known.id, series_file)
        return known.id

    async def create_series(self, work: BookWork, series_file: SeriesValues | None) -> KnownSeries:
        # Title precedence of platform §8.2 rule 1: series.json, first book's Series, folder.
        first_book = work.reading.series if work.is_first_in_series and work.reading else None
        file_title = (series_file and series_file.title) or (first_book and first_book.title)
        title = file_title or work.series_path
        series = Series(
            id=new_id(), library_id=self.library_id, path=work.series_path, name=work.series_path
        )
        search_title = compute_search_title(title)
        row = SeriesMetadata(series_id=series.id, title=title, search_title=search_title)
        # Series and its metadata have no relationship(), so flush the parent row first.
        self.session.add(series)
        await self.session.flush()
        self.session.add(row)
        self._series_rows[series.id] = row
        if file_title:
            title_entry = AuditEntry("title", None, file_title)
            await self.record(Entity.SERIES, series.id, row, [title_entry])
        known = KnownSeries(series.id, deleted=False)
        self.catalogue.series[work.series_path] = known
        self.tally.series_added += 1
        return known

    async def fill_series(self, series_id: uuid.UUID, values: SeriesValues) -> None:
        row = self._series_rows.get(series_id) or await self.session.get(SeriesMetadata, series_id)
        if row is None:
            return
        self._series_rows[series_id] = row
        changes = await fill_series_metadata(self.session, row, values)
        await self.record(Entity.SERIES, series_id, row, changes)

    async def create_book(self, work: BookWork, series_id: uuid.UUID) -> None:
        reading = work.reading or BookReading()
        book = work.book
        book_id = new_id()
        self.session.add(
            Book(
                id=book_id,
                library_id=self.library_id,
                series_id=series_id,
                path=book.path,
                file_name=book.file_name,
                format=book.format,
                file_size=book.stamp.size,
                file_mtime=book.stamp.mtime_ns,
                page_count=reading.page_count,
                analysis_error=reading.analysis_error,
            )
        )
        await self.session.flush()
        row = BookMetadata(book_id=book_id, title=None, search_title="")
        self.session.add(row)
        changes = await fill_book_metadata(self.session, row, reading.values)
        await self.record(Entity.BOOK, book_id, row, changes)
        self.catalogue.books[book.path] = KnownBook(book_id, series_id, book.stamp, deleted=False)

    async def update_book(self, work: BookWork, known: KnownBook) -> None:
        book = await self.session.get(Book, known.id)
        if book is None:
            return
        if work.reading is not None:
            await self.refresh_book(book, work.book, work.reading)
        book.deleted_at = None
        known.stamp, known.deleted = work.book.stamp, False

    async def refresh_book(self, book: Book, found: BookFile, reading: BookReading) -> None:
        book.file_size = found.stamp.size
        book.file_mtime = found.stamp.mtime_ns
        book.page_count = reading.page_count
        book.analysis_error = reading.analysis_error
        row = await self.session.get(BookMetadata, book.id)
        if row is None:
            row = BookMetadata(book_id=book.id, title=None, search_title="")
            self.session.add(row)
        changes = await fill_book_metadata(self.session, row, reading.values)
        await self.record(Entity.BOOK, book.id, row, changes)

    async def record(
        self,
        entity: Entity,
        entity_id: uuid.UUID,
        row: SeriesMetadata | BookMetadata,
        changes: list[AuditEntry],
    ) -> None:
        if not changes:
            return
        # A link-only change leaves the row's columns alone, so bump updated_at by hand.
        row.updated_at = self.now
        context = AuditContext(entity, entity_id, self.library_id, SCANNER_SOURCE)
        await record_changes(self.session, context, changes, now=self.now)
