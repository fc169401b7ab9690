"""Series folders, book formats, root files and sorting (platform §8.1, §8.3; metadata §1.1)."""

from __future__ import annotations

from pathlib import Path

from colophon.library.scanner.walker import natural_sort_key
from colophon.metadata.models import BookMetadata, SeriesMetadata
from tests.library.builders import comicinfo_xml, opf_document, write_blob, write_cbz, write_epub
from tests.library.conftest import LibraryFactory, ScannedLibrary

Counts = dict[str, int] | None
RESULT_KEYS = {
    "seriesAdded",
    "seriesDeleted",
    "booksAdded",
    "booksUpdated",
    "booksUnchanged",
    "booksDeleted",
    "booksRestored",
    "ignoredFiles",
    "errors",
    "errorSamples",
    "durationS",
}


def build_three_series(root: Path) -> None:
    write_cbz(root / "Saga" / "Saga 01.cbz")
    write_blob(root / "Saga" / "Saga 02.cbr")
    write_blob(root / "Saga" / "extras" / "Saga 03.CB7")
    write_epub(root / "Dune" / "Dune.epub", opf_document("<dc:title>Dune</dc:title>"))
    write_blob(root / "Dune" / "Dune Messiah.pdf")
    write_cbz(root / "Akira" / "Akira v1.cbz")
    write_blob(root / "Akira" / "notes.txt")  # not a book format
    write_blob(root / "loose.cbz")  # root-level files are ignored and counted
    write_blob(root / "README.md")
    write_cbz(root / ".hidden" / "secret.cbz")
    write_cbz(root / "@eaDir" / "thumb.cbz")


async def test_three_series_folders_give_three_series_and_their_books(
    library: ScannedLibrary,
) -> None:
    """Checklist: three series folders with .cbz .cbr .cb7 .epub .pdf; root files ignored."""
    build_three_series(library.root)

    result = await library.scan()

    series = await library.series()
    books = await library.books()
    assert sorted(series) == ["Akira", "Dune", "Saga"]
    assert {
        path: (book.format, series_path(book.series_id, series)) for path, book in books.items()
    } == {
        "Saga/Saga 01.cbz": ("cbz", "Saga"),
        "Saga/Saga 02.cbr": ("cbr", "Saga"),
        "Saga/extras/Saga 03.CB7": ("cb7", "Saga"),
        "Dune/Dune.epub": ("epub", "Dune"),
        "Dune/Dune Messiah.pdf": ("pdf", "Dune"),
        "Akira/Akira v1.cbz": ("cbz", "Akira"),
    }
    assert books["Saga/extras/Saga 03.CB7"].file_name == "Saga 03.CB7"
    assert books["Saga/Saga 01.cbz"].page_count == 2
    # CBR and CB7 carry no metadata or page count in this version.
    assert books["Saga/Saga 02.cbr"].page_count is None
    data = result.to_json()
    assert set(data) == RESULT_KEYS
    assert {k: v for k, v in data.items() if k != "durationS"} == {
        "seriesAdded": 3,
        "seriesDeleted": 0,
        "booksAdded": 6,
        "booksUpdated": 0,
        "booksUnchanged": 0,
        "booksDeleted": 0,
        "booksRestored": 0,
        "ignoredFiles": 2,
        "errors": 0,
        "errorSamples": [],
    }
    assert isinstance(data["durationS"], float)


def series_path(series_id: object, series: dict[str, object]) -> str:
    return next(path for path, row in series.items() if row.id == series_id)


async def test_books_sort_naturally_so_vol_2_is_the_first_book_before_vol_10(
    library: ScannedLibrary,
) -> None:
    """§8.1: natural sort by relative path; the first book gives the series its ComicInfo title."""
    write_cbz(library.root / "Ghost" / "Vol 10.cbz", comicinfo=comicinfo_xml(Series="From Ten"))
    write_cbz(library.root / "Ghost" / "Vol 2.cbz", comicinfo=comicinfo_xml(Series="From Two"))

    await library.scan()

    assert (await library.series_metadata("Ghost")).title == "From Two"


