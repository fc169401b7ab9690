"""``server.corsOrigins``: exact origins may call the API from a browser; others may not
(platform §6.2). Preflights are answered before authentication, so no database is needed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from colophon.app import create_app
from colophon.config import ConfigError, Settings, load_settings
from colophon.runtime import Runtime

WEB_APP = "https://books.example.com"
PREFLIGHT_HEADERS = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type, x-colophon-csrf",
}


def _client(tmp_path: Path, origins: list[str]) -> httpx.AsyncClient:
    settings = Settings.model_validate(
        {"dataDir": str(tmp_path), "server": {"corsOrigins": origins}}
    )
    app = create_app(Runtime.from_settings(settings, roles=frozenset({"api"})))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://colophon")


@pytest.fixture
async def cors_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(tmp_path, [WEB_APP]) as client:
        yield client


async def test_a_preflight_from_an_allowed_origin_may_send_the_session_and_csrf_header(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.options(
        "/api/v1/libraries", headers={"Origin": WEB_APP, **PREFLIGHT_HEADERS}
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == WEB_APP
    # The web app's cookie session needs credentials; its writes need the CSRF header (§5.2).
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "x-colophon-csrf" in allowed
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_a_preflight_from_another_origin_gets_no_cors_headers(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.options(
        "/api/v1/libraries", headers={"Origin": "https://evil.example.com", **PREFLIGHT_HEADERS}
    )

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_an_allowed_origin_can_read_a_response_and_its_request_id(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.get("/api/v1/health/live", headers={"Origin": WEB_APP})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == WEB_APP
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


async def test_without_origins_the_api_stays_same_origin(tmp_path: Path) -> None:
    async with _client(tmp_path, []) as client:
        preflight = await client.options(
            "/api/v1/libraries", headers={"Origin": WEB_APP, **PREFLIGHT_HEADERS}
        )
        read = await client.get("/api/v1/health/live", headers={"Origin": WEB_APP})

    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in read.headers


@pytest.mark.parametrize("origin", ["https://books.example.com/", "*", "books.example.com"])
def test_an_origin_that_could_never_match_is_a_configuration_error(
    tmp_path: Path, origin: str
) -> None:
    config = tmp_path / "colophon.yaml"
    config.write_text("{}\n")

    with pytest.raises(ConfigError) as caught:
        load_settings(str(config), environ={"COLOPHON_SERVER__CORS_ORIGINS": origin})

    assert caught.value.problems == [
        f"server.corsOrigins: '{origin}' is not an origin (scheme://host[:port], no path) "
        "(from COLOPHON_SERVER__CORS_ORIGINS)"
    ]
