"""GET …/metadata/changes: an entity's audit rows, newest first (web-ui §8)."""

from __future__ import annotations

import uuid

from colophon.metadata.models import MetadataChange
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue


async def test_history_lists_the_entity_rows_newest_first(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    series_id = await catalogue.series()
    other = await catalogue.series("Claymore")
    await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"summary": "x"})
    await admin.patch(f"/api/v1/series/{series_id}/metadata", json={"summary": "y", "year": 1})
    await admin.patch(f"/api/v1/series/{other}/metadata", json={"summary": "z"})
    me = (await admin.get("/api/v1/auth/me")).json()

    response = await admin.get(f"/api/v1/series/{series_id}/metadata/changes")

    assert response.status_code == 200
    body = response.json()
    assert body["nextCursor"] is None
    assert [(i["field"], i["before"], i["after"]) for i in body["items"]] == [
        ("year", None, 1),
        ("summary", "x", "y"),
        ("summary", None, "x"),
    ]
    first = body["items"][0]
    assert set(first) == {
        "id", "field", "before", "after", "source", "runId", "jobId", "jobName", "userName",
        "createdAt",
    }  # fmt: skip
    assert first["source"] == f"user:{me['id']}"
    assert (first["runId"], first["jobId"], first["jobName"]) == (None, None, None)
    assert first["userName"] == "admin"
    assert first["createdAt"].endswith("Z")


async def test_history_pages_with_limit_and_cursor(admin: ApiClient, catalogue: Catalogue) -> None:
    book_id = await catalogue.book()
    for volume in range(1, 6):
        await admin.patch(f"/api/v1/books/{book_id}/metadata", json={"volume": volume})

    first = (await admin.get(f"/api/v1/books/{book_id}/metadata/changes?limit=2")).json()
    second = (
        await admin.get(
            f"/api/v1/books/{book_id}/metadata/changes?limit=2&cursor={first['nextCursor']}"
        )
    ).json()
    third = (
        await admin.get(
            f"/api/v1/books/{book_id}/metadata/changes?limit=2&cursor={second['nextCursor']}"
        )
    ).json()

    pages = [first, second, third]
    assert [[i["after"] for i in page["items"]] for page in pages] == [[5, 4], [3, 2], [1]]
    assert third["nextCursor"] is None


async def test_rows_from_runs_and_the_scanner_show_their_source(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """A run's row keeps its run id; a row without a user has no user name."""
    series_id = await catalogue.series()
    run_id = uuid.uuid4()
    async with app_runtime.db.write() as session:
        for source, run in (("scanner", None), ("plugin:anilist", run_id)):
            session.add(
                MetadataChange(
                    entity_type="series",
                    entity_id=series_id,
                    library_id=catalogue.library_id,
                    field="year",
                    before=None,
                    after=2000,
                    source=source,
                    run_id=run,
                )
            )

    items = (await admin.get(f"/api/v1/series/{series_id}/metadata/changes")).json()["items"]

    assert [(i["source"], i["runId"], i["userName"]) for i in items] == [
        ("plugin:anilist", str(run_id), None),
        ("scanner", None, None),
    ]


async def test_a_bad_cursor_or_limit_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    series_id = await catalogue.series()

    bad_cursor = await admin.get(f"/api/v1/series/{series_id}/metadata/changes?cursor=@@")
    bad_limit = await admin.get(f"/api/v1/series/{series_id}/metadata/changes?limit=201")

    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["errors"] == [{"field": "query.cursor", "message": "invalid cursor"}]
    assert bad_limit.status_code == 422
