"""The metadata field catalog and its groups (metadata §2; library-jobs §3.3 is authoritative).

Filters, locks, permissions, applier results, previews and audit rows all speak the field keys
declared here. Each field appears in processing order, which is also the order of every
applier list and of the catalog endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from colophon.errors import FieldError, ValidationFailed
from colophon.metadata.permissions import WritePermission as P


class Entity(StrEnum):
    """The two kinds of catalogued item that carry metadata."""

    SERIES = "series"
    BOOK = "book"


class WireType(StrEnum):
    """The JSON shape of a field's value in a provider payload (metadata §3.1 to §3.3)."""

    STRING = "string"
    DERIVED_STRING = "string, derived"
    INTEGER = "integer"
    NUMBER = "number"
    ENUM = "enum"
    URL = "URL"
    STRING_LIST = "string[]"
    ALTERNATE_TITLES = "AlternateTitle[]"
    AUTHORS = "Author[]"
    EXTERNAL_RATING = "ExternalRating"
    EXTERNAL_RATINGS = "ExternalRating[]"
    EXTERNAL_IDS = "ExternalId[]"
    EXTERNAL_LINKS = "ExternalLink[]"
    AWARDS = "BookAward[]"


class Comparison(StrEnum):
    """How the stored and proposed values are projected and compared (metadata §4.3)."""

    TEXT = "text"
    NUMBER = "number"
    NAME_KEY_SET = "set of NK"
    PAIR_SET = "set of (label, title)"
    ORDERED_LIST = "ordered list"
    VALUE_SET = "value set"
    BY_SOURCE = "by source"
    COVER = "source URL"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One catalog field: its key, wire type, storage, lock, permission and comparison."""

    key: str
    wire_type: WireType
    table: str
    column: str | None
    lock: str | None
    permission: P
    comparison: Comparison

    @property
    def lock_column(self) -> str | None:
        """The metadata row's boolean lock column (`title_sort_lock`), or None without a lock."""
        return None if self.lock is None else f"{snake_case(self.lock)}_lock"

    @property
    def is_lock_gated(self) -> bool:
        """False for coverUrl, whose `cover` lock decides selection only (metadata §4.2)."""
        return self.lock is not None and self.comparison is not Comparison.COVER


@dataclass(frozen=True, slots=True)
class FieldGroup:
    """A named set of fields that a job or a user selects together."""

    id: str
    label: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every field and group of one entity, in catalog order."""

    entity: Entity
    fields: tuple[FieldSpec, ...]
    groups: tuple[FieldGroup, ...]
    lock_keys: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The field keys in catalog order."""
        return tuple(spec.key for spec in self.fields)

    def field(self, key: str) -> FieldSpec:
        """The spec of `key`; raise KeyError for a key outside this catalog."""
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def has_field(self, key: str) -> bool:
        """True when `key` is a field of this catalog (exact, case-sensitive)."""
        return key in self.keys

    def find_group(self, group_id: str) -> FieldGroup | None:
        """The group named `group_id`, or None."""
        return next((g for g in self.groups if g.id == group_id), None)

    def in_order(self, keys: Iterable[str]) -> tuple[str, ...]:
        """The given keys, deduplicated and in catalog order; unknown keys raise ValueError."""
        wanted = set(keys)
        unknown = wanted.difference(self.keys)
        if unknown:
            raise ValueError(f"not {self.entity} catalog fields: {sorted(unknown)}")
        return tuple(key for key in self.keys if key in wanted)


_CAMEL_HUMP = re.compile(r"(?<!^)(?=[A-Z])")


def snake_case(key: str) -> str:
    """`totalVolumeCount` → `total_volume_count`, the database spelling of a field key."""
    return _CAMEL_HUMP.sub("_", key).lower()


def _scalar(
    table: str, key: str, wire_type: WireType, permission: P, comparison: Comparison
) -> FieldSpec:
    """A metadata-row column named after its key and locked by its own key."""
    return FieldSpec(key, wire_type, table, snake_case(key), key, permission, comparison)


def _related(
    table: str,
    key: str,
    wire_type: WireType,
    permission: P,
    comparison: Comparison,
    *,
    lock: str | None = None,
) -> FieldSpec:
    """A field stored in its own table (or link table) rather than a metadata column."""
    return FieldSpec(key, wire_type, table, None, lock, permission, comparison)


W, C = WireType, Comparison
_S = "series_metadata"
_B = "book_metadata"

