"""PATCH /series/{id}/metadata and its book twin (metadata §7.2)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from colophon.metadata.models import BookGenre, Genre, SeriesGenre
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue, audit_rows, book_row, series_row


async def _admin_id(admin: ApiClient) -> str:
    return str((await admin.get("/api/v1/auth/me")).json()["id"])


async def test_a_patch_sets_the_value_and_the_lock_of_the_field(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """Checklist: PATCH `{summary: "x"}` sets summary_lock."""
    series_id = await catalogue.series()

    response = await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"summary": "x"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == "x"
    assert body["locks"]["summary"] is True
    # Only the edited key is locked; the user never touched the others.
    assert [key for key, locked in body["locks"].items() if locked] == ["summary"]
    assert (await admin.get(f"/api/v1/series/{series_id}/metadata")).json() == body


async def test_a_patch_writes_audit_rows_with_the_user_source(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: a PATCH writes audit rows with source `user:<id>` and user_id set."""
    series_id = await catalogue.series()
    user_id = await _admin_id(admin)

    await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"summary": "x", "year": 1989})

    rows = await audit_rows(app_runtime.db, series_id)
    assert [(r.field, r.before, r.after) for r in rows] == [
        ("summary", None, "x"),
        ("year", None, 1989),
    ]
    assert {r.source for r in rows} == {f"user:{user_id}"}
    assert {str(r.user_id) for r in rows} == {user_id}
    assert {r.run_id for r in rows} == {None}
    assert {r.library_id for r in rows} == {catalogue.library_id}
    assert {r.entity_type for r in rows} == {"series"}


async def test_lock_false_leaves_the_locks_as_they_were(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """Checklist: with `lock: false`, the lock is left as it was."""
    series_id = await catalogue.series(year_lock=True)

    response = await admin.patch(
        f"/api/v1/series/{series_id}/metadata",
        json={"summary": "x", "year": 2001, "lock": False},
    )

    body = response.json()
    assert (body["summary"], body["year"]) == ("x", 2001)
    assert body["locks"]["summary"] is False
    assert body["locks"]["year"] is True  # set before; lock false does not clear it


async def test_an_unchanged_value_still_gets_its_lock_and_no_audit_row(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: an unchanged value still gets its lock set, and no audit row is written."""
    series_id = await catalogue.series(publisher="Hakusensha")

    response = await admin.patch(
        f"/api/v1/series/{series_id}/metadata", json={"publisher": " Hakusensha "}
    )

    assert response.json()["locks"]["publisher"] is True
    assert await audit_rows(app_runtime.db, series_id) == []


async def test_user_edits_ignore_locks(admin: ApiClient, catalogue: Catalogue) -> None:
    """§7.2: the user is the authority; a locked field is still written by a PATCH."""
    series_id = await catalogue.series(summary="old", summary_lock=True)

    response = await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"summary": "new"})

    assert response.json()["summary"] == "new"


async def test_clearing_the_series_title_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    """Checklist: PATCH `{title: null}` on a series gives 400 `title must not be empty`."""
    series_id = await catalogue.series()

    for blank in (None, "   "):
        response = await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"title": blank})
        assert response.status_code == 400
        assert response.json() == {
            "error": "validation_error",
            "message": "title must not be empty",
            "errors": [{"field": "title", "message": "title must not be empty"}],
        }


async def test_a_book_title_can_be_cleared(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.2: only the series title is required; a NULL book title shows the file stem."""
    book_id = await catalogue.book(title="Volume 1")

    response = await admin.patch(f"/api/v1/books/{book_id}/metadata", json={"title": None})

    assert response.status_code == 200
    assert response.json()["title"] is None
    assert (await book_row(app_runtime.db, book_id)).search_title == ""


async def test_an_unknown_key_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    """Checklist: PATCH `{foo: 1}` gives 400 `unknown field 'foo'`."""
    series_id = await catalogue.series()

    response = await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"foo": 1})

    assert response.status_code == 400
    assert response.json() == {
        "error": "validation_error",
        "message": "unknown field 'foo'",
        "errors": [{"field": "foo", "message": "unknown field 'foo'"}],
    }


