"""Deletion marks, restores, and the scans that must mark nothing (platform §8.1 rule 2)."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import pytest

from colophon.errors import NotFound
from colophon.library.scanner.service import ScanFailed
from tests.library.builders import comicinfo_xml, write_cbz, write_corrupt_cbz
from tests.library.conftest import LibraryFactory, ScannedLibrary


def build_saga(library: ScannedLibrary, count: int = 3) -> None:
    for number in range(1, count + 1):
        write_cbz(
            library.root / "Saga" / f"Saga {number}.cbz",
            comicinfo=comicinfo_xml(Title=f"Chapter {number}"),
        )


async def test_a_removed_file_is_marked_deleted_and_restoring_it_clears_the_mark(
    library: ScannedLibrary, tmp_path: Path
) -> None:
    """Checklist: restoring clears the mark with metadata intact."""
    build_saga(library)
    await library.scan()
    book_id = (await library.book("Saga/Saga 2.cbz")).id
    await library.update_book_metadata(
        "Saga/Saga 2.cbz", summary="Kept by the user", summary_lock=True
    )
    moved = tmp_path / "Saga 2.cbz"
    shutil.move(library.root / "Saga" / "Saga 2.cbz", moved)

    removed = await library.scan()

    assert removed.to_json()["booksDeleted"] == 1
    assert removed.counts()["deleted"] == 1
    gone = await library.book("Saga/Saga 2.cbz")
    assert gone.deleted_at is not None
    # The row, its metadata and locks are kept while the file is away.
    assert (await library.book_metadata("Saga/Saga 2.cbz")).summary_lock is True

    shutil.move(moved, library.root / "Saga" / "Saga 2.cbz")
    restored = await library.scan()

    data = restored.to_json()
    assert (data["booksRestored"], data["booksUpdated"], data["booksAdded"]) == (1, 1, 0)
    back = await library.book("Saga/Saga 2.cbz")
    assert (back.id, back.deleted_at) == (book_id, None)
    row = await library.book_metadata("Saga/Saga 2.cbz")
    assert (row.title, row.summary, row.summary_lock) == ("Chapter 2", "Kept by the user", True)


async def test_a_series_folder_without_books_is_marked_deleted_until_a_book_returns(
    library: ScannedLibrary, tmp_path: Path
) -> None:
    """§8.1 table: series deleted_at follows its present books."""
    build_saga(library, count=1)
    write_cbz(library.root / "Other" / "Other 1.cbz")
    await library.scan()
    shutil.move(library.root / "Saga", tmp_path / "Saga")

    result = await library.scan()

    assert result.to_json()["seriesDeleted"] == 1
    assert (await library.series())["Saga"].deleted_at is not None
    assert (await library.series())["Other"].deleted_at is None
    assert (await library.series_metadata("Saga")).title == "Saga"

    shutil.move(tmp_path / "Saga", library.root / "Saga")
    await library.scan()

    assert (await library.series())["Saga"].deleted_at is None


async def test_a_moved_file_is_a_delete_plus_an_add(library: ScannedLibrary) -> None:
    """§8.1 rule 2: no hashing."""
    build_saga(library, count=1)
    await library.scan()
    (library.root / "Saga" / "Saga 1.cbz").rename(library.root / "Saga" / "Saga One.cbz")

    result = await library.scan()

    assert (result.tally.books_added, result.tally.books_deleted) == (1, 1)


async def test_an_empty_root_fails_the_scan_and_marks_nothing_deleted(
    library: ScannedLibrary, tmp_path: Path
) -> None:
    """Checklist: an empty (unmounted) root marks nothing deleted."""
    build_saga(library)
    await library.scan()
    shutil.move(library.root / "Saga", tmp_path / "Saga")

    with pytest.raises(ScanFailed) as failure:
        await library.scan()

    assert failure.value.message == "library root is empty; refusing to mark 3 books deleted"
    assert all(book.deleted_at is None for book in (await library.books()).values())
    assert (await library.library()).last_scan_status == "failed"


async def test_allow_empty_marks_every_book_of_an_empty_root_deleted(
    library: ScannedLibrary, tmp_path: Path
) -> None:
    build_saga(library)
    await library.scan()
    shutil.move(library.root / "Saga", tmp_path / "Saga")

    result = await library.scan(allow_empty=True)

    assert (result.tally.books_deleted, result.tally.series_deleted) == (3, 1)


async def test_a_missing_root_fails_the_scan(make_library: LibraryFactory, tmp_path: Path) -> None:
    """§8.1 rule 2: `library root is not accessible: <path>`."""
    missing = tmp_path / "unmounted"
    library = await make_library(missing)

    with pytest.raises(ScanFailed) as failure:
        await library.scan()

    assert failure.value.message == f"library root is not accessible: {missing}"
    assert (await library.library()).last_scan_status == "failed"


async def test_a_cancelled_scan_marks_nothing_deleted_and_keeps_what_it_read(
    library: ScannedLibrary,
) -> None:
    """Checklist: a cancelled scan marks nothing deleted."""
    write_cbz(library.root / "Akira" / "Akira 1.cbz")
    build_saga(library)
    await library.scan()
    (library.root / "Akira" / "Akira 1.cbz").unlink()
    write_cbz(library.root / "Saga" / "Saga 0.cbz")  # sorts first, so it is read before the stop
    cancelled = asyncio.Event()

    async def cancel_after_first_file(
        current: int, total: int, message: str, counts: object
    ) -> None:
        if current == 1:
            cancelled.set()

    result = await library.scan(progress=cancel_after_first_file, cancelled=cancelled)

    assert result.status == "cancelled"
    assert (await library.library()).last_scan_status == "cancelled"
    books = await library.books()
    assert books["Akira/Akira 1.cbz"].deleted_at is None
    assert (await library.series())["Akira"].deleted_at is None
    assert "Saga/Saga 0.cbz" in books
    assert result.tally.books_deleted == 0


async def test_a_corrupt_cbz_counts_one_error_and_the_scan_completes(
    library: ScannedLibrary,
) -> None:
    """Checklist and §8.2 rule 2: the book is created with analysis_error set."""
    build_saga(library, count=2)
    write_corrupt_cbz(library.root / "Saga" / "Saga 3.cbz")

    result = await library.scan()

    data = result.to_json()
    assert (result.status, data["errors"], data["booksAdded"]) == ("completed", 1, 3)
    assert [sample["path"] for sample in data["errorSamples"]] == ["Saga/Saga 3.cbz"]
    assert data["errorSamples"][0]["error"].startswith("unreadable archive")
    broken = await library.book("Saga/Saga 3.cbz")
    assert broken.analysis_error is not None and broken.page_count is None
    assert (await library.library()).last_scan_status == "completed"


async def test_a_repaired_cbz_clears_its_analysis_error(library: ScannedLibrary) -> None:
    write_corrupt_cbz(library.root / "Saga" / "Saga 1.cbz")
    await library.scan()
    write_cbz(library.root / "Saga" / "Saga 1.cbz", pages=5)

    await library.scan()

    book = await library.book("Saga/Saga 1.cbz")
    assert (book.analysis_error, book.page_count) == (None, 5)


async def test_error_samples_stop_at_twenty_while_errors_keep_counting(
    library: ScannedLibrary,
) -> None:
    for number in range(25):
        write_corrupt_cbz(library.root / "Bad" / f"{number}.cbz")

    result = await library.scan()

    data = result.to_json()
    assert (data["errors"], len(data["errorSamples"])) == (25, 20)


async def test_scanning_an_unknown_library_is_not_found(library: ScannedLibrary) -> None:
    library.id = uuid.uuid4()

    with pytest.raises(NotFound):
        await library.scan()


async def test_a_completed_scan_records_the_last_scan_on_the_library(
    library: ScannedLibrary,
) -> None:
    build_saga(library, count=1)

    await library.scan()

    record = await library.library()
    assert record.last_scan_status == "completed" and record.last_scan_at is not None
