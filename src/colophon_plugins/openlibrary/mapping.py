"""Open Library editions, works and authors → protocol payloads (plugins.md §11.4)."""

from __future__ import annotations

import re
from typing import Any

from colophon_sdk import (
    Author,
    BookCover,
    BookMetadata,
    ExternalId,
    ExternalLink,
    Preview,
    SearchResult,
)

LANGUAGES = {
    "eng": "en",
    "fre": "fr",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "jpn": "ja",
    "kor": "ko",
    "chi": "zh",
    "rus": "ru",
}
MAX_SUBJECTS = 25
COVER_SIZES = (("S", "small"), ("M", "medium"), ("L", "large"))
_YEAR = re.compile(r"\b(\d{4})\b")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def olid(key: str | None) -> str | None:
    """``/books/OL1M`` → ``OL1M``."""
    return key.rstrip("/").rsplit("/", 1)[-1] if isinstance(key, str) and key else None


def year_of(date: Any) -> int | None:
    found = _YEAR.search(date) if isinstance(date, str) else None
    return int(found.group(1)) if found else None


def cover_url(covers_base: str, cover_id: Any, size: str) -> str | None:
    if not isinstance(cover_id, int) or cover_id <= 0:
        return None
    return f"{covers_base}/b/id/{cover_id}-{size}.jpg"


def _digits(values: Any) -> list[str]:
    return [re.sub(r"[^0-9X]", "", v.upper()) for v in values or [] if isinstance(v, str)]


def isbns_of(edition: dict[str, Any]) -> list[str]:
    """ISBN-13 then ISBN-10, digits only, deduplicated."""
    seen: list[str] = []
    for isbn in _digits(edition.get("isbn_13")) + _digits(edition.get("isbn_10")):
        if isbn and isbn not in seen:
            seen.append(isbn)
    return seen


def edition_result(edition: dict[str, Any], covers_base: str) -> SearchResult:
    covers = edition.get("covers") or []
    return SearchResult(
        external_id=olid(edition.get("key")) or "",
        title=edition.get("title") or "",
        year=year_of(edition.get("publish_date")),
        cover_url=cover_url(covers_base, covers[0] if covers else None, "M"),
        relevance_score=1.0,
    )


def search_doc_result(doc: dict[str, Any], covers_base: str) -> SearchResult:
    authors = [a for a in doc.get("author_name") or [] if isinstance(a, str)]
    return SearchResult(
        external_id=olid(doc.get("key")) or "",
        title=doc.get("title") or "",
        year=doc.get("first_publish_year"),
        cover_url=cover_url(covers_base, doc.get("cover_i"), "M"),
        preview=Preview(authors=authors or None, book_count=doc.get("edition_count")),
    )


def _description(work: dict[str, Any]) -> str | None:
    value = work.get("description")
    if isinstance(value, dict):
        value = value.get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _language(edition: dict[str, Any]) -> str | None:
    for entry in edition.get("languages") or []:
        code = olid(entry.get("key")) if isinstance(entry, dict) else None
        if code in LANGUAGES:
            return LANGUAGES[code]
    return None


def _covers(edition: dict[str, Any], covers_base: str) -> list[BookCover]:
    covers = edition.get("covers") or []
    if not covers:
        return []
    return [
        BookCover(url=url, size=size)  # type: ignore[arg-type]
        for letter, size in COVER_SIZES
        if (url := cover_url(covers_base, covers[0], letter))
    ]


def _cross_ids(edition: dict[str, Any], work_id: str | None) -> list[ExternalId]:
    ids = [ExternalId(source="api:openlibrary", external_id=work_id)] if work_id else []
    identifiers = edition.get("identifiers") or {}
    for key, source in (("goodreads", "api:goodreads"), ("librarything", "api:librarything")):
        values = identifiers.get(key) or []
        if values:
            ids.append(ExternalId(source=source, external_id=str(values[0])))
    return ids


def book_metadata(
    *,
    external_id: str,
    edition: dict[str, Any],
    work: dict[str, Any],
    authors: list[str],
    covers_base: str,
) -> BookMetadata:
    """The ``metadata/book/get`` payload from an edition (may be empty), its work and authors."""
    work_id = olid(work.get("key"))
    kind = "works" if external_id.endswith("W") else "books"
    isbns = isbns_of(edition)
    publish_date = edition.get("publish_date")
    covers = _covers(edition, covers_base)
    return BookMetadata(
        external_id=external_id,
        external_url=f"https://openlibrary.org/{kind}/{external_id}",
        title=edition.get("title") or work.get("title"),
        subtitle=edition.get("subtitle") or work.get("subtitle"),
        summary=_description(work),
        publisher=next(iter(edition.get("publishers") or []), None),
        year=year_of(publish_date) or year_of(work.get("first_publish_date")),
        release_date=publish_date
        if isinstance(publish_date, str) and _FULL_DATE.match(publish_date)
        else None,
        page_count=edition.get("number_of_pages"),
        isbn=isbns[0] if isbns else None,
        isbns=isbns,
        language=_language(edition),
        subjects=[s for s in work.get("subjects") or [] if isinstance(s, str)][:MAX_SUBJECTS],
        authors=[Author(name=name, role="author") for name in authors],
        edition=edition.get("edition_name"),
        covers=covers,
        cover_url=covers[-1].url if covers else None,
        external_links=[
            ExternalLink(
                url=f"https://openlibrary.org/{kind}/{external_id}",
                label="Open Library",
                link_type="provider",
            )
        ],
        external_ids=_cross_ids(edition, work_id),
    )
