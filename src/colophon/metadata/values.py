"""Normalised metadata values (metadata §3.1) and their JSON shapes.

A provider payload becomes these frozen values once (payloads.py); the applier, the preview and
the audit log only ever see them, never the provider's raw JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from colophon.wire import JsonObject


@dataclass(frozen=True, slots=True)
class Author:
    """One credited person; `role` is a §3.1 role, `sort_name` is kept only when given."""

    name: str
    role: str
    sort_name: str | None = None

    def to_json(self) -> JsonObject:
        """`{name, role, sortName?}`, the stored and projected shape (metadata §1.6)."""
        shape: JsonObject = {"name": self.name, "role": self.role}
        if self.sort_name is not None:
            shape["sortName"] = self.sort_name
        return shape


@dataclass(frozen=True, slots=True)
class AlternateTitle:
    """A title under a lowercase label (a language, a title type, or `alternate`)."""

    label: str
    title: str

    def to_json(self) -> JsonObject:
        """`{label, title}`."""
        return {"label": self.label, "title": self.title}


@dataclass(frozen=True, slots=True)
class ExternalRating:
    """A 0 to 100 score from one source (NK of the provider's source name)."""

    source: str
    score: float
    vote_count: int | None = None

    def to_json(self) -> JsonObject:
        """`{source, score, voteCount}`."""
        return {"source": self.source, "score": self.score, "voteCount": self.vote_count}


@dataclass(frozen=True, slots=True)
class ExternalLink:
    """A link keyed by source (NK of the provider's label)."""

    source: str
    url: str

    def to_json(self) -> JsonObject:
        """`{source, url}`."""
        return {"source": self.source, "url": self.url}


@dataclass(frozen=True, slots=True)
class ExternalId:
    """A cross-reference id reported by a provider; the source always starts `api:`."""

    source: str
    external_id: str

    def to_json(self) -> JsonObject:
        """`{source, externalId}`."""
        return {"source": self.source, "externalId": self.external_id}


@dataclass(frozen=True, slots=True)
class BookAward:
    """An award a book won or was nominated for."""

    name: str
    year: int | None = None
    category: str | None = None
    won: bool = False

    def to_json(self) -> JsonObject:
        """`{name, year?, category?, won}`; absent parts are omitted, as for author sort names."""
        shape: JsonObject = {"name": self.name}
        if self.year is not None:
            shape["year"] = self.year
        if self.category is not None:
            shape["category"] = self.category
        shape["won"] = self.won
        return shape


# One normalised value of one catalog field: text and enums are str, integer fields int,
# number fields float, lists are tuples of their entries.
FieldValue: TypeAlias = (
    str
    | int
    | float
    | ExternalRating
    | tuple[str, ...]
    | tuple[Author, ...]
    | tuple[AlternateTitle, ...]
    | tuple[ExternalRating, ...]
    | tuple[ExternalLink, ...]
    | tuple[ExternalId, ...]
    | tuple[BookAward, ...]
)
