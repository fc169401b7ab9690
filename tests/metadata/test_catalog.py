"""The field catalog and its groups (metadata §2, library-jobs §3.3)."""

from __future__ import annotations

import pytest

from colophon.errors import FieldError, ValidationFailed
from colophon.metadata.catalog import (
    BOOK_CATALOG,
    SERIES_CATALOG,
    Comparison,
    Entity,
    catalog_for,
    expand,
    validate_field_filter,
)
from colophon.metadata.permissions import WritePermission

SERIES_KEYS = [
    "title", "titleSort", "alternateTitles", "summary", "authors", "status", "year",
    "totalVolumeCount", "totalChapterCount", "rating", "externalRatings", "coverUrl", "tags",
    "genres", "ageRating", "language", "readingDirection", "publisher", "externalIds",
    "externalLinks",
]  # fmt: skip
BOOK_KEYS = [
    "title", "titleSort", "subtitle", "originalTitle", "summary", "authors", "translator",
    "volume", "chapter", "seriesPosition", "seriesTotal", "publisher", "year", "originalYear",
    "edition", "isbns", "subjects", "awards", "genres", "tags", "bookType", "language",
    "coverUrl", "externalIds",
]  # fmt: skip

# library-jobs §3.3, copied by hand so a drift in the code cannot also drift the test.
SERIES_GROUPS = [
    ("identifiers", "Identifiers", ["title", "titleSort", "alternateTitles"]),
    ("descriptive", "Descriptive", ["summary", "authors"]),
    ("status", "Status", ["status", "year"]),
    ("counts", "Counts", ["totalVolumeCount", "totalChapterCount"]),
    ("ratings", "Ratings", ["rating", "externalRatings"]),
    ("cover", "Cover", ["coverUrl"]),
    ("tags", "Tags", ["tags"]),
    ("genres", "Genres", ["genres"]),
    ("age_rating", "Age rating", ["ageRating"]),
    ("classification", "Classification", ["language", "readingDirection"]),
    ("publisher", "Publisher", ["publisher"]),
    ("external_refs", "External refs", ["externalIds", "externalLinks"]),
]
BOOK_GROUPS = [
    ("identifiers", "Identifiers", ["title", "titleSort", "subtitle", "originalTitle"]),
    ("descriptive", "Descriptive", ["summary", "authors", "translator"]),
    ("numbering", "Numbering", ["volume", "chapter", "seriesPosition", "seriesTotal"]),
    ("publication", "Publication", ["publisher", "year", "originalYear", "edition"]),
    ("isbn", "ISBN", ["isbns"]),
    ("subjects", "Subjects & awards", ["subjects", "awards"]),
    ("genres", "Genres", ["genres"]),
    ("tags", "Tags", ["tags"]),
    ("classification", "Classification", ["bookType", "language"]),
    ("cover", "Cover", ["coverUrl"]),
    ("external_refs", "External refs", ["externalIds"]),
]

# metadata §2.1 / §2.2 permission columns (suffix of metadata:write:<x>).
SERIES_PERMISSIONS = {
    "title": "title", "titleSort": "title", "alternateTitles": "title", "summary": "summary",
    "authors": "authors", "status": "status", "year": "year",
    "totalVolumeCount": "total_volume_count", "totalChapterCount": "total_chapter_count",
    "rating": "ratings", "externalRatings": "ratings", "coverUrl": "covers", "tags": "tags",
    "genres": "genres", "ageRating": "age_rating", "language": "language",
    "readingDirection": "reading_direction", "publisher": "publisher",
    "externalIds": "external_ids", "externalLinks": "links",
}  # fmt: skip
BOOK_PERMISSIONS = {
    "title": "title", "titleSort": "title", "subtitle": "subtitle",
    "originalTitle": "original_title", "summary": "summary", "authors": "authors",
    "translator": "translator", "volume": "volume", "chapter": "chapter",
    "seriesPosition": "series_position", "seriesTotal": "series_position",
    "publisher": "publisher", "year": "year", "originalYear": "original_year",
    "edition": "edition", "isbns": "isbn", "subjects": "subjects", "awards": "awards",
    "genres": "genres", "tags": "tags", "bookType": "book_type", "language": "language",
    "coverUrl": "covers", "externalIds": "external_ids",
}  # fmt: skip