SERIES_FIELDS: tuple[FieldSpec, ...] = (
    _scalar(_S, "title", W.STRING, P.TITLE, C.TEXT),
    _scalar(_S, "titleSort", W.DERIVED_STRING, P.TITLE, C.TEXT),
    _related("series_alternate_titles", "alternateTitles", W.ALTERNATE_TITLES, P.TITLE,
             C.PAIR_SET, lock="alternateTitles"),
    _scalar(_S, "summary", W.STRING, P.SUMMARY, C.TEXT),
    _scalar(_S, "authors", W.AUTHORS, P.AUTHORS, C.ORDERED_LIST),
    _scalar(_S, "status", W.ENUM, P.STATUS, C.TEXT),
    _scalar(_S, "year", W.INTEGER, P.YEAR, C.NUMBER),
    _scalar(_S, "totalVolumeCount", W.INTEGER, P.TOTAL_VOLUME_COUNT, C.NUMBER),
    _scalar(_S, "totalChapterCount", W.NUMBER, P.TOTAL_CHAPTER_COUNT, C.NUMBER),
    _related("series_external_ratings", "rating", W.EXTERNAL_RATING, P.RATINGS, C.BY_SOURCE),
    _related("series_external_ratings", "externalRatings", W.EXTERNAL_RATINGS, P.RATINGS,
             C.BY_SOURCE),
    # The cover lock decides selection only; see FieldSpec.is_lock_gated.
    _related("series_covers", "coverUrl", W.URL, P.COVERS, C.COVER, lock="cover"),
    _related("series_tags", "tags", W.STRING_LIST, P.TAGS, C.NAME_KEY_SET, lock="tags"),
    _related("series_genres", "genres", W.STRING_LIST, P.GENRES, C.NAME_KEY_SET, lock="genres"),
    _scalar(_S, "ageRating", W.INTEGER, P.AGE_RATING, C.NUMBER),
    _scalar(_S, "language", W.STRING, P.LANGUAGE, C.TEXT),
    _scalar(_S, "readingDirection", W.ENUM, P.READING_DIRECTION, C.TEXT),
    _scalar(_S, "publisher", W.STRING, P.PUBLISHER, C.TEXT),
    _related("series_external_ids", "externalIds", W.EXTERNAL_IDS, P.EXTERNAL_IDS, C.BY_SOURCE),
    _related("series_external_links", "externalLinks", W.EXTERNAL_LINKS, P.LINKS, C.BY_SOURCE),
)  # fmt: skip

BOOK_FIELDS: tuple[FieldSpec, ...] = (
    _scalar(_B, "title", W.STRING, P.TITLE, C.TEXT),
    _scalar(_B, "titleSort", W.DERIVED_STRING, P.TITLE, C.TEXT),
    _scalar(_B, "subtitle", W.STRING, P.SUBTITLE, C.TEXT),
    _scalar(_B, "originalTitle", W.STRING, P.ORIGINAL_TITLE, C.TEXT),
    _scalar(_B, "summary", W.STRING, P.SUMMARY, C.TEXT),
    _scalar(_B, "authors", W.AUTHORS, P.AUTHORS, C.ORDERED_LIST),
    _scalar(_B, "translator", W.STRING, P.TRANSLATOR, C.TEXT),
    _scalar(_B, "volume", W.INTEGER, P.VOLUME, C.NUMBER),
    _scalar(_B, "chapter", W.NUMBER, P.CHAPTER, C.NUMBER),
    _scalar(_B, "seriesPosition", W.NUMBER, P.SERIES_POSITION, C.NUMBER),
    # Codex pairs seriesTotal with the series_position permission (metadata §5).
    _scalar(_B, "seriesTotal", W.INTEGER, P.SERIES_POSITION, C.NUMBER),
    _scalar(_B, "publisher", W.STRING, P.PUBLISHER, C.TEXT),
    _scalar(_B, "year", W.INTEGER, P.YEAR, C.NUMBER),
    _scalar(_B, "originalYear", W.INTEGER, P.ORIGINAL_YEAR, C.NUMBER),
    _scalar(_B, "edition", W.STRING, P.EDITION, C.TEXT),
    _scalar(_B, "isbns", W.STRING_LIST, P.ISBN, C.VALUE_SET),
    _scalar(_B, "subjects", W.STRING_LIST, P.SUBJECTS, C.NAME_KEY_SET),
    _scalar(_B, "awards", W.AWARDS, P.AWARDS, C.VALUE_SET),
    _related("book_genres", "genres", W.STRING_LIST, P.GENRES, C.NAME_KEY_SET, lock="genres"),
    _related("book_tags", "tags", W.STRING_LIST, P.TAGS, C.NAME_KEY_SET, lock="tags"),
    _scalar(_B, "bookType", W.ENUM, P.BOOK_TYPE, C.TEXT),
    _scalar(_B, "language", W.STRING, P.LANGUAGE, C.TEXT),
    _related("book_covers", "coverUrl", W.URL, P.COVERS, C.COVER, lock="cover"),
    _related("book_external_ids", "externalIds", W.EXTERNAL_IDS, P.EXTERNAL_IDS, C.BY_SOURCE),
)

