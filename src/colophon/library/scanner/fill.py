"""Fill-empty writes of file values into metadata rows, with their audit rows (platform §8.2).

A file value goes into a field only when the field is empty and unlocked, so provider and user
values are never overwritten. Each function returns the audit entries of what it wrote; the
caller appends them with source ``scanner`` (metadata §6.1). Nothing here commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.library.scanner.file_values import BookValues, SeriesValues, SourcedUrl
from colophon.metadata.audit import AuditEntry
from colophon.metadata.models import (
    BookExternalId,
    BookExternalLink,
    BookGenre,
    BookMetadata,
    BookTag,
    Genre,
    SeriesExternalId,
    SeriesGenre,
    SeriesMetadata,
    Tag,
)
from colophon.metadata.text import compute_search_title, name_key
from colophon.metadata.writes import find_or_create_names

BOOK_SCALARS = (
    "title", "summary", "number", "volume", "series_position", "publisher", "imprint",
    "year", "month", "day", "language",
)  # fmt: skip
SERIES_SCALARS = (
    "summary", "status", "year", "age_rating", "language", "reading_direction", "publisher",
    "imprint",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TaxonomyLinks:
    """How one entity links to one taxonomy: link table, its two columns and the field key."""

    key: str
    link_model: type[SeriesGenre] | type[BookGenre] | type[BookTag]
    owner_column: str
    taxonomy: type[Genre] | type[Tag]
    taxonomy_column: str


SERIES_GENRES = TaxonomyLinks("genres", SeriesGenre, "series_id", Genre, "genre_id")
BOOK_GENRES = TaxonomyLinks("genres", BookGenre, "book_id", Genre, "genre_id")
BOOK_TAGS = TaxonomyLinks("tags", BookTag, "book_id", Tag, "tag_id")


def field_key(column: str) -> str:
    """The camelCase field key of a column (`series_position` → `seriesPosition`)."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def fill_scalars(row: object, values: object, columns: Sequence[str]) -> list[AuditEntry]:
    """Copy each non-None value into its column when that is empty and unlocked."""
    changes = []
    for column in columns:
        proposed = getattr(values, column)
        current = getattr(row, column)
        if proposed is None or current not in (None, "") or getattr(row, f"{column}_lock"):
            continue
        setattr(row, column, proposed)
        changes.append(AuditEntry(field_key(column), current, proposed))
    return changes


def fill_list(row: object, column: str, proposed: list[Any]) -> list[AuditEntry]:
    """Set a JSON list column (authors, isbns, subjects) when it is empty and unlocked."""
    if not proposed or getattr(row, column) or getattr(row, f"{column}_lock"):
        return []
    setattr(row, column, proposed)
    return [AuditEntry(field_key(column), [], proposed)]


async def fill_taxonomy(
    session: AsyncSession, links: TaxonomyLinks, owner_id: uuid.UUID, names: Sequence[str]
) -> list[AuditEntry]:
    """Link ``names`` to an entity with no link of this taxonomy yet; the caller checks the lock."""
    if not names:
        return []
    owner = getattr(links.link_model, links.owner_column)
    existing = await session.scalar(
        select(func.count()).select_from(links.link_model).where(owner == owner_id)
    )
    if existing:
        return []
    for taxonomy_id in await find_or_create_names(session, links.taxonomy, names):
        session.add(
            links.link_model(**{links.owner_column: owner_id, links.taxonomy_column: taxonomy_id})
        )
    return [AuditEntry(links.key, [], sorted(names, key=name_key))]


async def fill_external_ids(
    session: AsyncSession,
    model: type[BookExternalId] | type[SeriesExternalId],
    owner_column: str,
    owner_id: uuid.UUID,
    ids: Sequence[SourcedUrl],
) -> list[AuditEntry]:
    """Add ids whose source the entity does not have yet; ids have no lock (metadata §1.3)."""
    fresh = await _sources_missing(session, model, owner_column, owner_id, ids)
    for entry in fresh:
        session.add(
            model(
                **{owner_column: owner_id},
                source=entry.source,
                external_id=entry.value,
                external_url=entry.url,
            )
        )
    after = [{"source": e.source, "externalId": e.value} for e in fresh]
    return [AuditEntry("externalIds", [], after)] if fresh else []


async def fill_book_links(
    session: AsyncSession, book_id: uuid.UUID, links: Sequence[SourcedUrl]
) -> list[AuditEntry]:
    """Add ComicInfo `Web` links whose source (host) the book has no link for yet."""
    fresh = await _sources_missing(session, BookExternalLink, "book_id", book_id, links)
    for link in fresh:
        session.add(BookExternalLink(book_id=book_id, source=link.source, url=link.value))
    after = [{"source": link.source, "url": link.value} for link in fresh]
    return [AuditEntry("externalLinks", [], after)] if fresh else []


async def _sources_missing(
    session: AsyncSession,
    model: type[BookExternalId] | type[SeriesExternalId] | type[BookExternalLink],
    owner_column: str,
    owner_id: uuid.UUID,
    entries: Sequence[SourcedUrl],
) -> list[SourcedUrl]:
    if not entries:
        return []
    stored = await session.scalars(
        select(model.source).where(getattr(model, owner_column) == owner_id)
    )
    known = set(stored)
    return sorted((e for e in entries if e.source not in known), key=lambda e: e.source)


async def fill_book_metadata(
    session: AsyncSession, row: BookMetadata, values: BookValues
) -> list[AuditEntry]:
    """Fill a book's empty, unlocked fields from its file; the caller records the changes."""
    changes = fill_scalars(row, values, BOOK_SCALARS)
    if any(change.field == "title" for change in changes):
        row.search_title = compute_search_title(row.title)
    changes += fill_list(row, "authors", [author.to_json() for author in values.authors])
    changes += fill_list(row, "isbns", list(values.isbns))
    changes += fill_list(row, "subjects", list(values.subjects))
    if not row.genres_lock:
        changes += await fill_taxonomy(session, BOOK_GENRES, row.book_id, values.genres)
    if not row.tags_lock:
        changes += await fill_taxonomy(session, BOOK_TAGS, row.book_id, values.tags)
    changes += await fill_external_ids(
        session, BookExternalId, "book_id", row.book_id, values.external_ids
    )
    changes += await fill_book_links(session, row.book_id, values.links)
    return changes


async def fill_series_metadata(
    session: AsyncSession, row: SeriesMetadata, values: SeriesValues
) -> list[AuditEntry]:
    """Fill a series' empty, unlocked fields; its title is chosen at creation, never here."""
    changes = fill_scalars(row, values, SERIES_SCALARS)
    if not row.genres_lock:
        changes += await fill_taxonomy(session, SERIES_GENRES, row.series_id, values.genres)
    changes += await fill_external_ids(
        session, SeriesExternalId, "series_id", row.series_id, values.external_ids
    )
    return changes
