"""The plugin permission model (metadata §5)."""

from __future__ import annotations

import pytest

from colophon.errors import FieldError, ValidationFailed
from colophon.metadata.catalog import BOOK_CATALOG, SERIES_CATALOG
from colophon.metadata.permissions import (
    PluginPermissions,
    WritePermission,
    can_write,
    validate_permissions,
)


def test_there_are_30_write_permissions() -> None:
    assert len(WritePermission) == 30
    assert all(p.value.startswith("metadata:write:") for p in WritePermission)


def test_the_wildcard_grants_every_field() -> None:
    """Checklist: `metadata:write:*` grants every field."""
    granted = PluginPermissions.from_stored(["metadata:write:*"])
    for spec in (*SERIES_CATALOG.fields, *BOOK_CATALOG.fields):
        assert can_write(granted, spec)


def test_with_only_title_both_counts_are_refused() -> None:
    """Checklist: with only `metadata:write:title`, both counts are skipped for permission."""
    granted = PluginPermissions.from_stored(["metadata:write:title"])
    assert not can_write(granted, SERIES_CATALOG.field("totalVolumeCount"))
    assert not can_write(granted, SERIES_CATALOG.field("totalChapterCount"))
    # title covers title, titleSort and alternateTitles
    for key in ("title", "titleSort", "alternateTitles"):
        assert can_write(granted, SERIES_CATALOG.field(key))


def test_book_series_total_is_gated_by_series_position() -> None:
    """Checklist: book `seriesTotal` is gated by `metadata:write:series_position`."""
    granted = PluginPermissions.from_stored(["metadata:write:series_position"])
    assert can_write(granted, BOOK_CATALOG.field("seriesTotal"))
    assert can_write(granted, BOOK_CATALOG.field("seriesPosition"))
    assert not can_write(PluginPermissions.from_stored([]), BOOK_CATALOG.field("seriesTotal"))


def test_ratings_covers_rating_and_external_ratings() -> None:
    granted = PluginPermissions.from_stored(["metadata:write:ratings"])
    assert can_write(granted, SERIES_CATALOG.field("rating"))
    assert can_write(granted, SERIES_CATALOG.field("externalRatings"))


def test_read_permissions_and_unknown_stored_strings_grant_nothing() -> None:
    """§5: read permissions do not affect the applier; unknown stored strings are ignored."""
    granted = PluginPermissions.from_stored(["metadata:read", "library:read", "bogus"])
    assert granted.write == frozenset()


def test_the_wildcard_does_not_stand_for_read_permissions() -> None:
    granted = PluginPermissions.from_stored(["metadata:write:*"])
    assert granted.write == frozenset(WritePermission)


def test_validation_refuses_an_unknown_permission() -> None:
    """§5: an unknown string gives 400 `unknown permission '<p>'`."""
    assert validate_permissions(["metadata:read", "metadata:write:title", "metadata:read"]) == [
        "metadata:read",
        "metadata:write:title",
    ]
    with pytest.raises(ValidationFailed) as caught:
        validate_permissions(["metadata:write:*", "metadata:write:everything"])
    assert caught.value.errors == [
        FieldError("permissions[1]", "unknown permission 'metadata:write:everything'")
    ]
