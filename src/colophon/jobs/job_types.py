"""Job configs: the `metadata_refresh` type, its stored and wire forms, the type registry (§3).

The union is open (CFG-1): a type registers its name, how to read its stored config and its
task type; CRUD, run-now, scheduling, runs and cancel never look inside a config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic.alias_generators import to_camel

from colophon.metadata.catalog import Entity, expand
from colophon.wire import RequestModel

METADATA_REFRESH = "metadata_refresh"
REFRESH_TASK = "refresh_library_metadata"
REVERT_TASK = "revert_job_run"
PROVIDER_PREFIX = "plugin:"


class Scope(StrEnum):
    """Which items a refresh writes (CFG-5)."""

    SERIES_ONLY = "series_only"
    BOOKS_ONLY = "books_only"
    SERIES_AND_BOOKS = "series_and_books"

    @property
    def writes_series(self) -> bool:
        return self is not Scope.BOOKS_ONLY

    @property
    def writes_books(self) -> bool:
        return self is not Scope.SERIES_ONLY


DEFAULT_SERIES_GROUPS = ("ratings", "status", "counts")
DEFAULT_BOOK_GROUPS = ("descriptive", "publication")


@dataclass(frozen=True, slots=True)
class RefreshConfig:
    """A `metadata_refresh` config with every key present (CFG-7), in Python form."""

    provider: str
    scope: Scope = Scope.SERIES_ONLY
    field_groups: tuple[str, ...] = ()
    extra_fields: tuple[str, ...] = ()
    book_field_groups: tuple[str, ...] = ()
    book_extra_fields: tuple[str, ...] = ()
    existing_source_ids_only: bool = True
    skip_recently_synced_within_s: int = 3600
    min_match_confidence: StrictNumber = 0.8
    max_concurrency: int = 4
    type: str = METADATA_REFRESH

    @property
    def plugin_name(self) -> str | None:
        """The name after `plugin:`, or None for a malformed provider (VAL-11)."""
        name = self.provider.removeprefix(PROVIDER_PREFIX)
        return name if self.provider.startswith(PROVIDER_PREFIX) and name else None

    def series_fields(self) -> frozenset[str]:
        """The series allow-list (CFG-9); empty when the scope writes no series."""
        if not self.scope.writes_series:
            return frozenset()
        return frozenset(expand(Entity.SERIES, self.field_groups, self.extra_fields))

    def book_fields(self) -> frozenset[str]:
        """The book allow-list (CFG-9); empty when the scope writes no books."""
        if not self.scope.writes_books:
            return frozenset()
        return frozenset(expand(Entity.BOOK, self.book_field_groups, self.book_extra_fields))

    def deduplicated(self) -> RefreshConfig:
        """Group and field lists with duplicates removed, first occurrence kept (CFG-6)."""
        return replace(
            self,
            field_groups=_unique(self.field_groups),
            extra_fields=_unique(self.extra_fields),
            book_field_groups=_unique(self.book_field_groups),
            book_extra_fields=_unique(self.book_extra_fields),
        )

    def to_stored(self) -> dict[str, Any]:
        """snake_case, `type` first, every key present (CFG-7)."""
        stored: dict[str, Any] = {"type": self.type}
        for item in fields(self):
            if item.name == "type":
                continue
            value = getattr(self, item.name)
            stored[item.name] = list(value) if isinstance(value, tuple) else value
        stored["scope"] = self.scope.value
        return stored

    def to_wire(self) -> dict[str, Any]:
        """Every key in camelCase, for responses."""
        return {_camel(key): value for key, value in self.to_stored().items()}


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


class StoredConfigError(ValueError):
    """A stored config that cannot be decoded (RUN-4 `stored config is invalid: <detail>`)."""


def refresh_config_from_stored(stored: Mapping[str, Any]) -> RefreshConfig:
    """Read leniently (CFG-4): missing keys take defaults, unknown keys are ignored."""
    try:
        scope = Scope(stored.get("scope", Scope.SERIES_ONLY.value))
        provider = stored["provider"]
        if not isinstance(provider, str):
            raise StoredConfigError("provider must be a string")
        config = RefreshConfig(
            provider=provider,
            scope=scope,
            field_groups=_stored_list(stored, "field_groups", _series_default(scope)),
            extra_fields=_stored_list(stored, "extra_fields", ()),
            book_field_groups=_stored_list(stored, "book_field_groups", _book_default(scope)),
            book_extra_fields=_stored_list(stored, "book_extra_fields", ()),
            existing_source_ids_only=bool(stored.get("existing_source_ids_only", True)),
            skip_recently_synced_within_s=int(stored.get("skip_recently_synced_within_s", 3600)),
            min_match_confidence=float(stored.get("min_match_confidence", 0.8)),
            max_concurrency=int(stored.get("max_concurrency", 4)),
        )
    except KeyError as exc:
        raise StoredConfigError(f"missing key {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise StoredConfigError(str(exc)) from exc
    return config


def _stored_list(stored: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = stored.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise StoredConfigError(f"{key} must be a list of strings")
    return tuple(value)


def _series_default(scope: Scope) -> tuple[str, ...]:
    return DEFAULT_SERIES_GROUPS if scope.writes_series else ()


def _book_default(scope: Scope) -> tuple[str, ...]:
    return DEFAULT_BOOK_GROUPS if scope.writes_books else ()


def _strict_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a valid number")
    return value


StrictNumber = Annotated[float, BeforeValidator(_strict_number)]
"""A JSON number (an integer is fine); strings and booleans are refused (CFG-3)."""

WIRE_NAMES_ONLY = ConfigDict(
    alias_generator=to_camel, validate_by_name=False, validate_by_alias=True, extra="forbid"
)
"""Request bodies accept camelCase keys only: `field_groups` over HTTP is an unknown key."""


class MetadataRefreshConfigIn(RequestModel):
    """A `metadata_refresh` config over HTTP: strict types, no unknown keys, no nulls (CFG-3).

    Range and catalog checks are validation rules (400), not schema errors, so the bounds
    live in validation.py.
    """

    model_config = WIRE_NAMES_ONLY

    type: Literal["metadata_refresh"]
    provider: StrictStr
    scope: Literal["series_only", "books_only", "series_and_books"] = "series_only"
    field_groups: list[StrictStr] = Field(default_factory=list)
    extra_fields: list[StrictStr] = Field(default_factory=list)
    book_field_groups: list[StrictStr] = Field(default_factory=list)
    book_extra_fields: list[StrictStr] = Field(default_factory=list)
    existing_source_ids_only: StrictBool = True
    skip_recently_synced_within_s: StrictInt = 3600
    min_match_confidence: StrictNumber = 0.8
    max_concurrency: StrictInt = 4

    def to_config(self) -> RefreshConfig:
        """Defaults for missing group lists depend on the scope (CFG-5): only a missing key
        takes them; an explicit `[]` stays empty."""
        given = self.model_fields_set
        scope = Scope(self.scope)
        field_groups = self.field_groups if "field_groups" in given else _series_default(scope)
        book_groups = (
            self.book_field_groups if "book_field_groups" in given else _book_default(scope)
        )
        return RefreshConfig(
            provider=self.provider,
            scope=scope,
            field_groups=tuple(field_groups),
            extra_fields=tuple(self.extra_fields),
            book_field_groups=tuple(book_groups),
            book_extra_fields=tuple(self.book_extra_fields),
            existing_source_ids_only=self.existing_source_ids_only,
            skip_recently_synced_within_s=self.skip_recently_synced_within_s,
            min_match_confidence=float(self.min_match_confidence),
            max_concurrency=self.max_concurrency,
        )


JobConfigIn = MetadataRefreshConfigIn
"""The request union; one member today, a discriminated union once a second type exists."""


@dataclass(frozen=True, slots=True)
class JobType:
    """What a registered job type brings (CFG-1)."""

    name: str
    task_type: str
    supports_dry_run: bool
    supports_revert: bool


JOB_TYPES: dict[str, JobType] = {
    METADATA_REFRESH: JobType(METADATA_REFRESH, REFRESH_TASK, True, True),
}


def find_job_type(name: str) -> JobType | None:
    """The registered type, or None (CFG-4: such rows are listed with `config: null`)."""
    return JOB_TYPES.get(name)


def unsupported_type_message(name: str) -> str:
    """The 409 message of CFG-4."""
    return f"job type '{name}' is not supported by this server"
