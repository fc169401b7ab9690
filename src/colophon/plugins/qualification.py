"""Which plugins qualify as metadata providers for a scope and library (plugins.md §3.7)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any
from uuid import UUID

from colophon.errors import FieldError, ValidationFailed
from colophon.plugins.manifest import content_types_of
from colophon.plugins.protocol import ContentType


class Scope(StrEnum):
    """Admin-assigned scopes; jobs use ``*:bulk``, interactive fetches ``*:detail``."""

    SERIES_DETAIL = "series:detail"
    SERIES_BULK = "series:bulk"
    BOOK_DETAIL = "book:detail"
    BOOK_BULK = "book:bulk"

    @property
    def content_type(self) -> ContentType:
        return "series" if self.value.startswith("series:") else "book"


ALL_SCOPES: tuple[Scope, ...] = tuple(Scope)


def invalid_scope_message(value: str) -> str:
    """The 400 message of §7.3."""
    valid = ", ".join(scope.value for scope in ALL_SCOPES)
    return f"Invalid scope '{value}'. Valid scopes: {valid}"


def parse_scope(value: str, *, field: str = "scope") -> Scope:
    """The ``Scope`` named by ``value``; raises ``ValidationFailed`` listing the valid scopes."""
    try:
        return Scope(value)
    except ValueError:
        raise ValidationFailed(FieldError(field, invalid_scope_message(value))) from None


def provided_content_types(manifest: Mapping[str, Any] | None) -> frozenset[ContentType]:
    """``capabilities.metadataProvider`` of a cached manifest (empty when none is cached)."""
    if manifest is None:
        return frozenset()
    return content_types_of(manifest.get("capabilities"))


def qualifies_as_provider(
    *,
    enabled: bool,
    manifest: Mapping[str, Any] | None,
    scopes: Collection[str],
    library_ids: Collection[UUID],
    scope: Scope,
    library_id: UUID | None,
) -> bool:
    """True when the plugin row may serve ``scope`` in ``library_id`` (§3.7).

    ``library_id=None`` skips the library filter (the actions list without ``libraryId``).
    The caller's own write permission is checked by the HTTP layer, not here.
    """
    if not enabled or manifest is None:
        return False
    if scope.content_type not in provided_content_types(manifest):
        return False
    if scope.value not in scopes:
        return False
    return library_id is None or not library_ids or library_id in library_ids
