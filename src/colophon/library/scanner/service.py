"""The library scan (platform §8): discover, process in batches, then mark what is gone.

``run_scan`` is the one code path: the ``scan_library`` task handler and the CLI's inline scan
both call it. No transaction is open while a file is read; each batch of ``batch_size`` files is
committed in one short write transaction.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import structlog
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.config import ScannerSettings
from colophon.db.clock import utcnow
from colophon.db.database import Database
from colophon.errors import ColophonError, NotFound
from colophon.library.models import Book, Library, Series
from colophon.library.scanner.batch import BatchWriter, BookWork, ScanBatch
from colophon.library.scanner.book_files import read_book_file
from colophon.library.scanner.known import KnownCatalogue, load_known
from colophon.library.scanner.mylar import SeriesFileUnreadable, read_series_json
from colophon.library.scanner.result import ScanResult, ScanStatus, ScanTally
from colophon.library.scanner.walker import (
    SERIES_FILE_NAME,
    BookFile,
    FileStamp,
    LibraryWalk,
    RootNotAccessible,
    SeriesFolder,
    walk_library,
)

log = structlog.get_logger(__name__)

ProgressCallback = Callable[[int, int, str, dict[str, int] | None], Awaitable[None]]
# Keeps `IN (...)` lists well under SQLite's bound-parameter limit.
IDS_PER_STATEMENT = 500


class ScanFailed(ColophonError):
    """The scan cannot run: its root is missing, unreadable, or empty while books exist."""


async def run_scan(
    db: Database,
    settings: ScannerSettings,
    library_id: uuid.UUID,
    *,
    full: bool = False,
    allow_empty: bool = False,
    progress: ProgressCallback | None = None,
    cancelled: asyncio.Event | None = None,
) -> ScanResult:
    """Scan one library and record its last scan; a cancelled scan returns what it did.

    Raises NotFound for an unknown library and ScanFailed when the root cannot be used; either
    way nothing is marked deleted.
    """
    async with db.read() as session:
        library = await _get_library(session, library_id)
    scan = _LibraryScan(
        db, settings, library, full=full, allow_empty=allow_empty, progress=progress
    )
    try:
        return await scan.run(cancelled or asyncio.Event())
    except Exception:
        # Record the failure for the library page, then let the caller see the error.
        async with db.write() as session:
            await _record_last_scan(session, library_id, ScanStatus.FAILED, scan.started_at)
        raise


async def _get_library(session: AsyncSession, library_id: uuid.UUID) -> Library:
    library = await session.get(Library, library_id)
    if library is None:
        raise NotFound("library not found")
    return library


async def _record_last_scan(
    session: AsyncSession, library_id: uuid.UUID, status: ScanStatus, at: datetime
) -> None:
    await session.execute(
        update(Library)
        .where(Library.id == library_id)
        .values(last_scan_at=at, last_scan_status=status.value)
    )


class _LibraryScan:
    """The state of one scan run: settings, the walk, the known catalogue and the tally."""

    def __init__(
        self,
        db: Database,
        settings: ScannerSettings,
        library: Library,
        *,
        full: bool,
        allow_empty: bool,
        progress: ProgressCallback | None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.library_id = library.id
        self.name = library.name
        self.root = Path(library.root_path)
        self.full = full
        self.allow_empty = allow_empty
        self.progress = progress
        self.tally = ScanTally()
        self.started_at = utcnow()
        self._started = time.monotonic()
        self.series_files_since_ns = _series_files_since_ns(library)

    async def run(self, cancelled: asyncio.Event) -> ScanResult:
        await self.report(0, 0, f"Discovering files in {self.name}")
        walk = await self.discover()
        async with self.db.read() as session:
            catalogue = await load_known(session, self.library_id)
        self.refuse_empty_root(walk, catalogue)
        completed = await self.process(walk, catalogue, cancelled)
        status = ScanStatus.COMPLETED if completed else ScanStatus.CANCELLED
        async with self.db.write() as session:
            if completed:  # deletions only after a complete walk (§8.1 rule 2)
                await self.mark_missing(session, walk, catalogue)
            await _record_last_scan(session, self.library_id, status, self.started_at)
        total = walk.book_count
        await self.report(self.processed(), total, self.scanning_message(self.processed(), total))
        result = ScanResult(self.library_id, status, self.tally, time.monotonic() - self._started)
        log.info("scan_finished", libraryId=str(self.library_id), status=status, **result.counts())
        return result

    async def discover(self) -> LibraryWalk:
        try:
            walk = await asyncio.to_thread(
                walk_library,
                self.root,
                ignore=self.settings.ignore,
                follow_symlinks=self.settings.follow_symlinks,
            )
        except RootNotAccessible as exc:
            raise ScanFailed(str(exc)) from exc
        self.tally.ignored_files = walk.ignored_files
        for path in walk.unreadable_paths:
            self.tally.record_error(path, "cannot be read")
        return walk

    def refuse_empty_root(self, walk: LibraryWalk, catalogue: KnownCatalogue) -> None:
        # An unmounted share looks like an empty folder; never take it for "all books gone".
        present = catalogue.present_book_count
        if walk.book_count == 0 and present > 0 and not self.allow_empty:
            raise ScanFailed(f"library root is empty; refusing to mark {present} books deleted")

    def processed(self) -> int:
        tally = self.tally
        return tally.books_added + tally.books_updated + tally.books_unchanged

    def scanning_message(self, current: int, total: int) -> str:
        return f"Scanning {self.name}: {current}/{total} files"

    async def report(self, current: int, total: int, message: str) -> None:
        if self.progress is not None:
            await self.progress(current, total, message, self.tally.counts())

    async def process(
        self, walk: LibraryWalk, catalogue: KnownCatalogue, cancelled: asyncio.Event
    ) -> bool:
        """Phase 2; False when cancelled (what was read so far is still committed)."""
        total = walk.book_count
        batch, files_in_batch = ScanBatch(), 0
        for folder in walk.series:
            for index, book in enumerate(folder.books):
                if cancelled.is_set():
                    await self.commit(batch, catalogue)
                    return False
                if index == 0:
                    await self.read_series_file(folder, catalogue, batch)
                work = await self.examine(folder.path, book, catalogue, is_first=index == 0)
                if work is not None:
                    batch.books.append(work)
                files_in_batch += 1
                current = self.processed()
                await self.report(current, total, self.scanning_message(current, total))
                if files_in_batch >= self.settings.batch_size:
                    await self.commit(batch, catalogue)
                    batch, files_in_batch = ScanBatch(), 0
        await self.commit(batch, catalogue)
        return True

    async def examine(
        self, series_path: str, book: BookFile, catalogue: KnownCatalogue, *, is_first: bool
    ) -> BookWork | None:
        """Decide what a file needs (§8.1 table) and read it if it is new or changed."""
        known = catalogue.books.get(book.path)
        needs_read = known is None or self.full or known.stamp != book.stamp
        restores = known is not None and known.deleted
        if not needs_read and not restores:
            self.tally.books_unchanged += 1
            return None
        reading = None
        if needs_read:
            reading = await asyncio.to_thread(read_book_file, self.root / book.path, book.format)
            if reading.analysis_error is not None:
                self.tally.record_error(book.path, reading.analysis_error)
        if known is None:
            self.tally.books_added += 1
        else:
            self.tally.books_updated += 1
            self.tally.books_restored += int(restores)
        return BookWork(series_path, book, known, reading, is_first)

    async def read_series_file(
        self, folder: SeriesFolder, catalogue: KnownCatalogue, batch: ScanBatch
    ) -> None:
        stamp = folder.series_file
        if stamp is None:
            return
        if folder.path in catalogue.series and not self.full and not self.is_new(stamp):
            return
        path = f"{folder.path}/{SERIES_FILE_NAME}"
        try:
            batch.series_files[folder.path] = await asyncio.to_thread(
                read_series_json, self.root / path
            )
        except SeriesFileUnreadable as exc:
            self.tally.record_error(path, str(exc))

    def is_new(self, stamp: FileStamp) -> bool:
        since = self.series_files_since_ns
        return since is None or stamp.mtime_ns >= since

    async def commit(self, batch: ScanBatch, catalogue: KnownCatalogue) -> None:
        if batch.is_empty:
            return
        async with self.db.write() as session:
            writer = BatchWriter(
                session,
                library_id=self.library_id,
                catalogue=catalogue,
                tally=self.tally,
                now=utcnow(),
            )
            await writer.write(batch)

    async def mark_missing(
        self, session: AsyncSession, walk: LibraryWalk, catalogue: KnownCatalogue
    ) -> None:
        """Mark known books and series that the complete walk did not find (§8.1 table)."""
        seen = {book.path for folder in walk.series for book in folder.books}
        present = {folder.path for folder in walk.series if folder.books}
        unreadable = walk.unreadable_paths
        gone_books = [
            known.id
            for path, known in catalogue.books.items()
            if not known.deleted and path not in seen and not _is_below(path, unreadable)
        ]
        gone_series = [
            known.id
            for path, known in catalogue.series.items()
            if not known.deleted and path not in present and not _holds(path, unreadable)
        ]
        back_series = [
            s.id for path, s in catalogue.series.items() if s.deleted and path in present
        ]
        now = utcnow()
        await _set_deleted_at(session, Book, gone_books, now)
        await _set_deleted_at(session, Series, gone_series, now)
        await _set_deleted_at(session, Series, back_series, None)
        self.tally.books_deleted = len(gone_books)
        self.tally.series_deleted = len(gone_series)


def _series_files_since_ns(library: Library) -> int | None:
    """series.json files older than the last completed scan's start were read by it."""
    if library.last_scan_at is None or library.last_scan_status != ScanStatus.COMPLETED:
        return None
    return int(library.last_scan_at.timestamp() * 1_000_000) * 1000


def _is_below(path: str, unreadable: list[str]) -> bool:
    """Whether ``path`` lies in a part of the tree the walk could not read."""
    return any(path == u or path.startswith(f"{u}/") for u in unreadable)


def _holds(series_path: str, unreadable: list[str]) -> bool:
    """Whether a series folder is, or contains, a part of the tree the walk could not read."""
    return any(u == series_path or u.startswith(f"{series_path}/") for u in unreadable)


async def _set_deleted_at(
    session: AsyncSession,
    model: type[Book] | type[Series],
    ids: list[uuid.UUID],
    value: datetime | None,
) -> None:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        await session.execute(update(model).where(model.id.in_(chunk)).values(deleted_at=value))
