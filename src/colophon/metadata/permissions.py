"""The plugin permission model (metadata §5): which fields a provider plugin may write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from colophon.errors import FieldError, ValidationFailed

WRITE_PREFIX = "metadata:write:"
WRITE_WILDCARD = "metadata:write:*"
# Accepted for Codex compatibility; they never affect the applier and the wildcard omits them.
READ_PERMISSIONS = frozenset({"metadata:read", "library:read"})


class WritePermission(StrEnum):
    """The 30 Codex-compatible write permissions; the value is the stored string."""

    TITLE = "metadata:write:title"
    SUMMARY = "metadata:write:summary"
    GENRES = "metadata:write:genres"
    TAGS = "metadata:write:tags"
    COVERS = "metadata:write:covers"
    RATINGS = "metadata:write:ratings"
    LINKS = "metadata:write:links"
    EXTERNAL_IDS = "metadata:write:external_ids"
    YEAR = "metadata:write:year"
    STATUS = "metadata:write:status"
    PUBLISHER = "metadata:write:publisher"
    AGE_RATING = "metadata:write:age_rating"
    LANGUAGE = "metadata:write:language"
    READING_DIRECTION = "metadata:write:reading_direction"
    TOTAL_VOLUME_COUNT = "metadata:write:total_volume_count"
    TOTAL_CHAPTER_COUNT = "metadata:write:total_chapter_count"
    BOOK_TYPE = "metadata:write:book_type"
    SUBTITLE = "metadata:write:subtitle"
    AUTHORS = "metadata:write:authors"
    TRANSLATOR = "metadata:write:translator"
    EDITION = "metadata:write:edition"
    ORIGINAL_TITLE = "metadata:write:original_title"
    ORIGINAL_YEAR = "metadata:write:original_year"
    SERIES_POSITION = "metadata:write:series_position"
    SUBJECTS = "metadata:write:subjects"
    AWARDS = "metadata:write:awards"
    # Gates nothing in the applier; kept so Codex plugin manifests validate.
    CUSTOM_METADATA = "metadata:write:custom_metadata"
    ISBN = "metadata:write:isbn"
    VOLUME = "metadata:write:volume"
    CHAPTER = "metadata:write:chapter"

    @property
    def suffix(self) -> str:
        """The part after `metadata:write:` (`title`), as the catalog tables print it."""
        return self.value.removeprefix(WRITE_PREFIX)


KNOWN_PERMISSIONS = frozenset({*WritePermission, WRITE_WILDCARD, *READ_PERMISSIONS})


class PermissionedField(Protocol):
    """Anything that names the write permission it needs (a catalog field)."""

    @property
    def permission(self) -> WritePermission: ...


@dataclass(frozen=True, slots=True)
class PluginPermissions:
    """The write permissions one plugin holds, the wildcard already expanded."""

    write: frozenset[WritePermission]

    @classmethod
    def from_stored(cls, stored: Iterable[str]) -> PluginPermissions:
        """Read a plugin row's permission list; unknown strings are ignored (metadata §5)."""
        strings = set(stored)
        if WRITE_WILDCARD in strings:
            return cls(frozenset(WritePermission))
        return cls(frozenset(WritePermission(s) for s in strings if s in _WRITE_VALUES))


_WRITE_VALUES = frozenset(p.value for p in WritePermission)


def can_write(permissions: PluginPermissions, field: PermissionedField) -> bool:
    """True when the plugin holds the write permission the field requires."""
    return field.permission in permissions.write


def validate_permissions(permissions: Iterable[str], *, path: str = "permissions") -> list[str]:
    """Return the list de-duplicated in order; raise ValidationFailed `unknown permission '<p>'`."""
    checked: list[str] = []
    for index, permission in enumerate(permissions):
        if permission not in KNOWN_PERMISSIONS:
            raise ValidationFailed(
                FieldError(f"{path}[{index}]", f"unknown permission '{permission}'")
            )
        if permission not in checked:
            checked.append(permission)
    return checked
