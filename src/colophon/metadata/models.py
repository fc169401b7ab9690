"""Catalogue metadata tables: metadata rows with locks, ids, ratings, taxonomies, covers, audit.

Shapes follow metadata §1 and §6.1. Each lockable field has a ``<field>_lock`` column; the
lock keys themselves (camelCase) are listed in ``metadata/catalog.py``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from colophon.db.base import Base, Timestamps, new_id
from colophon.db.clock import utcnow
from colophon.db.types import JsonColumn

SERIES_STATUSES = ("ongoing", "ended", "hiatus", "abandoned", "unknown")
READING_DIRECTIONS = ("ltr", "rtl", "ttb", "webtoon")
BOOK_TYPES = (
    "comic", "manga", "novel", "novella", "anthology", "artbook",
    "oneshot", "omnibus", "graphic_novel", "magazine",
)  # fmt: skip

# metadata_changes.id must auto-increment on SQLite too, which only INTEGER PRIMARY KEY does.
AutoIncrementId = BigInteger().with_variant(Integer(), "sqlite")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IS NULL OR {column} IN ({allowed})", name=f"{column}_enum")


def _lock() -> Mapped[bool]:
    return mapped_column(Boolean, default=False, server_default=text("false"))


def _json_list() -> Mapped[list[Any]]:
    return mapped_column(JsonColumn, default=list)


class SeriesMetadata(Timestamps, Base):
    __tablename__ = "series_metadata"
    __table_args__ = (
        _one_of("status", SERIES_STATUSES),
        _one_of("reading_direction", READING_DIRECTIONS),
    )

    series_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(Text)
    title_sort: Mapped[str | None] = mapped_column(Text)
    search_title: Mapped[str] = mapped_column(Text, index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[Any]] = _json_list()
    status: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    total_volume_count: Mapped[int | None] = mapped_column(Integer)
    total_chapter_count: Mapped[float | None] = mapped_column(Float)
    age_rating: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(Text)
    reading_direction: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    imprint: Mapped[str | None] = mapped_column(Text)

    title_lock: Mapped[bool] = _lock()
    title_sort_lock: Mapped[bool] = _lock()
    alternate_titles_lock: Mapped[bool] = _lock()
    summary_lock: Mapped[bool] = _lock()
    authors_lock: Mapped[bool] = _lock()
    status_lock: Mapped[bool] = _lock()
    year_lock: Mapped[bool] = _lock()
    total_volume_count_lock: Mapped[bool] = _lock()
    total_chapter_count_lock: Mapped[bool] = _lock()
    cover_lock: Mapped[bool] = _lock()
    tags_lock: Mapped[bool] = _lock()
    genres_lock: Mapped[bool] = _lock()
    age_rating_lock: Mapped[bool] = _lock()
    language_lock: Mapped[bool] = _lock()
    reading_direction_lock: Mapped[bool] = _lock()
    publisher_lock: Mapped[bool] = _lock()
    imprint_lock: Mapped[bool] = _lock()


class BookMetadata(Timestamps, Base):
    __tablename__ = "book_metadata"
    __table_args__ = (_one_of("book_type", BOOK_TYPES),)

    book_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str | None] = mapped_column(Text)
    title_sort: Mapped[str | None] = mapped_column(Text)
    search_title: Mapped[str] = mapped_column(Text, index=True)
    subtitle: Mapped[str | None] = mapped_column(Text)
    original_title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[Any]] = _json_list()
    translator: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(Text)
    volume: Mapped[int | None] = mapped_column(Integer)
    chapter: Mapped[float | None] = mapped_column(Float)
    series_position: Mapped[float | None] = mapped_column(Float)
    series_total: Mapped[int | None] = mapped_column(Integer)
    publisher: Mapped[str | None] = mapped_column(Text)
    imprint: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[int | None] = mapped_column(Integer)
    original_year: Mapped[int | None] = mapped_column(Integer)
    edition: Mapped[str | None] = mapped_column(Text)
    isbns: Mapped[list[Any]] = _json_list()
    subjects: Mapped[list[Any]] = _json_list()
    awards: Mapped[list[Any]] = _json_list()
    book_type: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(Text)

    title_lock: Mapped[bool] = _lock()
    title_sort_lock: Mapped[bool] = _lock()
    subtitle_lock: Mapped[bool] = _lock()
    original_title_lock: Mapped[bool] = _lock()
    summary_lock: Mapped[bool] = _lock()
    authors_lock: Mapped[bool] = _lock()
    translator_lock: Mapped[bool] = _lock()
    number_lock: Mapped[bool] = _lock()
    volume_lock: Mapped[bool] = _lock()
    chapter_lock: Mapped[bool] = _lock()
    series_position_lock: Mapped[bool] = _lock()
    series_total_lock: Mapped[bool] = _lock()
    publisher_lock: Mapped[bool] = _lock()
    imprint_lock: Mapped[bool] = _lock()
    year_lock: Mapped[bool] = _lock()
    month_lock: Mapped[bool] = _lock()
    day_lock: Mapped[bool] = _lock()
    original_year_lock: Mapped[bool] = _lock()
    edition_lock: Mapped[bool] = _lock()
    isbns_lock: Mapped[bool] = _lock()
    subjects_lock: Mapped[bool] = _lock()
    awards_lock: Mapped[bool] = _lock()
    genres_lock: Mapped[bool] = _lock()
    tags_lock: Mapped[bool] = _lock()
    book_type_lock: Mapped[bool] = _lock()
    language_lock: Mapped[bool] = _lock()
    cover_lock: Mapped[bool] = _lock()


class SeriesExternalId(Timestamps, Base):
    __tablename__ = "series_external_ids"
    __table_args__ = (
        UniqueConstraint("series_id", "source"),
        Index("ix_series_external_ids_source_external_id", "source", "external_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str] = mapped_column(Text)
    external_url: Mapped[str | None] = mapped_column(Text)
    last_synced_at: Mapped[datetime | None]


class BookExternalId(Timestamps, Base):
    __tablename__ = "book_external_ids"
    __table_args__ = (
        UniqueConstraint("book_id", "source"),
        Index("ix_book_external_ids_source_external_id", "source", "external_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str] = mapped_column(Text)
    external_url: Mapped[str | None] = mapped_column(Text)
    last_synced_at: Mapped[datetime | None]


class SeriesExternalRating(Timestamps, Base):
    __tablename__ = "series_external_ratings"
    __table_args__ = (
        UniqueConstraint("series_id", "source"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint("vote_count IS NULL OR vote_count >= 0", name="vote_count_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    vote_count: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeriesAlternateTitle(Base):
    __tablename__ = "series_alternate_titles"
    __table_args__ = (UniqueConstraint("series_id", "label", "title"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeriesExternalLink(Timestamps, Base):
    __tablename__ = "series_external_links"
    __table_args__ = (UniqueConstraint("series_id", "source"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)


class BookExternalLink(Timestamps, Base):
    __tablename__ = "book_external_links"
    __table_args__ = (UniqueConstraint("book_id", "source"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)


class Genre(Base):
    __tablename__ = "genres"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    normalized_name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    normalized_name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeriesGenre(Base):
    __tablename__ = "series_genres"

    series_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    genre_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SeriesTag(Base):
    __tablename__ = "series_tags"

    series_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class BookGenre(Base):
    __tablename__ = "book_genres"

    book_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    genre_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class BookTag(Base):
    __tablename__ = "book_tags"

    book_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SeriesCover(Base):
    __tablename__ = "series_covers"
    __table_args__ = (
        UniqueConstraint("series_id", "source", "sha256"),
        Index(
            "ux_series_covers_selected",
            "series_id",
            unique=True,
            sqlite_where=text("is_selected"),
            postgresql_where=text("is_selected"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    is_selected: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BookCover(Base):
    __tablename__ = "book_covers"
    __table_args__ = (
        UniqueConstraint("book_id", "source", "sha256"),
        Index(
            "ux_book_covers_selected",
            "book_id",
            unique=True,
            sqlite_where=text("is_selected"),
            postgresql_where=text("is_selected"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    is_selected: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MetadataChange(Base):
    """One append-only audit row per changed field (metadata §6.1)."""

    __tablename__ = "metadata_changes"
    __table_args__ = (
        CheckConstraint("entity_type IN ('series', 'book')", name="entity_type_enum"),
        Index("ix_metadata_changes_run_id_id", "run_id", "id"),
        Index("ix_metadata_changes_entity_field", "entity_type", "entity_id", "field", "id"),
    )

    id: Mapped[int] = mapped_column(AutoIncrementId, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[uuid.UUID]
    library_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(Text)
    before: Mapped[Any | None] = mapped_column(JsonColumn)
    after: Mapped[Any | None] = mapped_column(JsonColumn)
    source: Mapped[str] = mapped_column(Text)
    run_id: Mapped[uuid.UUID | None]
    user_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
