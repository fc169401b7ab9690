"""Cover downloads, limits, storage and selection (metadata §4.7)."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select
from tests.metadata.conftest import Catalogue, ImageServer, Route, make_plugin, png_bytes

from colophon.db.database import Database
from colophon.metadata.apply import apply_series_metadata
from colophon.metadata.covers import CoverStore
from colophon.metadata.models import SeriesCover, SeriesMetadata
from colophon.metadata.payloads import normalise_series_payload
from colophon.metadata.plan import ApplyResult


async def apply(
    db: Database,
    series_id: uuid.UUID,
    covers: CoverStore,
    *,
    plugin: Any = None,
    dry_run: bool = False,
    **payload: Any,
) -> ApplyResult:
    normalised = normalise_series_payload({"externalId": "42", **payload})
    return await apply_series_metadata(
        db,
        series_id,
        plugin or make_plugin(),
        normalised,
        fields=None,
        dry_run=dry_run,
        covers=covers,
    )


async def cover_rows(catalogue: Catalogue, series_id: uuid.UUID) -> list[SeriesCover]:
    return await catalogue.rows(
        select(SeriesCover)
        .where(SeriesCover.series_id == series_id)
        .order_by(SeriesCover.created_at)
    )


async def test_a_png_cover_is_stored_under_its_digest(
    db: Database,
    catalogue: Catalogue,
    covers: CoverStore,
    image_server: ImageServer,
    data_dir: Path,
) -> None:
    """Checklist: a PNG cover is stored as `covers/series/<id>/<sha256>.png`, and selected."""
    image = png_bytes()
    url = image_server.serve("/c.png", Route(body=image))
    series_id = await catalogue.series()

    result = await apply(db, series_id, covers, coverUrl=url)

    assert result.applied == ("coverUrl",)
    assert result.changes[0].before is None and result.changes[0].after == url
    assert result.cover_selection_changed
    digest = hashlib.sha256(image).hexdigest()
    [row] = await cover_rows(catalogue, series_id)
    assert row.path == f"covers/series/{series_id}/{digest}.png"
    assert (row.source, row.source_url, row.format, row.is_selected) == (
        "plugin:stub",
        url,
        "png",
        True,
    )
    assert (row.width, row.height, row.sha256) == (4, 3, digest)
    assert (data_dir / row.path).read_bytes() == image


async def test_without_the_covers_permission_no_request_is_made(
    db: Database, catalogue: Catalogue, covers: CoverStore, image_server: ImageServer
) -> None:
    """Checklist: without `metadata:write:covers`, coverUrl is skipped and nothing requested."""
    url = image_server.serve("/c.png", Route(body=png_bytes()))
    series_id = await catalogue.series()
    result = await apply(
        db, series_id, covers, plugin=make_plugin("metadata:write:summary"), coverUrl=url
    )
    assert [(s.field, s.reason) for s in result.skipped] == [
        ("coverUrl", "Plugin does not have permission")
    ]
    assert image_server.requests == []


async def test_under_the_cover_lock_the_cover_is_stored_unselected(
    db: Database, catalogue: Catalogue, covers: CoverStore, image_server: ImageServer
) -> None:
    """Checklist: cover lock on → stored unselected and the old selection stays."""
    series_id = await catalogue.series()
    first = image_server.serve("/1.png", Route(body=png_bytes("red")))
    await apply(db, series_id, covers, plugin=make_plugin(name="other"), coverUrl=first)
    async with db.write() as session:
        row = await session.get(SeriesMetadata, series_id)
        assert row is not None
        row.cover_lock = True
    second = image_server.serve("/2.png", Route(body=png_bytes("blue")))

    result = await apply(db, series_id, covers, coverUrl=second)

    assert result.applied == ("coverUrl",) and not result.cover_selection_changed
    rows = await cover_rows(catalogue, series_id)
    assert [(r.source, r.is_selected) for r in rows] == [
        ("plugin:other", True),
        ("plugin:stub", False),
    ]


async def test_a_new_cover_is_selected_and_older_unselected_ones_removed(
    db: Database,
    catalogue: Catalogue,
    covers: CoverStore,
    image_server: ImageServer,
    data_dir: Path,
) -> None:
    """Checklist: cover lock off → selected; this plugin's unselected older covers removed."""
    series_id = await catalogue.series()
    async with db.write() as session:
        row = await session.get(SeriesMetadata, series_id)
        assert row is not None
        row.cover_lock = True
    old = image_server.serve("/old.png", Route(body=png_bytes("red")))
    await apply(db, series_id, covers, coverUrl=old)  # stored unselected under the lock
    [old_row] = await cover_rows(catalogue, series_id)
    async with db.write() as session:
        row = await session.get(SeriesMetadata, series_id)
        assert row is not None
        row.cover_lock = False
    new = image_server.serve("/new.png", Route(body=png_bytes("green")))

    result = await apply(db, series_id, covers, coverUrl=new)

    assert result.cover_selection_changed
    rows = await cover_rows(catalogue, series_id)
    assert [(r.source_url, r.is_selected) for r in rows] == [(new, True)]
    assert not (data_dir / old_row.path).exists()  # its file went with the last row using it


