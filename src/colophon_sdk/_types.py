"""Request params and result types; ``to_wire()`` emits camelCase JSON and drops ``None``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def to_wire(value: Any) -> Any:
    """Convert dataclasses (recursively) to camelCase JSON values, omitting ``None`` members."""
    if isinstance(value, _Wire):
        return value.to_wire()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields_to_wire(value)
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    return value


def _fields_to_wire(value: Any) -> dict[str, Any]:
    return {
        _camel(f.name): to_wire(getattr(value, f.name))
        for f in dataclasses.fields(value)
        if getattr(value, f.name) is not None
    }


class _Wire:
    def to_wire(self) -> dict[str, Any]:
        """This value as a camelCase JSON object."""
        return _fields_to_wire(self)


# --- params (host → plugin) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeriesSearch:
    """``metadata/series/search`` params."""

    query: str
    limit: int = 10
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class SeriesGet:
    """``metadata/series/get`` params."""

    external_id: str


@dataclass(frozen=True, slots=True)
class SeriesMatch:
    """``metadata/series/match`` params."""

    title: str
    year: int | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class BookSearch:
    """``metadata/book/search`` params; at least one of ``isbn`` and ``query`` is set."""

    isbn: str | None = None
    query: str | None = None
    author: str | None = None
    year: int | None = None
    limit: int = 10
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class BookGet:
    """``metadata/book/get`` params."""

    external_id: str


@dataclass(frozen=True, slots=True)
class BookMatch:
    """``metadata/book/match`` params."""

    title: str
    authors: list[str] = field(default_factory=list)
    isbn: str | None = None
    year: int | None = None
    publisher: str | None = None


# --- results (plugin → host) ------------------------------------------------------------


@dataclass(slots=True)
class Preview(_Wire):
    """Search-result preview, shown in the UI only."""

    status: str | None = None
    genres: list[str] | None = None
    rating: float | None = None
    description: str | None = None
    book_count: int | None = None
    authors: list[str] | None = None
    format: str | None = None


@dataclass(slots=True)
class SearchResult(_Wire):
    """One search candidate."""

    external_id: str
    title: str
    alternate_titles: list[str] = field(default_factory=list)
    year: int | None = None
    cover_url: str | None = None
    relevance_score: float | None = None
    preview: Preview | None = None


@dataclass(slots=True)
class SearchPage(_Wire):
    """A page of search results; ``next_cursor`` is None on the last page."""

    results: list[SearchResult]
    next_cursor: str | None = None


@dataclass(slots=True)
class MatchResult(_Wire):
    """The best candidate (or None), its confidence 0..1, and runners-up."""

    match: SearchResult | None
    confidence: float
    alternatives: list[SearchResult] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        # `match: null` is meaningful (no candidate), so it is kept, unlike other Nones.
        wire = _fields_to_wire(self)
        wire.setdefault("match", None)
        return wire


@dataclass(slots=True)
class AlternateTitle(_Wire):
    """A title in another language or script."""

    title: str
    language: str | None = None
    title_type: str | None = None


@dataclass(slots=True)
class Author(_Wire):
    """A credited person; ``role`` is one of metadata.md §3.1."""

    name: str
    role: str = "author"
    sort_name: str | None = None


@dataclass(slots=True)
class Rating(_Wire):
    """A score on a 0-100 scale."""

    score: float
    source: str
    vote_count: int | None = None


LinkType = Literal["provider", "official", "social", "purchase", "read", "other"]


@dataclass(slots=True)
class ExternalLink(_Wire):
    """A link to the item elsewhere."""

    url: str
    label: str
    link_type: LinkType | None = None


@dataclass(slots=True)
class ExternalId(_Wire):
    """A cross-reference id, ``source`` like ``api:anilist``."""

    source: str
    external_id: str


@dataclass(slots=True)
class BookCover(_Wire):
    """One cover image of a book."""

    url: str
    width: int | None = None
    height: int | None = None
    size: Literal["small", "medium", "large"] | None = None


@dataclass(slots=True)
class BookAward(_Wire):
    """An award a book won or was nominated for."""

    name: str
    year: int | None = None
    category: str | None = None
    won: bool = False


@dataclass(slots=True)
class SeriesMetadata(_Wire):
    """The ``metadata/series/get`` result (plugins.md §3.8)."""

    external_id: str
    external_url: str
    title: str | None = None
    alternate_titles: list[AlternateTitle] = field(default_factory=list)
    summary: str | None = None
    status: str | None = None
    year: int | None = None
    total_volume_count: int | None = None
    total_chapter_count: float | None = None
    language: str | None = None
    age_rating: int | None = None
    reading_direction: str | None = None
    genres: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    artists: list[str] = field(default_factory=list)
    publisher: str | None = None
    cover_url: str | None = None
    banner_url: str | None = None
    rating: Rating | None = None
    external_ratings: list[Rating] = field(default_factory=list)
    external_links: list[ExternalLink] = field(default_factory=list)
    external_ids: list[ExternalId] = field(default_factory=list)


@dataclass(slots=True)
class BookMetadata(_Wire):
    """The ``metadata/book/get`` result (plugins.md §3.8)."""

    external_id: str
    external_url: str
    title: str | None = None
    subtitle: str | None = None
    alternate_titles: list[AlternateTitle] = field(default_factory=list)
    summary: str | None = None
    book_type: str | None = None
    volume: float | None = None
    chapter: float | None = None
    page_count: int | None = None
    release_date: str | None = None
    year: int | None = None
    isbn: str | None = None
    isbns: list[str] = field(default_factory=list)
    edition: str | None = None
    original_title: str | None = None
    original_year: int | None = None
    translator: str | None = None
    language: str | None = None
    series_position: float | None = None
    series_total: int | None = None
    genres: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    artists: list[str] = field(default_factory=list)
    publisher: str | None = None
    cover_url: str | None = None
    covers: list[BookCover] = field(default_factory=list)
    rating: Rating | None = None
    external_ratings: list[Rating] = field(default_factory=list)
    awards: list[BookAward] = field(default_factory=list)
    external_links: list[ExternalLink] = field(default_factory=list)
    external_ids: list[ExternalId] = field(default_factory=list)
