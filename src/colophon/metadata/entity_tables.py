"""Which tables hold a series' or a book's metadata, so one applier serves both entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import InstrumentedAttribute

from colophon.library.models import Book, Series
from colophon.metadata.catalog import BOOK_CATALOG, SERIES_CATALOG, Catalog, Entity
from colophon.metadata.models import (
    BookCover,
    BookExternalId,
    BookGenre,
    BookMetadata,
    BookTag,
    SeriesAlternateTitle,
    SeriesCover,
    SeriesExternalId,
    SeriesExternalLink,
    SeriesExternalRating,
    SeriesGenre,
    SeriesMetadata,
    SeriesTag,
)


@dataclass(frozen=True, slots=True)
class EntityTables:
    """The ORM classes of one entity; tables a book lacks (ratings, links, titles) are None."""

    entity: Entity
    catalog: Catalog
    owner: type[Series] | type[Book]
    metadata: type[SeriesMetadata] | type[BookMetadata]
    key: str  # the foreign-key column every related table uses: series_id or book_id
    external_ids: type[SeriesExternalId] | type[BookExternalId]
    genre_links: type[SeriesGenre] | type[BookGenre]
    tag_links: type[SeriesTag] | type[BookTag]
    covers: type[SeriesCover] | type[BookCover]
    alternate_titles: type[SeriesAlternateTitle] | None
    ratings: type[SeriesExternalRating] | None
    links: type[SeriesExternalLink] | None

    @property
    def cover_dir(self) -> str:
        """The folder name under `covers/` (metadata §1.7)."""
        return "series" if self.entity is Entity.SERIES else "books"

    def key_of(self, model: type[Any]) -> InstrumentedAttribute[Any]:
        """The `series_id` / `book_id` column of one of this entity's tables."""
        column: InstrumentedAttribute[Any] = getattr(model, self.key)
        return column


SERIES_TABLES = EntityTables(
    entity=Entity.SERIES,
    catalog=SERIES_CATALOG,
    owner=Series,
    metadata=SeriesMetadata,
    key="series_id",
    external_ids=SeriesExternalId,
    genre_links=SeriesGenre,
    tag_links=SeriesTag,
    covers=SeriesCover,
    alternate_titles=SeriesAlternateTitle,
    ratings=SeriesExternalRating,
    links=SeriesExternalLink,
)

BOOK_TABLES = EntityTables(
    entity=Entity.BOOK,
    catalog=BOOK_CATALOG,
    owner=Book,
    metadata=BookMetadata,
    key="book_id",
    external_ids=BookExternalId,
    genre_links=BookGenre,
    tag_links=BookTag,
    covers=BookCover,
    alternate_titles=None,
    ratings=None,
    links=None,
)


def table_of(model: type[Any]) -> Table:
    """A model's Core table: hot paths run Core statements, which skip the ORM's per-row cost."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def tables_for(entity: Entity) -> EntityTables:
    """The tables of `entity`."""
    return SERIES_TABLES if entity is Entity.SERIES else BOOK_TABLES
