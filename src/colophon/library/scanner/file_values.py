"""What the scanner reads from files, before it touches the database (platform §8.2).

Readers (comicinfo, epub, mylar) produce these frozen values in a worker thread; the fill step
then writes them into empty, unlocked fields inside a short write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from colophon.metadata.values import Author


@dataclass(frozen=True, slots=True)
class SourcedUrl:
    """A link or an external id keyed by its source (`comicvine`, `mylar`, `epub`)."""

    source: str
    value: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class BookValues:
    """Book metadata found in a file; None and empty tuples mean "the file says nothing"."""

    title: str | None = None
    summary: str | None = None
    number: str | None = None
    volume: int | None = None
    series_position: float | None = None
    publisher: str | None = None
    imprint: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    language: str | None = None
    authors: tuple[Author, ...] = ()
    isbns: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    links: tuple[SourcedUrl, ...] = ()
    external_ids: tuple[SourcedUrl, ...] = ()


@dataclass(frozen=True, slots=True)
class SeriesValues:
    """Series metadata from series.json or from the first book's ComicInfo.

    ``title`` is used only when the series is created (platform §8.2 rule 1).
    """

    title: str | None = None
    summary: str | None = None
    status: str | None = None
    year: int | None = None
    age_rating: int | None = None
    language: str | None = None
    reading_direction: str | None = None
    publisher: str | None = None
    imprint: str | None = None
    genres: tuple[str, ...] = ()
    external_ids: tuple[SourcedUrl, ...] = ()


@dataclass(frozen=True, slots=True)
class BookReading:
    """The outcome of reading one book file; ``analysis_error`` is set when it was unreadable."""

    values: BookValues = BookValues()
    series: SeriesValues = SeriesValues()
    page_count: int | None = None
    analysis_error: str | None = None