def test_the_series_catalog_is_exactly_the_20_keys_in_order() -> None:
    """Checklist: the series catalog is exactly the 20 keys of §2.1, in order."""
    assert list(SERIES_CATALOG.keys) == SERIES_KEYS


def test_the_book_catalog_is_exactly_the_24_keys_in_order_genres_and_tags_included() -> None:
    """Checklist: the book catalog is exactly the 24 of §2.2, genres and tags included."""
    assert list(BOOK_CATALOG.keys) == BOOK_KEYS


@pytest.mark.parametrize(
    ("entity", "expected"), [(Entity.SERIES, SERIES_GROUPS), (Entity.BOOK, BOOK_GROUPS)]
)
def test_groups_are_identical_to_library_jobs_3_3(
    entity: Entity, expected: list[tuple[str, str, list[str]]]
) -> None:
    """Checklist: 12 series groups and 11 book groups, identical to library-jobs §3.3."""
    groups = catalog_for(entity).groups
    assert [(g.id, g.label, list(g.fields)) for g in groups] == expected


@pytest.mark.parametrize("entity", list(Entity))
def test_each_key_is_in_exactly_one_group_of_its_entity(entity: Entity) -> None:
    """Checklist: each key is in exactly one group of its entity."""
    catalog = catalog_for(entity)
    grouped = [key for group in catalog.groups for key in group.fields]
    assert sorted(grouped) == sorted(catalog.keys)


@pytest.mark.parametrize("entity", list(Entity))
def test_every_group_holding_title_sort_also_holds_title(entity: Entity) -> None:
    """§2.4: titleSort is written only with title, so their groups coincide."""
    for group in catalog_for(entity).groups:
        assert ("titleSort" in group.fields) == ("title" in group.fields)


@pytest.mark.parametrize(
    ("entity", "expected"),
    [(Entity.SERIES, SERIES_PERMISSIONS), (Entity.BOOK, BOOK_PERMISSIONS)],
)
def test_each_field_requires_the_permission_of_its_catalog_row(
    entity: Entity, expected: dict[str, str]
) -> None:
    """§2.1/§2.2 permission columns; book seriesTotal needs series_position."""
    fields = catalog_for(entity).fields
    assert {spec.key: spec.permission.suffix for spec in fields} == expected


def test_lock_keys_follow_the_tables() -> None:
    """§1.2: 17 series locks, 27 book locks; coverUrl is locked by `cover`; by-source have none."""
    assert len(SERIES_CATALOG.lock_keys) == 17
    assert len(BOOK_CATALOG.lock_keys) == 27
    assert SERIES_CATALOG.field("coverUrl").lock == "cover"
    assert not SERIES_CATALOG.field("coverUrl").is_lock_gated
    assert SERIES_CATALOG.field("titleSort").lock_column == "title_sort_lock"
    unlocked = [spec.key for spec in SERIES_CATALOG.fields if spec.lock is None]
    assert unlocked == ["rating", "externalRatings", "externalIds", "externalLinks"]
    assert [spec.key for spec in BOOK_CATALOG.fields if spec.lock is None] == ["externalIds"]


@pytest.mark.parametrize("entity", list(Entity))
def test_every_field_lock_is_a_lock_key_of_its_entity(entity: Entity) -> None:
    catalog = catalog_for(entity)
    for spec in catalog.fields:
        assert spec.lock is None or spec.lock in catalog.lock_keys


def test_scalar_columns_are_the_snake_case_keys() -> None:
    assert SERIES_CATALOG.field("totalChapterCount").column == "total_chapter_count"
    assert BOOK_CATALOG.field("originalTitle").column == "original_title"
    assert SERIES_CATALOG.field("genres").column is None
    assert SERIES_CATALOG.field("genres").table == "series_genres"


