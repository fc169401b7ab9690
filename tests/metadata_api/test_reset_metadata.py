"""POST …/metadata/reset (metadata §7.4)."""

from __future__ import annotations

from sqlalchemy import select

from colophon.metadata.models import SeriesExternalLink, SeriesExternalRating
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue, audit_rows, book_row, series_row


async def test_reset_restores_the_folder_name_and_clears_the_locks(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: reset restores the series title to the folder name and clears its locks."""
    series_id = await catalogue.series("Berserk")
    await admin.patch(
        f"/api/v1/series/{series_id}/metadata",
        json={"title": "Ōkami", "summary": "x", "genres": ["Action"], "year": 1989},
    )

    response = await admin.post(f"/api/v1/series/{series_id}/metadata/reset")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Berserk"
    assert (body["summary"], body["genres"], body["year"]) == (None, [], None)
    assert not any(body["locks"].values())
    assert (await series_row(app_runtime.db, series_id)).search_title == "berserk"
    # Audited like a PATCH: one row per field the reset changed, after the four edits.
    rows = await audit_rows(app_runtime.db, series_id)
    assert [(r.field, r.before, r.after) for r in rows[4:]] == [
        ("title", "Ōkami", "Berserk"),
        ("summary", "x", None),
        ("year", 1989, None),
        ("genres", ["Action"], []),
    ]
    assert {r.source for r in rows[4:]} == {rows[0].source}


async def test_reset_of_chosen_fields_leaves_the_others(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§7.4: `fields` limits the reset; other values and locks stay."""
    series_id = await catalogue.series()
    await admin.patch(
        f"/api/v1/series/{series_id}/metadata", json={"summary": "x", "publisher": "Dark Horse"}
    )

    response = await admin.post(
        f"/api/v1/series/{series_id}/metadata/reset", json={"fields": ["summary"]}
    )

    body = response.json()
    assert (body["summary"], body["publisher"]) == (None, "Dark Horse")
    assert (body["locks"]["summary"], body["locks"]["publisher"]) == (False, True)


async def test_reset_clears_the_lock_even_when_the_value_is_already_empty(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.4: each reset field loses its lock; an unchanged value writes no audit row."""
    series_id = await catalogue.series(status_lock=True)

    response = await admin.post(
        f"/api/v1/series/{series_id}/metadata/reset", json={"fields": ["status"]}
    )

    assert response.json()["locks"]["status"] is False
    assert await audit_rows(app_runtime.db, series_id) == []


async def test_a_book_reset_clears_the_title(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.4: a book title becomes NULL; its search title becomes empty."""
    book_id = await catalogue.book(title="Volume 1", number="1", isbns=["9780134685991"])

    response = await admin.post(f"/api/v1/books/{book_id}/metadata/reset", json={})

    body = response.json()
    assert (body["title"], body["number"], body["isbns"]) == (None, None, [])
    assert (await book_row(app_runtime.db, book_id)).search_title == ""


async def test_reset_leaves_ids_links_and_ratings_alone(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.4: external ids, links, ratings and covers are not touched."""
    series_id = await catalogue.series()
    await admin.put(f"/api/v1/series/{series_id}/external-ids/mylar", json={"externalId": "42"})
    async with app_runtime.db.write() as session:
        session.add(
            SeriesExternalLink(series_id=series_id, source="mangabaka", url="https://m.b/1")
        )
        session.add(SeriesExternalRating(series_id=series_id, source="anilist", score=91.0))

    body = (await admin.post(f"/api/v1/series/{series_id}/metadata/reset")).json()

    assert [i["externalId"] for i in body["externalIds"]] == ["42"]
    assert body["externalLinks"] == [{"source": "mangabaka", "url": "https://m.b/1"}]
    assert [r["score"] for r in body["externalRatings"]] == [91.0]
    async with app_runtime.db.read() as session:
        assert len((await session.execute(select(SeriesExternalLink.id))).all()) == 1


async def test_an_unknown_reset_field_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    """§7.4 + §2.4: an unknown key in `fields` is 400 `unknown field '<x>'`."""
    series_id = await catalogue.series()

    response = await admin.post(
        f"/api/v1/series/{series_id}/metadata/reset", json={"fields": ["summary", "coverUrl"]}
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "validation_error",
        "message": "unknown field 'coverUrl'",
        "errors": [{"field": "fields[1]", "message": "unknown field 'coverUrl'"}],
    }
