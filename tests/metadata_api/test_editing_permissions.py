"""Auth of the editing API (metadata §7, platform §5.1, §5.6)."""

from __future__ import annotations

import uuid

from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue


async def test_a_reader_reads_but_gets_403_on_every_write(
    reader: ApiClient, catalogue: Catalogue
) -> None:
    """Reads need series:read / books:read; writes series:write / books:write."""
    series_id = await catalogue.series()
    book_id = await catalogue.book(series_id)
    for path, entity_id in (("series", series_id), ("books", book_id)):
        base = f"/api/v1/{path}/{entity_id}"
        for suffix in ("metadata", "metadata/locks", "metadata/changes"):
            assert (await reader.get(f"{base}/{suffix}")).status_code == 200, suffix
        permission = f"{path}:write"
        for method, suffix, body in [
            ("PATCH", "metadata", {"summary": "x"}),
            ("PUT", "metadata/locks", {"title": True}),
            ("POST", "metadata/reset", {}),
            ("PUT", "external-ids/manual", {"externalId": "1"}),
            ("DELETE", "external-ids/manual", None),
        ]:
            response = await reader.request(method, f"{base}/{suffix}", json=body)
            assert response.status_code == 403, (method, suffix)
            assert response.json() == {
                "error": "forbidden",
                "message": f"missing permission '{permission}'",
                "requiredPermission": permission,
            }
    # Nothing was written by the refused calls.
    metadata = (await reader.get(f"/api/v1/series/{series_id}/metadata")).json()
    assert metadata["summary"] is None and not any(metadata["locks"].values())


async def test_permission_comes_before_existence(reader: ApiClient) -> None:
    """Platform §5.6: a reader gets 403 for a write even when the entity does not exist."""
    response = await reader.patch(f"/api/v1/series/{uuid.uuid4()}/metadata", json={"foo": 1})

    assert response.status_code == 403


async def test_without_credentials_every_route_is_401(client: ApiClient) -> None:
    response = await client.get(f"/api/v1/series/{uuid.uuid4()}/metadata")

    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
