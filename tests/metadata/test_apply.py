"""The applier's gates, projections and list semantics on both databases (metadata §4.1 to §4.6)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from tests.metadata.conftest import Catalogue, make_plugin

from colophon.db.database import Database
from colophon.errors import NotFound
from colophon.metadata.apply import apply_book_metadata, apply_series_metadata
from colophon.metadata.models import (
    BookMetadata,
    Genre,
    MetadataChange,
    SeriesAlternateTitle,
    SeriesExternalId,
    SeriesExternalLink,
    SeriesExternalRating,
    SeriesMetadata,
)
from colophon.metadata.payloads import normalise_book_payload, normalise_series_payload
from colophon.metadata.plan import ApplyResult

PLUGIN = make_plugin()


async def apply(
    db: Database,
    series_id: uuid.UUID,
    *,
    plugin: Any = PLUGIN,
    fields: frozenset[str] | None = None,
    dry_run: bool = False,
    run_id: uuid.UUID | None = None,
    **payload: Any,
) -> ApplyResult:
    normalised = normalise_series_payload({"externalId": "42", **payload})
    return await apply_series_metadata(
        db, series_id, plugin, normalised, fields=fields, dry_run=dry_run, run_id=run_id
    )


async def apply_book(
    db: Database, book_id: uuid.UUID, *, plugin: Any = PLUGIN, **payload: Any
) -> ApplyResult:
    normalised = normalise_book_payload({"externalId": "b-1", **payload})
    return await apply_book_metadata(db, book_id, plugin, normalised, fields=None, dry_run=False)


async def audit_rows(catalogue: Catalogue, entity_id: uuid.UUID) -> list[MetadataChange]:
    return await catalogue.rows(
        select(MetadataChange)
        .where(MetadataChange.entity_id == entity_id)
        .order_by(MetadataChange.id)
    )


def skipped(result: ApplyResult) -> dict[str, str]:
    return {s.field: s.reason for s in result.skipped}


async def test_a_field_outside_fields_is_not_reported(db: Database, catalogue: Catalogue) -> None:
    """Checklist: a field outside `fields` is in none of applied, unchanged and skipped."""
    series_id = await catalogue.series()
    result = await apply(db, series_id, fields=frozenset({"summary"}), summary="S", year=2001)
    assert result.applied == ("summary",)
    assert result.unchanged == () and result.skipped == ()
    row = await catalogue.row(SeriesMetadata, series_id)
    assert row.year is None  # filtered out, so not written either


async def test_a_locked_field_is_skipped_and_keeps_its_value(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: a locked field is skipped `Field is locked` and keeps its value."""
    series_id = await catalogue.series(summary="Mine", summary_lock=True)
    result = await apply(db, series_id, summary="Theirs")
    assert skipped(result) == {"summary": "Field is locked"}
    assert (await catalogue.row(SeriesMetadata, series_id)).summary == "Mine"