def test_comparison_kinds_follow_4_3() -> None:
    kinds = {spec.key: spec.comparison for spec in BOOK_CATALOG.fields}
    assert kinds["isbns"] is Comparison.VALUE_SET
    assert kinds["subjects"] is Comparison.NAME_KEY_SET
    assert kinds["authors"] is Comparison.ORDERED_LIST
    assert SERIES_CATALOG.field("alternateTitles").comparison is Comparison.PAIR_SET
    assert SERIES_CATALOG.field("rating").comparison is Comparison.BY_SOURCE
    assert SERIES_CATALOG.field("totalChapterCount").comparison is Comparison.NUMBER
    assert SERIES_CATALOG.field("coverUrl").permission is WritePermission.COVERS


def test_expand_ratings_and_status() -> None:
    """Checklist: expand(series, [ratings, status], []) = {rating, externalRatings, status,
    year}."""
    fields = expand(Entity.SERIES, ["ratings", "status"], [])
    assert fields == ("status", "year", "rating", "externalRatings")  # catalog order


def test_expand_identifiers_with_extra_fields_deduplicates() -> None:
    """Checklist: expand(series, [identifiers], [title, summary])."""
    fields = expand(Entity.SERIES, ["identifiers"], ["title", "summary"])
    assert fields == ("title", "titleSort", "alternateTitles", "summary")


def test_an_unknown_group_is_reported_with_its_path() -> None:
    """Checklist: an unknown group gives 400 `unknown field group 'x'`."""
    with pytest.raises(ValidationFailed) as caught:
        expand(Entity.SERIES, ["status", "x", "y"], [])
    assert caught.value.errors == [FieldError("fieldGroups[1]", "unknown field group 'x'")]
    assert caught.value.message == "unknown field group 'x'"


def test_the_book_group_numbering_is_unknown_for_series() -> None:
    """Checklist: the book group `numbering` in a series list counts as unknown."""
    with pytest.raises(ValidationFailed) as caught:
        expand(Entity.SERIES, ["numbering"], [], groups_path="config.fieldGroups")
    assert caught.value.errors == [
        FieldError("config.fieldGroups[0]", "unknown field group 'numbering'")
    ]


def test_an_unknown_field_is_reported() -> None:
    """Checklist: an unknown field gives 400 `unknown field 'x'`; status is not a book field."""
    with pytest.raises(ValidationFailed) as caught:
        expand(Entity.BOOK, ["isbn"], ["volume", "status"], fields_path="config.bookExtraFields")
    assert caught.value.errors == [
        FieldError("config.bookExtraFields[1]", "unknown field 'status'")
    ]


def test_names_are_case_sensitive() -> None:
    with pytest.raises(ValidationFailed, match="unknown field group 'Status'"):
        expand(Entity.SERIES, ["Status"], [])
    with pytest.raises(ValidationFailed, match="unknown field 'Title'"):
        expand(Entity.SERIES, [], ["Title"])


def test_an_empty_union_is_returned_for_the_caller_to_word() -> None:
    assert expand(Entity.BOOK, [], []) == ()


def test_the_apply_filter_refuses_an_empty_list_and_unknown_fields() -> None:
    """§2.4/§8.3: `fields: []` gives `choose at least one field`; None is the whole catalog."""
    assert validate_field_filter(Entity.SERIES, None) is None
    assert validate_field_filter(Entity.SERIES, ["summary", "title"]) == {"summary", "title"}
    with pytest.raises(ValidationFailed) as caught:
        validate_field_filter(Entity.SERIES, [])
    assert caught.value.errors == [FieldError("fields", "choose at least one field")]
    with pytest.raises(ValidationFailed) as caught:
        validate_field_filter(Entity.BOOK, ["title", "bogus"])
    assert caught.value.errors == [FieldError("fields[1]", "unknown field 'bogus'")]


def test_in_order_rejects_keys_outside_the_catalog() -> None:
    """§2.4: an unknown key reaching the applier is a programming error (ValueError)."""
    with pytest.raises(ValueError):
        SERIES_CATALOG.in_order(["title", "volume"])