async def test_the_current_cover_url_is_unchanged_and_not_downloaded(
    db: Database, catalogue: Catalogue, covers: CoverStore, image_server: ImageServer
) -> None:
    """Checklist: a coverUrl equal to this plugin's current cover URL is unchanged."""
    url = image_server.serve("/c.png", Route(body=png_bytes()))
    series_id = await catalogue.series()
    await apply(db, series_id, covers, coverUrl=url)
    image_server.requests.clear()
    result = await apply(db, series_id, covers, coverUrl=url)
    assert result.unchanged == ("coverUrl",)
    assert image_server.requests == []


TWENTY_ONE_MIB = b"\0" * (21 * 1024 * 1024)


@pytest.mark.parametrize(
    ("route", "detail"),
    [
        (Route(status=404, content_type="text/plain"), "HTTP 404"),
        (
            Route(content_type="text/html", body=b"<html>"),
            "content type 'text/html' is not an image",
        ),
        (Route(content_type=None, body=b"x"), "content type '' is not an image"),
        (Route(body=TWENTY_ONE_MIB), "larger than 20 MiB"),
        (Route(body=TWENTY_ONE_MIB, content_length=False), "larger than 20 MiB"),
        (Route(body=b"garbage, not a png"), "not a decodable image"),
        (Route(content_type="image/x-icon", body=b""), "not a decodable image"),
    ],
)
async def test_soft_cover_failures_skip_only_the_cover(
    db: Database,
    catalogue: Catalogue,
    covers: CoverStore,
    image_server: ImageServer,
    route: Route,
    detail: str,
) -> None:
    """Checklist: soft cover failures, with the other fields still applied."""
    url = image_server.serve("/c.png", route)
    series_id = await catalogue.series()
    result = await apply(db, series_id, covers, coverUrl=url, summary="Still applied")
    assert result.applied == ("summary",)
    assert [(s.field, s.reason) for s in result.skipped] == [
        ("coverUrl", f"Cover download failed: {detail}")
    ]
    assert [c.field for c in result.changes] == ["summary"]
    assert await cover_rows(catalogue, series_id) == []


async def test_a_stalled_download_times_out(
    db: Database, catalogue: Catalogue, settings: Any, image_server: ImageServer
) -> None:
    """Checklist: a stall beyond the limit → `timed out after <limit> s` (30 s by default)."""
    short = CoverStore(settings.data_path, timeout_s=0.2)
    url = image_server.serve("/slow.png", Route(body=png_bytes(), stall_s=30))
    series_id = await catalogue.series()
    result = await apply(db, series_id, short, coverUrl=url, year=1989)
    assert result.applied == ("year",)
    assert result.skipped[0].reason == "Cover download failed: timed out after 0.2 s"
    assert CoverStore(settings.data_path).timeout_s == 30.0


async def test_an_unsupported_image_format_is_refused(
    db: Database, catalogue: Catalogue, covers: CoverStore, image_server: ImageServer
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="BMP")
    url = image_server.serve("/c.bmp", Route(content_type="image/bmp", body=buffer.getvalue()))
    series_id = await catalogue.series()
    result = await apply(db, series_id, covers, coverUrl=url)
    assert result.skipped[0].reason == "Cover download failed: unsupported image format 'BMP'"


async def test_a_dry_run_does_not_download(
    db: Database, catalogue: Catalogue, covers: CoverStore, image_server: ImageServer
) -> None:
    url = image_server.serve("/c.png", Route(body=png_bytes()))
    series_id = await catalogue.series()
    result = await apply(db, series_id, covers, coverUrl=url, dry_run=True)
    assert result.applied == ("coverUrl",)
    assert image_server.requests == []
    assert await cover_rows(catalogue, series_id) == []
