"""GET and PUT …/metadata/locks (metadata §7.3)."""

from __future__ import annotations

from colophon.metadata.catalog import BOOK_LOCK_KEYS, SERIES_LOCK_KEYS
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue, audit_rows, series_row


async def test_get_locks_gives_17_series_keys_and_27_book_keys(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """Checklist: GET locks gives 17 keys for series and 27 for books, all false when new."""
    series_id = await catalogue.series()
    book_id = await catalogue.book(series_id)

    series_locks = (await admin.get(f"/api/v1/series/{series_id}/metadata/locks")).json()
    book_locks = (await admin.get(f"/api/v1/books/{book_id}/metadata/locks")).json()

    assert list(series_locks) == list(SERIES_LOCK_KEYS)
    assert len(series_locks) == 17
    assert list(book_locks) == list(BOOK_LOCK_KEYS)
    assert len(book_locks) == 27
    assert not any(series_locks.values()) and not any(book_locks.values())


async def test_put_sets_only_the_given_keys_and_answers_the_full_map(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.3: a partial map; lock changes are not audited."""
    series_id = await catalogue.series(summary_lock=True)

    response = await admin.put(
        f"/api/v1/series/{series_id}/metadata/locks", json={"titleSort": True, "cover": True}
    )

    assert response.status_code == 200
    locks = response.json()
    assert len(locks) == 17
    assert {key for key, value in locks.items() if value} == {"titleSort", "cover", "summary"}
    row = await series_row(app_runtime.db, series_id)
    assert (row.title_sort_lock, row.cover_lock, row.summary_lock) == (True, True, True)
    assert await audit_rows(app_runtime.db, series_id) == []

    response = await admin.put(
        f"/api/v1/series/{series_id}/metadata/locks", json={"summary": False}
    )
    assert {key for key, value in response.json().items() if value} == {"titleSort", "cover"}


async def test_book_locks_cover_the_patch_only_fields(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§1.2: book lock keys include number, month and day."""
    book_id = await catalogue.book()

    response = await admin.put(
        f"/api/v1/books/{book_id}/metadata/locks", json={"month": True, "seriesTotal": True}
    )

    assert {key for key, value in response.json().items() if value} == {"month", "seriesTotal"}
    metadata = (await admin.get(f"/api/v1/books/{book_id}/metadata")).json()
    assert metadata["locks"] == response.json()


async def test_an_unknown_lock_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    """Checklist: PUT `{bogus: true}` gives 400 `unknown lock 'bogus'`, and nothing changes."""
    series_id = await catalogue.series()

    response = await admin.put(
        f"/api/v1/series/{series_id}/metadata/locks", json={"title": True, "bogus": True}
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "validation_error",
        "message": "unknown lock 'bogus'",
        "errors": [{"field": "bogus", "message": "unknown lock 'bogus'"}],
    }
    locks = (await admin.get(f"/api/v1/series/{series_id}/metadata/locks")).json()
    assert locks["title"] is False


async def test_a_series_only_lock_is_unknown_on_books(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§1.2: `status` has no book lock."""
    book_id = await catalogue.book()

    response = await admin.put(f"/api/v1/books/{book_id}/metadata/locks", json={"status": True})

    assert response.status_code == 400
    assert response.json()["message"] == "unknown lock 'status'"


async def test_a_non_boolean_lock_is_a_schema_error(admin: ApiClient, catalogue: Catalogue) -> None:
    """§7.3: a non-boolean gives 422."""
    series_id = await catalogue.series()

    for value in ("yes", 1, None):
        response = await admin.put(
            f"/api/v1/series/{series_id}/metadata/locks", json={"title": value}
        )
        assert response.status_code == 422, value
        assert response.json()["error"] == "validation_error"
        assert response.json()["errors"][0]["field"] == "title"


async def test_a_non_boolean_patch_lock_flag_is_a_schema_error(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """§7.2: `lock` is a bool; anything else is a request-schema error."""
    series_id = await catalogue.series()

    response = await admin.patch(
        f"/api/v1/series/{series_id}/metadata", json={"summary": "x", "lock": "no"}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lock"
