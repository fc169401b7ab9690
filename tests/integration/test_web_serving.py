"""The built web app behind the API: files, the SPA fallback and HEAD (web-ui §1.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from colophon.config import Settings
from colophon.runtime import Runtime
from tests.conftest import ApiClient, serve_app

INDEX = "<!doctype html><title>Colophon</title>"


@pytest.fixture
def backend() -> str:
    """Serving files does not depend on the database; one backend is enough."""
    return "sqlite"


@pytest.fixture
def roles() -> frozenset[str]:
    return frozenset({"api"})


@pytest.fixture
async def web(
    settings: Settings, roles: frozenset[str], tmp_path: Path
) -> AsyncIterator[ApiClient]:
    web_dir = tmp_path / "web"
    (web_dir / "assets").mkdir(parents=True)
    (web_dir / "index.html").write_text(INDEX)
    (web_dir / "assets" / "app-1a2b3c.js").write_text("console.log('colophon')")
    server = settings.server.model_copy(update={"web_dir": str(web_dir)})
    runtime = Runtime.from_settings(settings.model_copy(update={"server": server}), roles=roles)
    async with serve_app(runtime) as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/libraries/some-id/jobs"])
async def test_head_on_spa_routes_gives_the_get_headers_without_a_body(
    web: ApiClient, path: str
) -> None:
    got = await web.get(path)
    head = await web.head(path)
    assert got.status_code == head.status_code == 200
    assert got.text == INDEX
    assert head.content == b""
    for name in ("content-type", "content-length", "cache-control", "etag", "last-modified"):
        assert head.headers[name] == got.headers[name]


async def test_head_on_an_asset_matches_get(web: ApiClient) -> None:
    got = await web.get("/assets/app-1a2b3c.js")
    head = await web.head("/assets/app-1a2b3c.js")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"] == "23"