def test_natural_sort_compares_digit_runs_as_numbers() -> None:
    paths = ["S/Vol 10.cbz", "S/vol 1.cbz", "S/Vol 2.cbz", "S/Vol 2a.cbz"]
    assert sorted(paths, key=natural_sort_key) == [
        "S/vol 1.cbz",
        "S/Vol 2.cbz",
        "S/Vol 2a.cbz",
        "S/Vol 10.cbz",
    ]


async def test_a_new_series_folder_without_metadata_gets_the_folder_name_and_no_locks(
    library: ScannedLibrary,
) -> None:
    """Metadata checklist: title = folder name, title_sort NULL, 17 + 27 locks false."""
    write_blob(library.root / "Plain Folder" / "Issue 1.cbr")

    await library.scan()

    series_row = await library.series_metadata("Plain Folder")
    assert (series_row.title, series_row.title_sort) == ("Plain Folder", None)
    assert series_row.search_title == "plain folder"
    assert lock_values(series_row) == [False] * 17
    book_row = await library.book_metadata("Plain Folder/Issue 1.cbr")
    assert (book_row.title, book_row.search_title) == (None, "")
    assert lock_values(book_row) == [False] * 27
    # The folder-name fallback comes from no file, so nothing is audited for it.
    assert await library.audit_count() == 0
    assert (await library.series())["Plain Folder"].name == "Plain Folder"


def lock_values(row: SeriesMetadata | BookMetadata) -> list[bool]:
    columns = [column.key for column in row.__table__.columns if column.key.endswith("_lock")]
    return [getattr(row, column) for column in columns]


async def test_scan_reports_discovery_then_per_file_progress_with_scan_counts(
    library: ScannedLibrary,
) -> None:
    """§8.3 rule 1 and §3.10: the two phase messages and the flat scan counts."""
    write_cbz(library.root / "Saga" / "Saga 01.cbz")
    write_cbz(library.root / "Saga" / "Saga 02.cbz")
    reports: list[tuple[int, int, str, dict[str, int] | None]] = []

    async def progress(
        current: int, total: int, message: str, counts: dict[str, int] | None
    ) -> None:
        reports.append((current, total, message, counts))

    await library.scan(progress=progress)

    assert reports[0][2] == "Discovering files in Comics"
    scanning = [r for r in reports if r[2].startswith("Scanning")]
    assert [(r[0], r[1], r[2]) for r in scanning[:2]] == [
        (1, 2, "Scanning Comics: 1/2 files"),
        (2, 2, "Scanning Comics: 2/2 files"),
    ]
    assert reports[-1][3] == {"added": 2, "updated": 0, "unchanged": 0, "deleted": 0, "errors": 0}


async def test_symlinked_folders_are_followed_only_when_configured(
    make_library: LibraryFactory, tmp_path: Path
) -> None:
    """§8.1: symlinks are followed only with scanner.followSymlinks."""
    outside = tmp_path / "elsewhere"
    write_cbz(outside / "Linked 1.cbz")
    plain_root, following_root = tmp_path / "plain", tmp_path / "following"
    for root in (plain_root, following_root):
        write_cbz(root / "Real" / "Real 1.cbz")
        (root / "Linked").symlink_to(outside, target_is_directory=True)
    plain = await make_library(plain_root, name="Plain")
    following = await make_library(following_root, name="Following", follow_symlinks=True)

    await plain.scan()
    await following.scan()

    assert sorted(await plain.books()) == ["Real/Real 1.cbz"]
    assert sorted(await following.books()) == ["Linked/Linked 1.cbz", "Real/Real 1.cbz"]


async def test_custom_ignore_patterns_skip_matching_folders_and_files(
    make_library: LibraryFactory, library_root: Path
) -> None:
    write_cbz(library_root / "Keep" / "Keep 1.cbz")
    write_cbz(library_root / "Keep" / "Keep 1 (sample).cbz")
    write_cbz(library_root / "Trash" / "Trash 1.cbz")
    library = await make_library(library_root, ignore=["Trash", "*(sample)*"])

    await library.scan()

    assert sorted(await library.books()) == ["Keep/Keep 1.cbz"]
