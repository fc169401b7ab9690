"""Fetch metadata for books (metadata §8) and library auto-match as a task (platform §3.9)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from colophon.metadata.models import BookMetadata, MetadataChange, SeriesExternalId
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue
from tests.plugins_api.helpers import sqlite_only, wait_until

ISBN = "9780134685991"


def _url(book_id: uuid.UUID, action: str) -> str:
    return f"/api/v1/books/{book_id}/metadata/{action}"


async def test_book_search_sends_the_stored_isbn(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    book_id = await catalogue.book(isbns=[ISBN])
    body = (await admin.post(_url(book_id, "search"), json={"pluginId": echo["id"]})).json()
    assert body["isbn"] == ISBN and body["query"] is None
    assert [r["externalId"] for r in body["results"]] == [f"isbn::{ISBN}"]


@sqlite_only
async def test_book_search_falls_back_to_the_title(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    book_id = await catalogue.book(title="Dune")
    body = (await admin.post(_url(book_id, "search"), json={"pluginId": echo["id"]})).json()
    assert body["query"] == "Dune" and body["isbn"] is None
    assert body["results"][0]["externalId"] == "book-1::Dune"


@sqlite_only
async def test_book_search_with_only_blank_values_is_a_400(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    book_id = await catalogue.book()
    response = await admin.post(
        _url(book_id, "search"), json={"pluginId": echo["id"], "isbn": " ", "query": ""}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "either 'isbn' or 'query' must be provided"


async def test_book_apply_dry_run_returns_changes_and_writes_nothing(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    book_id = await catalogue.book(title="Dune")
    body = (
        await admin.post(
            _url(book_id, "apply"),
            json={"pluginId": echo["id"], "externalId": "book-1::Dune", "dryRun": True},
        )
    ).json()
    assert body["dryRun"] is True
    assert "publisher" in body["applied"]
    assert {"field": "publisher", "before": None, "after": "Echo Press"} in body["changes"]
    async with app_runtime.db.read() as session:
        row = await session.get(BookMetadata, book_id)
        assert row is not None and row.publisher is None
        assert list(await session.scalars(select(MetadataChange.id))) == []


async def test_book_apply_writes_with_the_plugin_source(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    book_id = await catalogue.book(title="Dune")
    body = (
        await admin.post(
            _url(book_id, "apply"),
            json={"pluginId": echo["id"], "externalId": f"isbn::{ISBN}", "fields": ["isbns"]},
        )
    ).json()
    assert body["applied"] == ["isbns"]
    async with app_runtime.db.read() as session:
        row = await session.get(BookMetadata, book_id)
        assert row is not None and row.isbns == [ISBN]


async def test_library_auto_match_runs_as_a_task_with_progress(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any], app_runtime: Runtime
) -> None:
    first = await catalogue.series("Berserk")
    second = await catalogue.series("Vagabond")
    library_id = await catalogue.library()

    response = await admin.post(
        f"/api/v1/libraries/{library_id}/auto-match",
        json={"pluginId": echo["id"], "seriesIds": [str(first), str(second)]},
    )
    assert response.status_code == 202, response.text
    task_id = response.json()["taskId"]

    async def finished() -> dict[str, Any] | None:
        task: dict[str, Any] = (await admin.get(f"/api/v1/tasks/{task_id}")).json()
        return task if task["status"] in ("completed", "failed") else None

    task = await wait_until(finished, timeout_s=60, what="the auto-match task")
    assert task["status"] == "completed", task
    assert task["taskType"] == "auto_match"
    assert task["result"]["total"] == 2 and task["result"]["succeeded"] == 2
    assert task["progress"]["current"] == 2
    assert task["params"]["plugin"] == "echo"
    async with app_runtime.db.read() as session:
        matched = set(
            await session.scalars(
                select(SeriesExternalId.series_id).where(SeriesExternalId.source == "plugin:echo")
            )
        )
    assert matched == {first, second}


@sqlite_only
async def test_library_auto_match_checks_its_selection(
    admin: ApiClient, catalogue: Catalogue, echo: dict[str, Any]
) -> None:
    library_id = await catalogue.library()
    stranger = uuid.uuid4()
    response = await admin.post(
        f"/api/v1/libraries/{library_id}/auto-match",
        json={"pluginId": echo["id"], "seriesIds": [str(stranger)]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "seriesIds[0]", "message": f"'{stranger}' is not in this library"}
    ]
    unknown = await admin.post(
        f"/api/v1/libraries/{uuid.uuid4()}/auto-match", json={"pluginId": echo["id"]}
    )
    assert unknown.status_code == 404
