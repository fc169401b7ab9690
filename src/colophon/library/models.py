"""Libraries, series and books: the rows the scanner owns (metadata §1.1)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from colophon.db.base import Base, Timestamps, new_id


class Library(Timestamps, Base):
    __tablename__ = "libraries"
    __table_args__ = (UniqueConstraint("name"), UniqueConstraint("root_path"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(Text)
    root_path: Mapped[str] = mapped_column(Text)
    last_scan_at: Mapped[datetime | None]
    last_scan_status: Mapped[str | None] = mapped_column(Text)


class Series(Timestamps, Base):
    __tablename__ = "series"
    __table_args__ = (UniqueConstraint("library_id", "path"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    library_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("libraries.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]


class Book(Timestamps, Base):
    __tablename__ = "books"
    __table_args__ = (
        UniqueConstraint("library_id", "path"),
        Index("ix_books_series_id", "series_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(Text)
    file_size: Mapped[int] = mapped_column(BigInteger)
    file_mtime: Mapped[int] = mapped_column(BigInteger)  # st_mtime_ns
    page_count: Mapped[int | None] = mapped_column(Integer)
    analysis_error: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]
