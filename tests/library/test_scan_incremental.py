"""Incremental rescans: unchanged files are not read, changed ones are (platform §8.1 table)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from colophon.library.models import Book
from tests.library.builders import comicinfo_xml, touch_later, write_cbz, write_series_json
from tests.library.conftest import LibraryFactory, ScannedLibrary


def build_two_books(library: ScannedLibrary) -> None:
    write_series_json(library.root / "Saga", name="Saga", publisher="Image", comicid=1)
    for number in (1, 2):
        write_cbz(
            library.root / "Saga" / f"Saga {number}.cbz",
            comicinfo=comicinfo_xml(Title=f"Chapter {number}", Writer="Brian K. Vaughan"),
        )


async def test_an_unchanged_rescan_writes_no_metadata(library: ScannedLibrary) -> None:
    """Checklist: an unchanged rescan writes no metadata."""
    build_two_books(library)
    await library.scan()
    audit_count = await library.audit_count()
    before = {path: row.updated_at for path, row in (await library.books()).items()}
    series_before = await library.series_metadata("Saga")

    result = await library.scan()

    assert result.counts() == {"added": 0, "updated": 0, "unchanged": 2, "deleted": 0, "errors": 0}
    assert await library.audit_count() == audit_count
    assert {path: row.updated_at for path, row in (await library.books()).items()} == before
    assert (await library.series_metadata("Saga")).updated_at == series_before.updated_at


async def test_touching_one_files_mtime_rereads_only_that_file(library: ScannedLibrary) -> None:
    """Checklist: touching one file's mtime re-reads only that file."""
    build_two_books(library)
    await library.scan()
    # Clear both titles: only a re-read file can fill its title again.
    await library.update_book_metadata("Saga/Saga 1.cbz", title=None)
    await library.update_book_metadata("Saga/Saga 2.cbz", title=None)
    touch_later(library.root / "Saga" / "Saga 2.cbz")

    result = await library.scan()

    assert result.counts() == {"added": 0, "updated": 1, "unchanged": 1, "deleted": 0, "errors": 0}
    assert (await library.book_metadata("Saga/Saga 1.cbz")).title is None
    assert (await library.book_metadata("Saga/Saga 2.cbz")).title == "Chapter 2"
    book = await library.book("Saga/Saga 2.cbz")
    assert book.file_mtime == (library.root / "Saga" / "Saga 2.cbz").stat().st_mtime_ns


async def test_a_full_scan_rereads_every_file(library: ScannedLibrary) -> None:
    """§8.1 table: `full: true` re-reads unchanged files too."""
    build_two_books(library)
    await library.scan()
    await library.update_book_metadata("Saga/Saga 1.cbz", title=None)

    result = await library.scan(full=True)

    assert result.counts()["updated"] == 2
    assert (await library.book_metadata("Saga/Saga 1.cbz")).title == "Chapter 1"


async def test_a_changed_series_json_is_read_again(library: ScannedLibrary) -> None:
    """§8.2 rule 5: series.json is re-read when it changes, and only fills empty fields."""
    build_two_books(library)
    await library.scan()
    await library.update_series_metadata("Saga", publisher=None)
    write_series_json(library.root / "Saga", name="Renamed", publisher="Image Comics", year=2012)
    touch_later(library.root / "Saga" / "series.json")

    await library.scan()

    series = await library.series_metadata("Saga")
    # The title is chosen at creation only; the emptied publisher and the new year are filled.
    assert (series.title, series.publisher, series.year) == ("Saga", "Image Comics", 2012)


async def test_an_unchanged_series_json_is_not_read_again(library: ScannedLibrary) -> None:
    build_two_books(library)
    await library.scan()
    await library.update_series_metadata("Saga", publisher=None)

    await library.scan()

    assert (await library.series_metadata("Saga")).publisher is None


async def test_files_are_committed_every_batch_size_files(
    make_library: LibraryFactory, library_root: Path
) -> None:
    """§8.3 rule 1: with batchSize 2, the first two books are visible while the scan goes on."""
    for number in range(1, 6):
        write_cbz(library_root / "S" / f"{number}.cbz")
    library = await make_library(library_root, batch_size=2)
    visible_at: dict[int, int] = {}

    async def progress(current: int, total: int, message: str, counts: object) -> None:
        if message.startswith("Scanning"):
            async with library.db.read() as session:
                count = len((await session.scalars(select(Book.id))).all())
            visible_at.setdefault(current, count)  # the final report repeats the last file

    await library.scan(progress=progress)

    # Progress for file n is reported before its batch commits: after 2 files, 0 are visible;
    # after 3 files, the first batch of 2 is.
    assert visible_at == {1: 0, 2: 0, 3: 2, 4: 2, 5: 4}
    assert len(await library.books()) == 5
