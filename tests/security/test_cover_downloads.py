"""Cover bytes that are not a bounded JPEG, PNG, WEBP or GIF never become a cover
(metadata §4.7, platform §8.2 point 6): not from a provider's coverUrl, not from an upload.

Images are served back from Colophon's own origin, so an SVG or HTML "cover" would be a
stored script; an unbounded body would exhaust the server's memory.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue
from tests.security.hostile_image_host import (
    ENDLESS_LIMIT_BYTES,
    SVG,
    HostileImageHost,
    hostile_image_host,
)

WAIT_S = 30.0
REFUSED = {
    "page.html": "content type 'text/html' is not an image",
    "drawing.svg": "not a decodable image",
    "disguised.png": "not a decodable image",
    "redirect.png": "content type 'text/html' is not an image",
    "declared-huge.png": "larger than 20 MiB",
    "endless.png": "larger than 20 MiB",
}


@pytest.fixture
def image_host() -> Iterator[HostileImageHost]:
    with hostile_image_host() as host:
        yield host


async def _echo_serving_covers(admin: ApiClient, host: HostileImageHost) -> str:
    """An echo plugin whose item `<name>` carries the cover URL `<host>/<name>`."""
    overrides = {name: {"coverUrl": host.url(f"/{name}")} for name in [*REFUSED, "real.png"]}
    created = await admin.post(
        "/api/v1/plugins",
        json={
            "name": "echo",
            "command": "python",
            "args": ["-m", "colophon_plugins.echo"],
            "rateLimitPerMinute": 0,
            "permissions": ["metadata:read", "metadata:write:*"],
            "scopes": ["series:detail"],
            "adminConfig": {"overrides": overrides},
        },
    )
    assert created.status_code == 201, created.text
    plugin_id = str(created.json()["id"])
    # Fetching needs the manifest, which the background probe after a create caches.
    deadline = time.monotonic() + WAIT_S
    while (await admin.get(f"/api/v1/plugins/{plugin_id}")).json()["manifest"] is None:
        assert time.monotonic() < deadline, "the manifest was never cached"
        await asyncio.sleep(0.05)
    return plugin_id


async def _apply_cover(admin: ApiClient, series_id: object, plugin_id: str, name: str) -> dict:
    response = await admin.post(
        f"/api/v1/series/{series_id}/metadata/apply",
        json={"pluginId": plugin_id, "externalId": name, "fields": ["coverUrl"]},
    )
    assert response.status_code == 200, response.text
    result: dict = response.json()
    return result


async def test_cover_downloads_refuse_non_images_and_oversized_bodies(
    admin: ApiClient, app_runtime: Runtime, image_host: HostileImageHost, tmp_path: Path
) -> None:
    """Checklist: non-image content and oversized bodies are skipped with their reason."""
    series_id = await Catalogue(app_runtime.db, tmp_path / "library").series()
    plugin_id = await _echo_serving_covers(admin, image_host)

    outcomes = {}
    for name in REFUSED:
        result = await _apply_cover(admin, series_id, plugin_id, name)
        outcomes[name] = (result["applied"], result["skipped"])
    covers_after_refusals = (await admin.get(f"/api/v1/series/{series_id}/covers")).json()
    accepted = await _apply_cover(admin, series_id, plugin_id, "real.png")

    assert outcomes == {
        name: ([], [{"field": "coverUrl", "reason": f"Cover download failed: {reason}"}])
        for name, reason in REFUSED.items()
    }
    assert covers_after_refusals["items"] == []
    # The endless body was abandoned near the limit, not read to its end.
    assert image_host.endless_bytes_sent < ENDLESS_LIMIT_BYTES // 4
    assert accepted["applied"] == ["coverUrl"]  # the same path accepts a real image


async def test_cover_uploads_refuse_svg_and_html(
    admin: ApiClient, app_runtime: Runtime, tmp_path: Path
) -> None:
    """platform §8.2 point 6: uploads are JPEG, PNG, WEBP or GIF, whatever they claim to be."""
    series_id = await Catalogue(app_runtime.db, tmp_path / "library").series()

    refused = [
        await admin.post(
            f"/api/v1/series/{series_id}/covers",
            files={"file": (name, body, content_type)},
        )
        for name, body, content_type in [
            ("cover.svg", SVG, "image/svg+xml"),
            ("cover.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ]
    ]

    assert [(r.status_code, r.json()["errors"]) for r in refused] == [
        (400, [{"field": "file", "message": "not a decodable image"}])
    ] * 2
    assert (await admin.get(f"/api/v1/series/{series_id}/covers")).json()["items"] == []
