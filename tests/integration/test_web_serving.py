"""The built web app behind the API: files, the SPA fallback, headers and HEAD (web-ui §1.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from colophon.config import Settings
from colophon.runtime import Runtime
from tests.conftest import ApiClient, serve_app

INDEX = "<!doctype html><title>Colophon</title>"
ASSET = "/assets/app-1a2b3c.js"
CSP = "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'"
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


@pytest.fixture
def backend() -> str:
    """Serving files does not depend on the database; one backend is enough."""
    return "sqlite"


@pytest.fixture
def roles() -> frozenset[str]:
    return frozenset({"api"})


@asynccontextmanager
async def serving(settings: Settings, web_dir: Path) -> AsyncIterator[ApiClient]:
    """The app with ``server.webDir`` pointing at ``web_dir``."""
    server = settings.server.model_copy(update={"web_dir": str(web_dir)})
    configured = settings.model_copy(update={"server": server})
    async with serve_app(Runtime.from_settings(configured, roles=frozenset({"api"}))) as client:
        yield client


@pytest.fixture
async def web(settings: Settings, tmp_path: Path) -> AsyncIterator[ApiClient]:
    web_dir = tmp_path / "web"
    (web_dir / "assets").mkdir(parents=True)
    (web_dir / "index.html").write_text(INDEX)
    (web_dir / ASSET.lstrip("/")).write_text("console.log('colophon')")
    async with serving(settings, web_dir) as client:
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
    got = await web.get(ASSET)
    head = await web.head(ASSET)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"] == "23"


async def test_assets_are_immutable_and_the_index_is_revalidated(web: ApiClient) -> None:
    """Asset names carry a content hash; index.html names the current assets, so a new build
    must show on the next load."""
    asset = await web.get(ASSET)
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    for path in ("/", "/index.html", "/libraries/some-id/jobs"):
        response = await web.get(path)
        assert response.status_code == 200 and response.text == INDEX
        assert response.headers["cache-control"] == "no-cache", path


async def test_a_missing_asset_is_a_404_not_the_index(web: ApiClient) -> None:
    """HTML in place of a script would only fail later, and must never be cached for a year."""
    response = await web.get("/assets/app-old.js")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("cache-control", "")


async def test_the_web_app_and_api_answers_carry_the_security_headers(web: ApiClient) -> None:
    for path, status in [
        ("/", 200),
        ("/libraries/some-id/jobs", 200),
        (ASSET, 200),
        ("/api/v1/health/live", 200),
        ("/api/v1/libraries", 401),  # answered by the authentication middleware
    ]:
        response = await web.get(path)
        assert response.status_code == status, path
        assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS


async def test_the_api_docs_page_keeps_working_without_the_policy(web: ApiClient) -> None:
    """Swagger UI loads from a CDN with an inline script, which the policy would block."""
    await web.login()
    response = await web.get("/api/docs")
    assert response.status_code == 200
    assert "content-security-policy" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"


async def test_without_a_build_the_app_answers_503_naming_the_build_command(
    settings: Settings, tmp_path: Path
) -> None:
    async with serving(settings, tmp_path / "not-built") as client:
        for path in ("/", "/libraries/some-id"):
            response = await client.get(path)
            assert response.status_code == 503
            assert response.headers["content-type"].startswith("text/plain")
            assert response.text == "Web UI not built: run npm ci && npm run build in web/"


async def test_head_on_a_get_only_api_path_is_the_apis_405_not_the_spa(web: ApiClient) -> None:
    """HEAD matches the catch-all route's methods; API paths must never reach that route."""
    response = await web.head("/api/v1/health/live")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/json"
    assert response.headers["allow"] == "GET"


async def test_unknown_server_paths_stay_json_404s(web: ApiClient) -> None:
    await web.login()
    for method, path in [
        ("GET", "/api/v1/nothing-here"),
        ("POST", "/api/v1/auth/nothing-here"),
        ("GET", "/api"),
        ("GET", "/metrics/nothing-here"),
    ]:
        response = await web.request(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": "not_found", "message": "not found"}
