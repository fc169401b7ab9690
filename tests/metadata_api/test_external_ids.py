"""PUT and DELETE …/external-ids/{source} (metadata §7.4, §1.3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from colophon.metadata.models import SeriesExternalId
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue, audit_rows


async def test_put_upserts_one_id_and_audits_it(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.4: a user may fix a match (`plugin:<name>`); audited as field externalIds."""
    series_id = await catalogue.series()
    url = f"/api/v1/series/{series_id}/external-ids/plugin:mangabaka"

    created = await admin.put(url, json={"externalId": " 123 ", "externalUrl": "https://mb.org/1"})
    updated = await admin.put(url, json={"externalId": "456"})

    assert created.status_code == 200
    assert created.json()["externalIds"] == [
        {"source": "plugin:mangabaka", "externalId": "123", "externalUrl": "https://mb.org/1",
         "lastSyncedAt": None},
    ]  # fmt: skip
    assert updated.json()["externalIds"] == [
        {"source": "plugin:mangabaka", "externalId": "456", "externalUrl": None,
         "lastSyncedAt": None},
    ]  # fmt: skip
    rows = await audit_rows(app_runtime.db, series_id)
    assert [(r.field, r.before, r.after) for r in rows] == [
        ("externalIds", [], [{"source": "plugin:mangabaka", "externalId": "123"}]),
        (
            "externalIds",
            [{"source": "plugin:mangabaka", "externalId": "123"}],
            [{"source": "plugin:mangabaka", "externalId": "456"}],
        ),
    ]
    assert all(r.source.startswith("user:") and r.user_id is not None for r in rows)


async def test_a_user_write_clears_last_synced_at(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.4: a user write sets last_synced_at to NULL, even with the same id."""
    series_id = await catalogue.series()
    async with app_runtime.db.write() as session:
        session.add(
            SeriesExternalId(
                series_id=series_id,
                source="plugin:anilist",
                external_id="30002",
                last_synced_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )

    response = await admin.put(
        f"/api/v1/series/{series_id}/external-ids/plugin:anilist", json={"externalId": "30002"}
    )

    assert response.json()["externalIds"][0]["lastSyncedAt"] is None


async def test_an_unchanged_put_writes_no_audit_row(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§6.1: audit rows record changes; the same id, URL and sync state change nothing."""
    book_id = await catalogue.book()
    url = f"/api/v1/books/{book_id}/external-ids/epub"

    await admin.put(url, json={"externalId": "urn:uuid:1"})
    await admin.put(url, json={"externalId": "urn:uuid:1"})

    assert len(await audit_rows(app_runtime.db, book_id)) == 1


async def test_a_bad_source_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    """§7.4: the source must match §1.3, else 400 `invalid external id source '<s>'`."""
    series_id = await catalogue.series()

    for source in ("AniList", "-x", "a b"):
        response = await admin.put(
            f"/api/v1/series/{series_id}/external-ids/{source}", json={"externalId": "1"}
        )
        assert response.status_code == 400, source
        assert response.json()["message"] == f"invalid external id source '{source}'"


async def test_a_blank_id_or_a_bad_url_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    """§1.3: the id is NT, 1–500 characters; the URL is absolute http(s)."""
    series_id = await catalogue.series()
    url = f"/api/v1/series/{series_id}/external-ids/manual"

    blank = await admin.put(url, json={"externalId": "   "})
    long = await admin.put(url, json={"externalId": "x" * 501})
    bad_url = await admin.put(url, json={"externalId": "1", "externalUrl": "ftp://x/1"})

    assert blank.status_code == long.status_code == bad_url.status_code == 400
    assert blank.json()["message"] == "invalid value for 'externalId': must not be empty"
    assert long.json()["message"] == "invalid value for 'externalId': too long (max 500 characters)"
    assert bad_url.json()["message"] == "invalid value for 'externalUrl': invalid URL 'ftp://x/1'"
    metadata = (await admin.get(f"/api/v1/series/{series_id}/metadata")).json()
    assert metadata["externalIds"] == []


async def test_delete_removes_the_id_and_audits_it(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.4: DELETE removes one id; other sources stay."""
    book_id = await catalogue.book()
    await admin.put(f"/api/v1/books/{book_id}/external-ids/epub", json={"externalId": "a"})
    await admin.put(f"/api/v1/books/{book_id}/external-ids/manual", json={"externalId": "b"})

    response = await admin.delete(f"/api/v1/books/{book_id}/external-ids/epub")

    assert response.status_code == 204
    metadata = (await admin.get(f"/api/v1/books/{book_id}/metadata")).json()
    assert [i["source"] for i in metadata["externalIds"]] == ["manual"]
    last = (await audit_rows(app_runtime.db, book_id))[-1]
    assert (last.field, last.before, last.after) == (
        "externalIds", [{"source": "epub", "externalId": "a"}], [],
    )  # fmt: skip


async def test_deleting_a_missing_id_is_404(admin: ApiClient, catalogue: Catalogue) -> None:
    """§7.4: 404 `external id not found`."""
    series_id = await catalogue.series()

    response = await admin.delete(f"/api/v1/series/{series_id}/external-ids/mylar")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "external id not found"}


async def test_a_second_row_for_the_same_series_and_source_is_rejected(
    catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: a second series_external_ids row with the same (series, source) is rejected."""
    series_id = await catalogue.series()
    async with app_runtime.db.write() as session:
        session.add(SeriesExternalId(series_id=series_id, source="mylar", external_id="1"))

    with pytest.raises(IntegrityError):
        async with app_runtime.db.write() as session:
            session.add(SeriesExternalId(series_id=series_id, source="mylar", external_id="2"))

    async with app_runtime.db.read() as session:
        ids = (await session.execute(select(SeriesExternalId.external_id))).scalars().all()
    assert ids == ["1"]