async def test_a_locked_unpermitted_field_reports_the_lock(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: a field that is also unpermitted still reports the lock."""
    series_id = await catalogue.series(year_lock=True)
    plugin = make_plugin("metadata:write:title")
    result = await apply(db, series_id, plugin=plugin, year=2001, summary="S")
    assert skipped(result) == {
        "summary": "Plugin does not have permission",
        "year": "Field is locked",
    }


async def test_an_invalid_value_is_reported_even_when_locked(
    db: Database, catalogue: Catalogue
) -> None:
    """§4.2: the presence gate comes before the lock."""
    series_id = await catalogue.series(status_lock=True)
    result = await apply(db, series_id, status="finished", year=2001)
    assert result.skipped[0].field == "status"
    assert result.skipped[0].reason == "Invalid value: unknown status 'finished'"
    assert result.applied == ("year",)  # the other fields still apply


async def test_an_unpermitted_field_is_skipped(db: Database, catalogue: Catalogue) -> None:
    """Checklist: only `metadata:write:title` skips both counts for permission."""
    series_id = await catalogue.series()
    plugin = make_plugin("metadata:write:title")
    result = await apply(
        db, series_id, plugin=plugin, totalVolumeCount=3, totalChapterCount=20.5, title="Berserk"
    )
    assert skipped(result) == {
        "totalVolumeCount": "Plugin does not have permission",
        "totalChapterCount": "Plugin does not have permission",
    }
    assert result.unchanged == ("title",)


async def test_an_equal_value_is_unchanged_without_write_or_audit(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: equal value → unchanged; 109 vs stored 109.0; genres by NK set."""
    series_id = await catalogue.series(total_chapter_count=109.0, summary="Same")
    await apply(db, series_id, genres=["Action", "Drama"])
    before = await catalogue.row(SeriesMetadata, series_id)
    audit_before = len(await audit_rows(catalogue, series_id))

    result = await apply(
        db, series_id, totalChapterCount=109, summary="Same", genres=["drama", "ACTION"]
    )

    assert result.unchanged == ("summary", "totalChapterCount", "genres")
    assert result.applied == () and result.changes == ()
    assert len(await audit_rows(catalogue, series_id)) == audit_before
    after = await catalogue.row(SeriesMetadata, series_id)
    assert after.summary == before.summary and after.total_chapter_count == 109.0


async def test_authors_in_a_new_order_are_changed(db: Database, catalogue: Catalogue) -> None:
    """Checklist: authors in a new order are changed (ordered-list comparison)."""
    series_id = await catalogue.series()
    await apply(db, series_id, authors=["A", "B"])
    result = await apply(db, series_id, authors=["B", "A"])
    assert result.applied == ("authors",)
    assert result.changes[0].before == [
        {"name": "A", "role": "author"},
        {"name": "B", "role": "author"},
    ]
    row = await catalogue.row(SeriesMetadata, series_id)
    assert [a["name"] for a in row.authors] == ["B", "A"]


async def test_changes_follow_catalog_order_and_always_carry_before(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: one change per applied field, in catalog order, every one with `before`."""
    series_id = await catalogue.series()
    result = await apply(
        db,
        series_id,
        publisher="Dark Horse",
        year=1989,
        summary="Guts",
        rating={"source": "AniList", "score": 91},
    )
    assert result.applied == ("summary", "year", "rating", "publisher")
    assert [c.field for c in result.changes] == list(result.applied)
    assert all("before" in change for change in result.to_json()["changes"])
    assert result.to_json()["changes"][0] == {"field": "summary", "before": None, "after": "Guts"}


async def test_null_blank_and_empty_values_never_clear(db: Database, catalogue: Catalogue) -> None:
    """Checklist: null, blank and empty-list payload values never clear stored data."""
    series_id = await catalogue.series(summary="Keep", publisher="Keep", year=1989)
    await apply(db, series_id, genres=["Action"])
    result = await apply(db, series_id, summary="  ", publisher=None, year=None, genres=[])
    assert (result.applied, result.unchanged, result.skipped) == ((), (), ())
    row = await catalogue.row(SeriesMetadata, series_id)
    assert (row.summary, row.publisher, row.year) == ("Keep", "Keep", 1989)
    assert [g.name for g in await catalogue.rows(select(Genre))] == ["Action"]


async def test_the_wildcard_grants_every_field(db: Database, catalogue: Catalogue) -> None:
    series_id = await catalogue.series()
    result = await apply(db, series_id, summary="S", ageRating=16, language="EN")
    assert result.applied == ("summary", "ageRating", "language")


async def test_book_series_total_needs_series_position(db: Database, catalogue: Catalogue) -> None:
    """Checklist: book `seriesTotal` is gated by `metadata:write:series_position`."""
    book_id = await catalogue.book()
    refused = await apply_book(
        db, book_id, plugin=make_plugin("metadata:write:volume"), seriesTotal=9
    )
    assert skipped(refused) == {"seriesTotal": "Plugin does not have permission"}
    granted = make_plugin("metadata:write:series_position")
    assert (await apply_book(db, book_id, plugin=granted, seriesTotal=9)).applied == (
        "seriesTotal",
    )


# --- title and titleSort (§4.4) ----------------------------------------------------------


async def test_a_title_write_sets_title_sort_and_search_title(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: title applied with title_sort unlocked sets it; search_title recomputed."""
    series_id = await catalogue.series(title="Old")
    result = await apply(db, series_id, title="Ōkami Kage")
    assert result.applied == ("title", "titleSort")
    row = await catalogue.row(SeriesMetadata, series_id)
    assert (row.title, row.title_sort, row.search_title) == (
        "Ōkami Kage",
        "Ōkami Kage",
        "okami kage",
    )


async def test_a_locked_title_sort_is_reported(db: Database, catalogue: Catalogue) -> None:
    """Checklist: with title_sort locked, titleSort is skipped `Field is locked`."""
    series_id = await catalogue.series(title="Old", title_sort="Old, The", title_sort_lock=True)
    result = await apply(db, series_id, title="New")
    assert result.applied == ("title",)
    assert skipped(result) == {"titleSort": "Field is locked"}
    assert (await catalogue.row(SeriesMetadata, series_id)).title_sort == "Old, The"


async def test_an_unchanged_title_fills_a_missing_sort_key(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: an unchanged title with title_sort NULL applies only titleSort."""
    series_id = await catalogue.series(title="Berserk")
    result = await apply(db, series_id, title="Berserk")
    assert result.unchanged == ("title",)
    assert result.applied == ("titleSort",)
    assert result.changes[0].before is None and result.changes[0].after == "Berserk"


async def test_a_locked_title_leaves_title_sort_unreported(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: a locked title leaves `titleSort` unreported."""
    series_id = await catalogue.series(title="Mine", title_lock=True)
    result = await apply(db, series_id, title="Theirs")
    assert skipped(result) == {"title": "Field is locked"}
    assert result.applied == () and result.unchanged == ()


async def test_a_title_sort_filter_alone_writes_nothing(db: Database, catalogue: Catalogue) -> None:
    """Checklist: a filter of `{titleSort}` alone writes nothing."""
    series_id = await catalogue.series(title="Old")
    result = await apply(db, series_id, fields=frozenset({"titleSort"}), title="New")
    assert (result.applied, result.unchanged, result.skipped) == ((), (), ())
    assert (await catalogue.row(SeriesMetadata, series_id)).title_sort is None


# --- publisher, lists, by-source merges (§4.5, §4.6) --------------------------------------


async def test_applying_publisher_leaves_imprint(db: Database, catalogue: Catalogue) -> None:
    """Checklist: applying publisher leaves imprint unchanged."""
    series_id = await catalogue.series(publisher="Old", imprint="Kept Imprint")
    assert (await apply(db, series_id, publisher="New")).applied == ("publisher",)
    row = await catalogue.row(SeriesMetadata, series_id)
    assert (row.publisher, row.imprint) == ("New", "Kept Imprint")


async def test_alternate_titles_are_replaced_whole(db: Database, catalogue: Catalogue) -> None:
    """Checklist: alternate titles replaced whole; two titles labelled `en` are both stored."""
    series_id = await catalogue.series()
    await apply(db, series_id, alternateTitles=[{"title": "Gone", "language": "fr"}])
    result = await apply(
        db,
        series_id,
        alternateTitles=[{"title": "B", "language": "en"}, {"title": "A", "language": "en"}],
    )
    assert result.changes[0].before == [{"label": "fr", "title": "Gone"}]
    assert result.changes[0].after == [{"label": "en", "title": "A"}, {"label": "en", "title": "B"}]
    rows = await catalogue.rows(
        select(SeriesAlternateTitle).where(SeriesAlternateTitle.series_id == series_id)
    )
    assert sorted((r.label, r.title) for r in rows) == [("en", "A"), ("en", "B")]


async def test_genres_share_one_row_per_name_key(db: Database, catalogue: Catalogue) -> None:
    """Checklist: `Action` and ` action ` resolve to one genres row with the first casing."""
    first, second = await catalogue.series(), await catalogue.series("Vagabond")
    await apply(db, first, genres=["Action"])
    await apply(db, second, genres=[" action ", "Drama"])
    names = sorted(g.name for g in await catalogue.rows(select(Genre)))
    assert names == ["Action", "Drama"]


async def test_link_merge_keeps_other_sources(db: Database, catalogue: Catalogue) -> None:
    """Checklist: another source's link survives; the same source gets the new URL."""
    series_id = await catalogue.series()
    await apply(
        db,
        series_id,
        externalLinks=[
            {"url": "https://a.example/1", "label": "A"},
            {"url": "https://b.example/1", "label": "B"},
        ],
    )
    result = await apply(
        db, series_id, externalLinks=[{"url": "https://a.example/2", "label": "a"}]
    )
    assert result.changes[0].before == [{"source": "a", "url": "https://a.example/1"}]
    assert result.changes[0].after == [{"source": "a", "url": "https://a.example/2"}]
    rows = await catalogue.rows(
        select(SeriesExternalLink).where(SeriesExternalLink.series_id == series_id)
    )
    assert sorted((r.source, r.url) for r in rows) == [
        ("a", "https://a.example/2"),
        ("b", "https://b.example/1"),
    ]


async def test_an_id_upsert_keeps_the_stored_url(db: Database, catalogue: Catalogue) -> None:
    """Checklist: an id upsert keeps the stored `external_url`."""
    series_id = await catalogue.series()
    async with db.write() as session:
        session.add(
            SeriesExternalId(
                series_id=series_id,
                source="api:anilist",
                external_id="1",
                external_url="https://anilist.co/manga/1",
            )
        )
    result = await apply(db, series_id, externalIds=[{"source": "AniList", "externalId": "2"}])
    assert result.applied == ("externalIds",)
    row = (
        await catalogue.rows(
            select(SeriesExternalId).where(
                SeriesExternalId.series_id == series_id, SeriesExternalId.source == "api:anilist"
            )
        )
    )[0]
    assert (row.external_id, row.external_url) == ("2", "https://anilist.co/manga/1")
    assert row.last_synced_at is not None


async def test_a_rating_without_vote_count_keeps_the_stored_one(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: a rating without voteCount keeps the stored vote_count; `after` shows it."""
    series_id = await catalogue.series()
    await apply(db, series_id, rating={"source": "AniList", "score": 80, "voteCount": 500})
    result = await apply(db, series_id, rating={"source": "AniList", "score": 85})
    assert result.changes[0].before == {"source": "anilist", "score": 80.0, "voteCount": 500}
    assert result.changes[0].after == {"source": "anilist", "score": 85.0, "voteCount": 500}
    rows = await catalogue.rows(
        select(SeriesExternalRating).where(SeriesExternalRating.series_id == series_id)
    )
    assert [(r.score, r.vote_count) for r in rows] == [(85.0, 500)]
    again = await apply(db, series_id, rating={"source": "anilist", "score": 85})
    assert again.unchanged == ("rating",)


async def test_rating_and_external_ratings_are_reported_independently(
    db: Database, catalogue: Catalogue
) -> None:
    series_id = await catalogue.series()
    result = await apply(
        db,
        series_id,
        rating={"source": "AniList", "score": 120},
        externalRatings=[{"source": "MAL", "score": 88}],
    )
    assert skipped(result) == {"rating": "Invalid value: out of range 0..100: 120"}
    assert result.applied == ("externalRatings",)


async def test_book_genres_and_tags_replace_like_series(db: Database, catalogue: Catalogue) -> None:
    """Checklist: book genres/tags replace, set-of-NK comparison, shared taxonomy."""
    book_id = await catalogue.book()
    first = await apply_book(db, book_id, genres=["Action", "Drama"], tags=["Swords"])
    assert first.applied == ("genres", "tags")
    result = await apply_book(db, book_id, genres=["drama", "ACTION"], tags=["Magic"])
    assert result.unchanged == ("genres",)
    assert result.changes[0].before == ["Swords"] and result.changes[0].after == ["Magic"]
    genres = await apply_book(db, book_id, plugin=make_plugin("metadata:write:tags"), genres=["X"])
    assert skipped(genres) == {"genres": "Plugin does not have permission"}


async def test_book_lists_and_scalars(db: Database, catalogue: Catalogue) -> None:
    book_id = await catalogue.book(title=None)
    result = await apply_book(
        db,
        book_id,
        title="Dune",
        authors=["Frank Herbert"],
        isbn="978-0-441-17271-9",
        subjects=["Science Fiction"],
        awards=[{"name": "Hugo Award", "year": 1966, "won": True}],
        volume=7.0,
        bookType="Novel",
    )
    assert result.applied == (
        "title", "titleSort", "authors", "volume", "isbns", "subjects", "awards", "bookType",
    )  # fmt: skip
    row = await catalogue.row(BookMetadata, book_id)
    assert row.isbns == ["9780441172719"] and row.volume == 7 and row.book_type == "novel"
    assert row.awards == [{"name": "Hugo Award", "year": 1966, "won": True}]
    assert row.search_title == "dune"


async def test_a_missing_series_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="series not found"):
        await apply(db, uuid.uuid4(), summary="x")
