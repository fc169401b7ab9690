"""CBZ books: page count and ComicInfo.xml (platform §8.2 rule 3 and its table)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from colophon.library.scanner.archive import (
    ARCHIVE_ERRORS,
    EntryTooLarge,
    find_root_entry,
    read_capped_entry,
)
from colophon.library.scanner.file_values import BookReading, BookValues, SeriesValues, SourcedUrl
from colophon.library.scanner.isbn import valid_isbns
from colophon.library.scanner.xml_fields import (
    InvalidXml,
    language_tag,
    local_name,
    parse_xml,
    text_value,
    whole_number,
)
from colophon.metadata.field_rules import find_http_url
from colophon.metadata.list_rules import MAX_AUTHOR_NAME_CHARS, parse_name_list
from colophon.metadata.text import name_key, normalise_summary
from colophon.metadata.values import Author

COMICINFO_NAME = "ComicInfo.xml"
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "gif", "avif"})
AUTHOR_ELEMENTS = (
    ("Writer", "writer"),
    ("Penciller", "penciller"),
    ("Inker", "inker"),
    ("Colorist", "colorist"),
    ("Letterer", "letterer"),
    ("CoverArtist", "cover_artist"),
    ("Editor", "editor"),
    ("Translator", "translator"),
)
AGE_RATINGS = {
    name_key(label): age
    for labels, age in (
        (("Everyone", "G", "Early Childhood", "Kids to Adults"), 0),
        (("Everyone 10+",), 10),
        (("Teen", "PG"), 13),
        (("MA15+",), 15),
        (("Mature 17+", "M"), 17),
        (("Adults Only 18+", "R18+", "X18+"), 18),
    )
    for label in labels
}
RIGHT_TO_LEFT_MANGA = "yesandrighttoleft"


def read_cbz(path: Path) -> BookReading:
    """Page count and ComicInfo values; an unreadable archive gives ``analysis_error`` instead."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _read_comicinfo(archive, count_pages(archive))
    except ARCHIVE_ERRORS as exc:
        return BookReading(analysis_error=f"unreadable archive: {exc}")


def _read_comicinfo(archive: zipfile.ZipFile, page_count: int) -> BookReading:
    entry = find_root_entry(archive, COMICINFO_NAME)
    if entry is None:
        return BookReading(page_count=page_count)
    try:
        root = parse_xml(read_capped_entry(archive, entry), what=COMICINFO_NAME)
    except (EntryTooLarge, InvalidXml) as exc:
        return BookReading(page_count=page_count, analysis_error=str(exc))
    book, series = parse_comicinfo(root)
    return BookReading(book, series, page_count)


def count_pages(archive: zipfile.ZipFile) -> int:
    """Image entries anywhere in the archive (`jpg jpeg png webp gif avif`)."""
    return sum(
        1
        for info in archive.infolist()
        if not info.is_dir() and info.filename.rpartition(".")[2].lower() in IMAGE_EXTENSIONS
    )


def parse_comicinfo(root: Element) -> tuple[BookValues, SeriesValues]:
    """Book values and the series values a first book contributes (platform §8.2 table)."""
    fields: dict[str, str | None] = {}
    for child in root:
        fields.setdefault(local_name(child.tag), child.text)
    year = whole_number(fields.get("Year"), low=1, high=9999)
    publisher = text_value(fields.get("Publisher"))
    genres = _names(fields.get("Genre"))
    language = language_tag(fields.get("LanguageISO"))
    book = BookValues(
        title=text_value(fields.get("Title")),
        number=text_value(fields.get("Number")),
        volume=whole_number(fields.get("Volume"), low=0, high=1_000_000),
        summary=_summary(fields.get("Summary")),
        year=year,
        month=whole_number(fields.get("Month"), low=1, high=12),
        day=whole_number(fields.get("Day"), low=1, high=31),
        authors=_authors(fields),
        publisher=publisher,
        imprint=text_value(fields.get("Imprint")),
        genres=genres,
        tags=_names(fields.get("Tags")),
        language=language,
        isbns=valid_isbns((fields.get("GTIN") or "").replace(",", " ").split()),
        links=_web_links(fields.get("Web")),
    )
    series = SeriesValues(
        title=text_value(fields.get("Series")),
        year=year,
        publisher=publisher,
        genres=genres,
        language=language,
        reading_direction=_reading_direction(fields.get("Manga")),
        age_rating=AGE_RATINGS.get(name_key(fields.get("AgeRating") or "")),
    )
    return book, series


def _summary(raw: str | None) -> str | None:
    if raw is None:
        return None
    return normalise_summary(raw) or None


def _names(raw: str | None) -> tuple[str, ...]:
    """Comma-split, NT, de-duplicated by NK (metadata N8)."""
    if raw is None:
        return ()
    return parse_name_list(raw.split(",")) or ()


def _authors(fields: dict[str, str | None]) -> tuple[Author, ...]:
    authors: dict[tuple[str, str], Author] = {}
    for element, role in AUTHOR_ELEMENTS:
        for part in (fields.get(element) or "").split(","):
            name = text_value(part)
            if name is not None and len(name) <= MAX_AUTHOR_NAME_CHARS:
                authors.setdefault((name_key(name), role), Author(name, role))
    return tuple(authors.values())


def _reading_direction(manga: str | None) -> str | None:
    return "rtl" if name_key(manga or "") == RIGHT_TO_LEFT_MANGA else None


def _web_links(raw: str | None) -> tuple[SourcedUrl, ...]:
    """One link per host (`www.` dropped); the first URL of a host wins."""
    links: dict[str, SourcedUrl] = {}
    for candidate in (raw or "").split():
        source = link_source(candidate)
        if source is not None:
            links.setdefault(source, SourcedUrl(source, candidate))
    return tuple(links.values())


def link_source(url: str) -> str | None:
    """The host name of an absolute http(s) URL without `www.`, lowercase; None otherwise."""
    if find_http_url(url) is None:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host or None