SERIES_GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup("identifiers", "Identifiers", ("title", "titleSort", "alternateTitles")),
    FieldGroup("descriptive", "Descriptive", ("summary", "authors")),
    FieldGroup("status", "Status", ("status", "year")),
    FieldGroup("counts", "Counts", ("totalVolumeCount", "totalChapterCount")),
    FieldGroup("ratings", "Ratings", ("rating", "externalRatings")),
    FieldGroup("cover", "Cover", ("coverUrl",)),
    FieldGroup("tags", "Tags", ("tags",)),
    FieldGroup("genres", "Genres", ("genres",)),
    FieldGroup("age_rating", "Age rating", ("ageRating",)),
    FieldGroup("classification", "Classification", ("language", "readingDirection")),
    FieldGroup("publisher", "Publisher", ("publisher",)),
    FieldGroup("external_refs", "External refs", ("externalIds", "externalLinks")),
)

BOOK_GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup("identifiers", "Identifiers", ("title", "titleSort", "subtitle", "originalTitle")),
    FieldGroup("descriptive", "Descriptive", ("summary", "authors", "translator")),
    FieldGroup("numbering", "Numbering", ("volume", "chapter", "seriesPosition", "seriesTotal")),
    FieldGroup("publication", "Publication", ("publisher", "year", "originalYear", "edition")),
    FieldGroup("isbn", "ISBN", ("isbns",)),
    FieldGroup("subjects", "Subjects & awards", ("subjects", "awards")),
    FieldGroup("genres", "Genres", ("genres",)),
    FieldGroup("tags", "Tags", ("tags",)),
    FieldGroup("classification", "Classification", ("bookType", "language")),
    FieldGroup("cover", "Cover", ("coverUrl",)),
    FieldGroup("external_refs", "External refs", ("externalIds",)),
)

# Wire lock keys (metadata §1.2): the catalog's lockable fields plus the PATCH-only columns.
# fmt: off
SERIES_LOCK_KEYS: tuple[str, ...] = (
    "title", "titleSort", "alternateTitles", "summary", "authors", "status", "year",
    "totalVolumeCount", "totalChapterCount", "cover", "tags", "genres", "ageRating", "language",
    "readingDirection", "publisher", "imprint",
)
BOOK_LOCK_KEYS: tuple[str, ...] = (
    "title", "titleSort", "subtitle", "originalTitle", "summary", "authors", "translator",
    "number", "volume", "chapter", "seriesPosition", "seriesTotal", "publisher", "imprint",
    "year", "month", "day", "originalYear", "edition", "isbns", "subjects", "awards", "genres",
    "tags", "bookType", "language", "cover",
)
# fmt: on

SERIES_CATALOG = Catalog(Entity.SERIES, SERIES_FIELDS, SERIES_GROUPS, SERIES_LOCK_KEYS)
BOOK_CATALOG = Catalog(Entity.BOOK, BOOK_FIELDS, BOOK_GROUPS, BOOK_LOCK_KEYS)


def catalog_for(entity: Entity) -> Catalog:
    """The catalog of `entity`."""
    return SERIES_CATALOG if entity is Entity.SERIES else BOOK_CATALOG


def expand(
    entity: Entity,
    groups: Sequence[str],
    extra_fields: Sequence[str],
    *,
    groups_path: str = "fieldGroups",
    fields_path: str = "extraFields",
) -> tuple[str, ...]:
    """The union of the groups' fields and the extra fields, in catalog order (metadata §2.4).

    Raise ValidationFailed `unknown field group '<g>'` or `unknown field '<x>'` for the first
    unknown name, at `<path>[<index>]`. An empty union is returned as is: the caller owns its
    message (a job and the apply endpoint word it differently).
    """
    catalog = catalog_for(entity)
    chosen: set[str] = set()
    for index, group_id in enumerate(groups):
        group = catalog.find_group(group_id)
        if group is None:
            raise ValidationFailed(
                FieldError(f"{groups_path}[{index}]", f"unknown field group '{group_id}'")
            )
        chosen.update(group.fields)
    chosen.update(_checked_fields(catalog, extra_fields, fields_path))
    return catalog.in_order(chosen)


def validate_field_filter(
    entity: Entity, fields: Sequence[str] | None, *, path: str = "fields"
) -> frozenset[str] | None:
    """An apply or preview `fields` list as the applier's filter; None means the whole catalog.

    Raise ValidationFailed `unknown field '<x>'` or, for `[]`, `choose at least one field`.
    """
    if fields is None:
        return None
    if not fields:
        raise ValidationFailed(FieldError(path, "choose at least one field"))
    return frozenset(_checked_fields(catalog_for(entity), fields, path))


def _checked_fields(catalog: Catalog, fields: Sequence[str], path: str) -> list[str]:
    for index, key in enumerate(fields):
        if not catalog.has_field(key):
            raise ValidationFailed(FieldError(f"{path}[{index}]", f"unknown field '{key}'"))
    return list(fields)
