"""Libraries API and the error contract (platform §0, §8.3), on both databases."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue


@pytest.fixture
def roles() -> frozenset[str]:
    """API only: queued scans stay queued, so their state can be inspected."""
    return frozenset({"api"})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "comics"
    (folder / "Series A").mkdir(parents=True)
    return folder


async def _create(admin: ApiClient, name: str, root: Path, **extra: object) -> dict[str, object]:
    response = await admin.post(
        "/api/v1/libraries", json={"name": name, "rootPath": str(root), **extra}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_create_list_get_rename_delete(admin: ApiClient, root: Path) -> None:
    created = await _create(admin, "  Manga   Shelf ", root, scan=False)
    assert created["name"] == "Manga Shelf"
    assert created["rootPath"] == str(root)
    assert created["seriesCount"] == 0 and created["activeScan"] is None
    assert created["lastScanAt"] is None
    library_id = created["id"]

    listed = (await admin.get("/api/v1/libraries")).json()
    assert [item["id"] for item in listed["items"]] == [library_id]
    assert listed["nextCursor"] is None

    renamed = await admin.patch(f"/api/v1/libraries/{library_id}", json={"name": "Manga"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Manga"

    assert (await admin.delete(f"/api/v1/libraries/{library_id}")).status_code == 204
    missing = await admin.get(f"/api/v1/libraries/{library_id}")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "message": "library not found"}


async def test_creation_enqueues_a_scan_and_a_second_scan_conflicts(
    admin: ApiClient, root: Path
) -> None:
    created = await _create(admin, "Comics", root)
    task_id = created["scanTaskId"]
    assert task_id is not None
    detail = (await admin.get(f"/api/v1/libraries/{created['id']}")).json()
    assert detail["activeScan"]["taskId"] == task_id

    again = await admin.post(f"/api/v1/libraries/{created['id']}/scan", json={})
    assert again.status_code == 409
    assert again.json()["taskId"] == task_id
    assert again.json()["message"] == "A scan of this library is already queued or running"

    busy = await admin.delete(f"/api/v1/libraries/{created['id']}")
    assert busy.status_code == 409 and busy.json()["taskId"] == task_id


@pytest.mark.parametrize(
    ("root_path", "message"),
    [
        ("relative/path", "must be an absolute path"),
        ("/definitely/not/here", "'/definitely/not/here' is not an existing directory"),
    ],
)
async def test_root_path_is_validated(admin: ApiClient, root_path: str, message: str) -> None:
    response = await admin.post("/api/v1/libraries", json={"name": "X", "rootPath": root_path})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "rootPath", "message": message}]


async def test_names_and_roots_are_unique(admin: ApiClient, root: Path, tmp_path: Path) -> None:
    await _create(admin, "Comics", root, scan=False)
    other = tmp_path / "other"
    other.mkdir()
    same_name = await admin.post(
        "/api/v1/libraries", json={"name": "comics", "rootPath": str(other)}
    )
    assert same_name.status_code == 409
    same_root = await admin.post(
        "/api/v1/libraries", json={"name": "Other", "rootPath": str(root) + "/"}
    )
    assert same_root.status_code == 409


async def test_schema_errors_are_422_with_field_paths(admin: ApiClient) -> None:
    response = await admin.post("/api/v1/libraries", json={"name": 5, "extra": True})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"name", "rootPath", "extra"}
    assert body["message"] == f"{body['errors'][0]['field']}: {body['errors'][0]['message']}"


async def test_invalid_json_is_400(admin: ApiClient) -> None:
    response = await admin.post(
        "/api/v1/libraries", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("request body must be valid JSON: ")


async def test_non_uuid_path_id_is_422_on_the_path(admin: ApiClient) -> None:
    response = await admin.get("/api/v1/libraries/not-a-uuid")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.libraryId"


async def test_bad_query_parameters_are_422(admin: ApiClient, root: Path) -> None:
    created = await _create(admin, "Comics", root, scan=False)
    response = await admin.get(f"/api/v1/libraries/{created['id']}/series?limit=500")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"
    cursor = await admin.get(f"/api/v1/libraries/{created['id']}/series?cursor=@@@")
    assert cursor.status_code == 400


async def test_unknown_api_path_is_json_404(admin: ApiClient) -> None:
    response = await admin.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


async def test_request_id_is_echoed(admin: ApiClient) -> None:
    response = await admin.get("/api/v1/libraries", headers={"X-Request-Id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = await admin.get("/api/v1/libraries")
    assert len(generated.headers["x-request-id"]) == 32


async def test_missing_series_and_book_are_named(admin: ApiClient) -> None:
    some_id = uuid.uuid4()
    series = await admin.get(f"/api/v1/series/{some_id}")
    assert series.json() == {"error": "not_found", "message": "series not found"}
    book = await admin.get(f"/api/v1/books/{some_id}")
    assert book.json() == {"error": "not_found", "message": "book not found"}


async def test_book_rows_carry_the_number_from_their_metadata(
    admin: ApiClient, app_runtime: Runtime, tmp_path: Path
) -> None:
    """web-ui §3.3 Books tab: Number, Title, Format, Pages, Size, Deleted."""
    catalogue = Catalogue(app_runtime.db, tmp_path / "shelf")
    series_id = await catalogue.series("Saga")
    first = await catalogue.book(series_id, path="Saga/Saga 01.cbz", title="One", number="1")
    await catalogue.book(series_id, path="Saga/Saga 02.cbz", title="Two", number=None)

    listed = (await admin.get(f"/api/v1/series/{series_id}/books")).json()
    assert [(row["title"], row["number"]) for row in listed["items"]] == [
        ("One", "1"),
        ("Two", None),
    ]
    book = (await admin.get(f"/api/v1/books/{first}")).json()
    assert book == {
        "id": str(first),
        "seriesId": str(series_id),
        "seriesTitle": "Saga",
        "libraryId": str(catalogue.library_id),
        "title": "One",
        "number": "1",
        "path": "Saga/Saga 01.cbz",
        "fileName": "Saga 01.cbz",
        "format": "cbz",
        "fileSize": 0,
        "pageCount": None,
        "analysisError": None,
        "deleted": False,
    }