async def test_catalog_keys_that_are_not_editable_are_unknown(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§7.2: coverUrl and externalIds have their own APIs; book keys are not series keys."""
    series_id = await catalogue.series()
    book_id = await catalogue.book()

    for url, key in [
        (f"/api/v1/series/{series_id}/metadata", "coverUrl"),
        (f"/api/v1/series/{series_id}/metadata", "externalIds"),
        (f"/api/v1/series/{series_id}/metadata", "volume"),
        (f"/api/v1/books/{book_id}/metadata", "status"),
        (f"/api/v1/books/{book_id}/metadata", "coverUrl"),
    ]:
        response = await admin.patch(url, json={key: "x"})
        assert response.status_code == 400
        assert response.json()["message"] == f"unknown field '{key}'"


async def test_a_patch_with_one_invalid_value_writes_nothing(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: a PATCH with one invalid value writes nothing (values, locks, audit)."""
    series_id = await catalogue.series(summary="old")
    before = (await admin.get(f"/api/v1/series/{series_id}/metadata")).json()

    response = await admin.patch(
        f"/api/v1/series/{series_id}/metadata",
        json={"summary": "new", "genres": ["Drama"], "year": True},
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "validation_error",
        "message": "invalid value for 'year': expected integer",
        "errors": [{"field": "year", "message": "invalid value for 'year': expected integer"}],
    }
    assert (await admin.get(f"/api/v1/series/{series_id}/metadata")).json() == before
    assert await audit_rows(app_runtime.db, series_id) == []


async def test_values_go_through_the_payload_normalisation(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§7.2: values follow §3.6 (enum aliases, language casing, authors from strings)."""
    series_id = await catalogue.series()

    response = await admin.patch(
        f"/api/v1/series/{series_id}/metadata",
        json={
            "title": "  Berserk   Deluxe ",
            "status": "Completed",
            "language": "PT-br",
            "readingDirection": "RTL",
            "authors": ["Kentaro Miura", {"name": "Kouji Mori", "role": "Writer"}],
            "totalChapterCount": 364,
            "alternateTitles": [{"label": "JA", "title": "ベルセルク"}, {"title": "Berserk"}],
        },
    )

    body = response.json()
    assert body["title"] == "Berserk Deluxe"
    assert body["status"] == "ended"
    assert body["language"] == "pt-BR"
    assert body["readingDirection"] == "rtl"
    assert body["authors"] == [
        {"name": "Kentaro Miura", "role": "author", "sortName": None},
        {"name": "Kouji Mori", "role": "writer", "sortName": None},
    ]
    assert body["totalChapterCount"] == 364.0
    assert body["alternateTitles"] == [
        {"label": "alternate", "title": "Berserk"},
        {"label": "ja", "title": "ベルセルク"},
    ]


async def test_bad_values_name_the_field_and_the_detail(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§7.2: a bad value is 400 `invalid value for '<field>': <detail>`, not a skip."""
    series_id = await catalogue.series()
    book_id = await catalogue.book()
    series, book = f"/api/v1/series/{series_id}", f"/api/v1/books/{book_id}"
    cases = [
        (series, {"status": "finished"}, "unknown status 'finished'"),
        (series, {"language": "english!"}, "invalid language tag 'english!'"),
        (series, {"authors": [{"name": "A", "role": "Story"}]}, "unknown author role 'story'"),
        (series, {"genres": "Action"}, "expected list"),
        (book, {"volume": 1.5}, "not a whole number: 1.5"),
        (book, {"month": 13}, "out of range 1..12: 13"),
        (book, {"bookType": "zine"}, "unknown book type 'zine'"),
    ]  # fmt: skip
    for url, body, detail in cases:
        response = await admin.patch(f"{url}/metadata", json=body)
        key = next(iter(body))
        assert response.status_code == 400, body
        assert response.json()["message"] == f"invalid value for '{key}': {detail}"


async def test_null_clears_a_scalar_and_an_empty_list_clears_a_list(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.2: `null` clears a scalar and `[]` clears a list; both are audited."""
    series_id = await catalogue.series(summary="old", authors=[{"name": "A", "role": "author"}])
    await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"genres": ["Drama"]})

    response = await admin.patch(
        f"/api/v1/series/{series_id}/metadata",
        json={"summary": None, "authors": [], "genres": []},
    )

    body = response.json()
    assert (body["summary"], body["authors"], body["genres"]) == (None, [], [])
    rows = await audit_rows(app_runtime.db, series_id)
    assert [(r.field, r.before, r.after) for r in rows[1:]] == [
        ("summary", "old", None),
        ("authors", [{"name": "A", "role": "author"}], []),
        ("genres", ["Drama"], []),
    ]


async def test_a_title_write_recomputes_search_title(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: a title write recomputes `search_title`: `Ōkami Kage` → `okami kage`."""
    series_id = await catalogue.series()
    book_id = await catalogue.book()

    await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"title": "Ōkami Kage"})
    await admin.patch(f"/api/v1/books/{book_id}/metadata", json={"title": "Ōkami  Kage"})

    assert (await series_row(app_runtime.db, series_id)).search_title == "okami kage"
    assert (await book_row(app_runtime.db, book_id)).search_title == "okami kage"


async def test_title_sort_is_never_derived_by_a_patch(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§7.2: `titleSort` is written only when sent."""
    series_id = await catalogue.series()

    response = await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"title": "Claymore"})

    assert response.json()["titleSort"] is None
    response = await admin.patch(
        f"/api/v1/series/{series_id}/metadata", json={"titleSort": "Claymore, The"}
    )
    assert response.json()["titleSort"] == "Claymore, The"
    assert response.json()["locks"]["titleSort"] is True


async def test_genres_differing_only_in_case_and_spaces_share_one_row(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: genres `Action` and ` action ` resolve to one row keeping the first casing."""
    first = await catalogue.series("Berserk")
    second = await catalogue.series("Claymore")

    await admin.patch(f"/api/v1/series/{first}/metadata", json={"genres": ["Action"]})
    response = await admin.patch(
        f"/api/v1/series/{second}/metadata", json={"genres": [" action ", "ACTION"]}
    )

    assert response.json()["genres"] == ["Action"]
    async with app_runtime.db.read() as session:
        genres = (await session.execute(select(Genre.name, Genre.normalized_name))).all()
        links = (await session.execute(select(SeriesGenre.series_id))).scalars().all()
    assert [tuple(g) for g in genres] == [("Action", "action")]
    assert sorted(links) == sorted([first, second])


async def test_book_genres_use_the_shared_taxonomy(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: a PATCH of book genres goes through the shared taxonomy."""
    series_id = await catalogue.series()
    book_id = await catalogue.book(series_id)
    await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"genres": ["Action", "Drama"]})

    response = await admin.patch(
        f"/api/v1/books/{book_id}/metadata", json={"genres": ["drama", "ACTION", "Horror"]}
    )

    assert response.json()["genres"] == ["Action", "Drama", "Horror"]
    async with app_runtime.db.read() as session:
        names = sorted((await session.execute(select(Genre.name))).scalars().all())
        book_links = (
            await session.execute(select(BookGenre.book_id).where(BookGenre.book_id == book_id))
        ).all()
    assert names == ["Action", "Drama", "Horror"]
    assert len(book_links) == 3


async def test_book_patch_only_fields_are_written_and_locked(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§7.2: books also take number, imprint, month and day."""
    book_id = await catalogue.book()

    response = await admin.patch(
        f"/api/v1/books/{book_id}/metadata",
        json={
            "number": "12a",
            "imprint": "Young Animal",
            "month": 7,
            "day": 14.0,
            "isbns": ["978-0-13-468599-1", "bogus"],
            "awards": [{"name": " Eisner ", "year": 2002, "won": True}],
            "subjects": ["Fantasy", "fantasy"],
        },
    )

    body = response.json()
    assert (body["number"], body["imprint"], body["month"], body["day"]) == (
        "12a", "Young Animal", 7, 14,
    )  # fmt: skip
    assert body["isbns"] == ["9780134685991"]
    assert body["awards"] == [{"name": "Eisner", "year": 2002, "category": None, "won": True}]
    assert body["subjects"] == ["Fantasy"]
    locked = {key for key, value in body["locks"].items() if value}
    assert locked == {"number", "imprint", "month", "day", "isbns", "awards", "subjects"}


async def test_a_patch_bumps_updated_at(admin: ApiClient, catalogue: Catalogue) -> None:
    """§1.2: every write to the row or its related tables bumps updated_at."""
    series_id = await catalogue.series()
    before = (await admin.get(f"/api/v1/series/{series_id}/metadata")).json()["updatedAt"]

    after = (
        await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"tags": ["Dark"]})
    ).json()["updatedAt"]

    assert after > before


async def test_a_patch_emits_metadata_updated_after_commit(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Platform §4.3: `series.metadata_updated` / `book.metadata_updated` with the user source."""
    series_id = await catalogue.series()
    book_id = await catalogue.book(series_id)
    user_id = await _admin_id(admin)
    subscription = app_runtime.bus.subscribe({"entities"})

    await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"summary": "x", "year": 1})
    await admin.patch(f"/api/v1/books/{book_id}/metadata", json={"volume": 3})
    await admin.patch(f"/api/v1/books/{book_id}/metadata", json={"volume": 3})  # unchanged
    await admin.patch(f"/api/v1/books/{book_id}/metadata", json={"volume": "x"})  # refused

    events = [subscription.queue.get_nowait().data for _ in range(subscription.queue.qsize())]
    for event in events:
        event.pop("timestamp")
    assert events == [
        {
            "type": "series.metadata_updated",
            "userId": user_id,
            "seriesId": str(series_id),
            "libraryId": str(catalogue.library_id),
            "source": f"user:{user_id}",
            "fieldsUpdated": ["summary", "year"],
            "runId": None,
        },
        {
            "type": "book.metadata_updated",
            "userId": user_id,
            "bookId": str(book_id),
            "seriesId": str(series_id),
            "libraryId": str(catalogue.library_id),
            "source": f"user:{user_id}",
            "fieldsUpdated": ["volume"],
        },
    ]


async def test_a_missing_entity_is_404(admin: ApiClient) -> None:
    """§7: 404 `series not found` / `book not found`."""
    missing = uuid.uuid4()
    for path, message in [("series", "series not found"), ("books", "book not found")]:
        for method, suffix, body in [
            ("GET", "metadata", None),
            ("PATCH", "metadata", {"summary": "x"}),
            ("GET", "metadata/locks", None),
            ("PUT", "metadata/locks", {"title": True}),
            ("POST", "metadata/reset", {}),
            ("GET", "metadata/changes", None),
        ]:
            response = await admin.request(method, f"/api/v1/{path}/{missing}/{suffix}", json=body)
            assert response.status_code == 404, (method, path, suffix)
            assert response.json() == {"error": "not_found", "message": message}
