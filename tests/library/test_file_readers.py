"""Readers of ComicInfo, OPF and series.json, and their safety limits (platform §8.2)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from colophon.library.scanner.book_files import read_book_file
from colophon.library.scanner.comicinfo import read_cbz
from colophon.library.scanner.epub import read_epub
from colophon.library.scanner.isbn import valid_isbn
from colophon.library.scanner.markup import strip_tags
from colophon.library.scanner.mylar import parse_mylar_metadata
from colophon.library.scanner.walker import walk_library
from tests.library.builders import comicinfo_xml, write_blob, write_cbz, write_epub
from tests.library.conftest import ScannedLibrary

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<ComicInfo><Title>&lol2;</Title></ComicInfo>"
)


def test_a_comicinfo_over_one_mib_is_not_read(tmp_path: Path) -> None:
    """§8.2 rule 2: at most 1 MiB is read per archive entry."""
    huge = comicinfo_xml(Title="Big", Summary="x" * (1024 * 1024))
    reading = read_cbz(write_cbz(tmp_path / "big.cbz", pages=3, comicinfo=huge))

    assert reading.analysis_error == "ComicInfo.xml is larger than 1 MiB"
    assert (reading.page_count, reading.values.title) == (3, None)


def test_xml_entity_expansion_is_refused(tmp_path: Path) -> None:
    """§8.2 rule 2: XML goes through defusedxml."""
    reading = read_cbz(write_cbz(tmp_path / "bomb.cbz", comicinfo=BILLION_LAUGHS))

    assert (reading.analysis_error or "").startswith("invalid ComicInfo.xml")
    assert reading.values.title is None


def test_pages_are_image_entries_only(tmp_path: Path) -> None:
    path = write_cbz(
        tmp_path / "mixed.cbz",
        pages=2,
        extra_entries={"cover.JPG": b"x", "b.webp": b"x", "c.avif": b"x", "notes.txt": b"x"},
    )

    assert read_cbz(path).page_count == 5


def test_comicinfo_unknowns_and_bad_values_are_dropped(tmp_path: Path) -> None:
    info = comicinfo_xml(
        Year="-1", Month="13", Volume="-1", LanguageISO="english!", Manga="Yes", GTIN="1234567890"
    )
    reading = read_cbz(write_cbz(tmp_path / "a.cbz", comicinfo=info))

    values, series = reading.values, reading.series
    assert (values.year, values.month, values.volume, values.language) == (None, None, None, None)
    assert values.isbns == ()
    assert series.reading_direction is None


def test_web_links_keep_one_url_per_host(tmp_path: Path) -> None:
    info = comicinfo_xml(Web="https://www.example.com/a http://example.com/b ftp://files.org/c")
    reading = read_cbz(write_cbz(tmp_path / "a.cbz", comicinfo=info))

    assert [(link.source, link.value) for link in reading.values.links] == [
        ("example.com", "https://www.example.com/a")
    ]


def test_an_epub_without_container_is_an_analysis_error(tmp_path: Path) -> None:
    path = write_cbz(tmp_path / "not-really.epub", pages=1)

    assert read_epub(path).analysis_error == "META-INF/container.xml is missing"


def test_an_epub_whose_package_is_missing_is_an_analysis_error(tmp_path: Path) -> None:
    path = write_epub(tmp_path / "a.epub", "<package/>")
    with_missing = tmp_path / "b.epub"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(with_missing, "w") as target:
        for name in source.namelist():
            if not name.endswith(".opf"):
                target.writestr(name, source.read(name))

    assert read_epub(with_missing).analysis_error == "package document OEBPS/content.opf is missing"


def test_cbr_and_cb7_are_not_opened(tmp_path: Path) -> None:
    """§8.2 rule 3: no metadata or page count for CBR and CB7 in this version."""
    reading = read_book_file(write_blob(tmp_path / "a.cbr", b"not a rar"), "cbr")

    assert (reading.page_count, reading.analysis_error, reading.values.title) == (None, None, None)


def test_isbns_need_a_valid_checksum() -> None:
    assert valid_isbn("0-306-40615-2") == "0306406152"
    assert valid_isbn("0-8044-2957-X") == "080442957X"
    assert valid_isbn("ISBN:978-0-306-40615-7") == "9780306406157"
    assert valid_isbn("978-0-306-40615-8") is None
    assert valid_isbn("4006381333931") is None  # an EAN-13 that is no book number


def test_strip_tags_keeps_paragraphs_apart_and_decodes_entities() -> None:
    assert strip_tags("<p>One &amp; <b>two</b></p><p>Three</p>") == "One & two\nThree"
    assert strip_tags("<br/>") is None


def test_mylar_statuses_age_ratings_and_descriptions() -> None:
    values = parse_mylar_metadata(
        {
            "name": " Saga ",
            "status": "Ended",
            "age_rating": "Adult",
            "year": "2012",
            "description_text": "Plain text wins",
            "description_formatted": "<p>ignored</p>",
            "comicid": "4050",
        }
    )

    assert (values.title, values.status, values.age_rating, values.year) == (
        "Saga",
        "ended",
        18,
        2012,
    )
    assert values.summary == "Plain text wins"
    assert [(e.source, e.value, e.url) for e in values.external_ids] == [
        ("mylar", "4050", "https://comicvine.gamespot.com/volume/4050-4050/")
    ]


async def test_an_unreadable_series_json_counts_an_error_and_the_folder_names_the_series(
    library: ScannedLibrary,
) -> None:
    (library.root / "Saga").mkdir()
    (library.root / "Saga" / "series.json").write_text("{not json")
    write_cbz(library.root / "Saga" / "Saga 1.cbz")

    result = await library.scan()

    assert [s.path for s in result.tally.error_samples] == ["Saga/series.json"]
    assert (await library.series_metadata("Saga")).title == "Saga"


async def test_series_json_without_metadata_object_is_an_error(library: ScannedLibrary) -> None:
    (library.root / "Saga").mkdir()
    (library.root / "Saga" / "series.json").write_text(json.dumps({"version": "1"}))
    write_cbz(library.root / "Saga" / "Saga 1.cbz")

    result = await library.scan()

    assert result.tally.error_samples[0].error == "invalid series.json: no metadata object"


def test_the_walk_counts_root_files_and_finds_series_json_only_at_the_series_root(
    tmp_path: Path,
) -> None:
    write_cbz(tmp_path / "S" / "deep" / "er" / "1.cbz")
    write_blob(tmp_path / "S" / "deep" / "series.json")
    write_blob(tmp_path / "root.pdf")

    walk = walk_library(tmp_path, ignore=[], follow_symlinks=False)

    assert [(f.path, [b.path for b in f.books], f.series_file) for f in walk.series] == [
        ("S", ["S/deep/er/1.cbz"], None)
    ]
    assert walk.ignored_files == 1
