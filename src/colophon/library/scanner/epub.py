"""EPUB books: the OPF package document named by META-INF/container.xml (platform §8.2 rule 4)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element

from colophon.library.scanner.archive import ARCHIVE_ERRORS, EntryTooLarge, read_capped_entry
from colophon.library.scanner.file_values import BookReading, BookValues, SourcedUrl
from colophon.library.scanner.isbn import valid_isbns
from colophon.library.scanner.markup import strip_tags
from colophon.library.scanner.xml_fields import (
    InvalidXml,
    element_text,
    language_tag,
    leading_year,
    local_name,
    parse_xml,
    real_number,
)
from colophon.metadata.list_rules import (
    MAX_AUTHOR_NAME_CHARS,
    MAX_EXTERNAL_ID_CHARS,
    parse_name_list,
)
from colophon.metadata.text import name_key
from colophon.metadata.values import Author

CONTAINER_PATH = "META-INF/container.xml"
PACKAGE_MEDIA_TYPE = "application/oebps-package+xml"
EPUB_ID_SOURCE = "epub"
MARC_ROLES = {"aut": "author", "edt": "editor", "trl": "translator", "ill": "illustrator"}
DEFAULT_ROLES = {"creator": "author", "contributor": "contributor"}
ISBN_PREFIXES = ("urn:isbn:", "isbn:")


class PackageNotFound(Exception):
    """container.xml is missing or names no readable package document."""


def read_epub(path: Path) -> BookReading:
    """OPF values of an EPUB; an unreadable archive or package gives ``analysis_error``."""
    try:
        with zipfile.ZipFile(path) as archive:
            package = _read_package(archive)
    except ARCHIVE_ERRORS as exc:
        return BookReading(analysis_error=f"unreadable archive: {exc}")
    except (PackageNotFound, EntryTooLarge, InvalidXml) as exc:
        return BookReading(analysis_error=str(exc))
    return BookReading(values=parse_opf(package))


def _read_package(archive: zipfile.ZipFile) -> Element:
    try:
        container = parse_xml(read_capped_entry(archive, CONTAINER_PATH), what=CONTAINER_PATH)
    except KeyError as exc:
        raise PackageNotFound(f"{CONTAINER_PATH} is missing") from exc
    opf_path = _package_path(container)
    try:
        return parse_xml(read_capped_entry(archive, opf_path), what=opf_path)
    except KeyError as exc:
        raise PackageNotFound(f"package document {opf_path} is missing") from exc


def _package_path(container: Element) -> str:
    rootfiles = [el for el in container.iter() if local_name(el.tag) == "rootfile"]
    preferred = [el for el in rootfiles if el.get("media-type") == PACKAGE_MEDIA_TYPE]
    for rootfile in preferred or rootfiles:
        full_path = rootfile.get("full-path")
        if full_path:
            return full_path
    raise PackageNotFound(f"{CONTAINER_PATH} names no package document")


class _OpfMetadata:
    """The package's metadata elements grouped by local name, plus EPUB 3 refinements."""

    def __init__(self, package: Element) -> None:
        self.package = package
        self.elements: dict[str, list[Element]] = {}
        self.refinements: dict[str, dict[str, str]] = {}
        for element in package.iter():
            self.elements.setdefault(local_name(element.tag), []).append(element)
        for meta in self.elements.get("meta", []):
            target, prop = meta.get("refines", ""), meta.get("property")
            if target.startswith("#") and prop and meta.text:
                self.refinements.setdefault(target[1:], {}).setdefault(prop, meta.text.strip())

    def first_text(self, name: str) -> str | None:
        for element in self.elements.get(name, []):
            text = element_text(element)
            if text is not None:
                return text
        return None

    def texts(self, name: str) -> list[str]:
        return [text for el in self.elements.get(name, []) if (text := element_text(el))]

    def meta_content(self, name: str) -> str | None:
        """EPUB 2 `<meta name=… content=…>`."""
        for meta in self.elements.get("meta", []):
            if meta.get("name") == name:
                return meta.get("content")
        return None

    def meta_property(self, prop: str) -> str | None:
        """EPUB 3 `<meta property=…>text</meta>`."""
        for meta in self.elements.get("meta", []):
            if meta.get("property") == prop and meta.text:
                return meta.text
        return None


def parse_opf(package: Element) -> BookValues:
    """Book values from an OPF package element (platform §8.2 rule 4)."""
    opf = _OpfMetadata(package)
    description = opf.first_text("description")
    return BookValues(
        title=opf.first_text("title"),
        authors=_authors(opf),
        summary=strip_tags(description) if description else None,
        publisher=opf.first_text("publisher"),
        language=language_tag(opf.first_text("language")),
        year=leading_year(opf.first_text("date")),
        isbns=valid_isbns(_isbn_candidates(opf)),
        subjects=parse_name_list(opf.texts("subject")) or (),
        series_position=real_number(
            opf.meta_content("calibre:series_index") or opf.meta_property("group-position")
        ),
        external_ids=_unique_identifier(opf),
    )


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by local name, so `opf:role` and `role` both match."""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None


def _authors(opf: _OpfMetadata) -> tuple[Author, ...]:
    authors: dict[tuple[str, str], Author] = {}
    creators = [el for kind in ("creator", "contributor") for el in opf.elements.get(kind, [])]
    # Document order keeps the primary author first.
    positions = {id(el): index for index, el in enumerate(opf.package.iter())}
    for element in sorted(creators, key=lambda el: positions[id(el)]):
        name = element_text(element)
        if name is None or len(name) > MAX_AUTHOR_NAME_CHARS:
            continue
        role = _role(opf, element)
        authors.setdefault((name_key(name), role), Author(name, role))
    return tuple(authors.values())


def _role(opf: _OpfMetadata, element: Element) -> str:
    refined = opf.refinements.get(element.get("id") or "", {}).get("role")
    code = _attribute(element, "role") or refined
    if code is None:
        return DEFAULT_ROLES[local_name(element.tag)]
    return MARC_ROLES.get(code.strip().lower(), "contributor")


def _isbn_candidates(opf: _OpfMetadata) -> list[str]:
    candidates = []
    for element in opf.elements.get("identifier", []):
        value = element_text(element)
        if value is None:
            continue
        scheme = (_attribute(element, "scheme") or "").casefold()
        if scheme == "isbn" or value.casefold().startswith(ISBN_PREFIXES):
            candidates.append(value)
    return candidates


def _unique_identifier(opf: _OpfMetadata) -> tuple[SourcedUrl, ...]:
    wanted = opf.package.get("unique-identifier")
    for element in opf.elements.get("identifier", []):
        value = element_text(element)
        is_unique = wanted is not None and element.get("id") == wanted
        if is_unique and value is not None and len(value) <= MAX_EXTERNAL_ID_CHARS:
            return (SourcedUrl(EPUB_ID_SOURCE, value),)
    return ()
