"""anilist, mangabaka and openlibrary against local stub servers (plugins.md §11.2-§11.4).

No test opens a non-loopback connection: every plugin gets ``adminConfig.baseUrl`` pointing
at a stub on 127.0.0.1, and each test asserts the stub saw the request (item 86).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from colophon.plugins import metadata_calls as calls
from colophon.plugins.definition import PluginDefinition
from colophon.plugins.errors import (
    PluginApiError,
    PluginAuthFailed,
    PluginError,
    PluginNotFound,
    PluginRateLimited,
    PluginUnavailable,
)
from colophon.plugins.host import PluginHost
from colophon.plugins.protocol import Method
from tests.plugins import stubs
from tests.plugins.conftest import HostFactory


@pytest.fixture
async def start_stub() -> AsyncIterator[Callable[[stubs.Route], Any]]:
    servers: list[stubs.StubServer] = []

    async def start(route: stubs.Route) -> stubs.StubServer:
        server = stubs.StubServer(route)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


def plugin_definition(name: str, base_url: str, **config: Any) -> PluginDefinition:
    credentials = {"api_key": "test-key-123"} if name == "mangabaka" else {}
    return PluginDefinition(
        name=name,
        command="python",
        args=("-m", f"colophon_plugins.{name}"),
        admin_config={"baseUrl": base_url, **config},
        credentials=config.pop("credentials", credentials),
        rate_limit_per_minute=0,
    )


@dataclass(frozen=True)
class Provider:
    name: str
    route: stubs.Route
    method: str
    params: dict[str, Any]


PROVIDERS = [
    Provider("anilist", stubs.anilist_route, Method.SERIES_SEARCH, {"query": "Berserk"}),
    Provider("mangabaka", stubs.mangabaka_route, Method.SERIES_SEARCH, {"query": "Berserk"}),
    Provider("openlibrary", stubs.openlibrary_route, Method.BOOK_SEARCH, {"query": "Dune"}),
]


async def host_for(
    make_host: HostFactory, start_stub: Any, provider: str, route: stubs.Route, **config: Any
) -> tuple[PluginHost, stubs.StubServer]:
    server = await start_stub(route)
    return make_host(plugin_definition(provider, server.url, **config)), server


# --- error mapping, shared by the three plugins (items 84-86) ---------------------------


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.name)
async def test_429_with_retry_after_becomes_rate_limited(
    make_host: HostFactory, start_stub: Any, provider: Provider
) -> None:
    host, server = await host_for(make_host, start_stub, provider.name, provider.route)
    server.answer_all(429, headers={"Retry-After": "7"})

    with pytest.raises(PluginRateLimited) as limited:
        await host.call(provider.method, {**provider.params, "limit": 5})

    assert limited.value.retry_after_s == 7
    assert limited.value.data == {"retryAfterSeconds": 7}
    assert server.requests  # the plugin called the stub, nothing else


@pytest.mark.parametrize(
    ("status", "raw", "error"),
    [
        (401, None, PluginAuthFailed),
        (403, None, PluginAuthFailed),
        (404, None, PluginNotFound),
        (500, None, PluginApiError),
        (200, b"{not json", PluginApiError),
    ],
)
@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.name)
async def test_http_failures_map_to_protocol_codes(
    make_host: HostFactory,
    start_stub: Any,
    provider: Provider,
    status: int,
    raw: bytes | None,
    error: type[PluginError],
) -> None:
    host, server = await host_for(make_host, start_stub, provider.name, provider.route)
    server.answer_all(status, raw=raw)

    with pytest.raises(error):
        await host.call(provider.method, {**provider.params, "limit": 5})


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.name)
async def test_a_slow_provider_is_an_api_error_not_a_host_timeout(
    make_host: HostFactory, start_stub: Any, provider: Provider
) -> None:
    host, server = await host_for(
        make_host, start_stub, provider.name, provider.route, timeoutS=0.2
    )
    server.delay_s = 2.0

    with pytest.raises(PluginApiError) as failed:
        await host.call(provider.method, {**provider.params, "limit": 5})

    assert failed.value.message == "timed out after 0.2s"


# --- AniList (items 87-88) ---------------------------------------------------------------


async def test_anilist_search_keeps_provider_order_and_pages(
    make_host: HostFactory, start_stub: Any
) -> None:
    host, server = await host_for(make_host, start_stub, "anilist", stubs.anilist_route)

    raw = await host.call(Method.SERIES_SEARCH, {"query": "Berserk", "limit": 100})

    assert [r["externalId"] for r in raw["results"]] == ["30002", "105398", "86300"]
    assert raw["nextCursor"] == "2"
    assert raw["results"][1]["preview"]["format"] == "manhwa"
    assert raw["results"][2]["preview"]["format"] == "light_novel"
    assert raw["results"][0]["relevanceScore"] == 1.0
    sent = server.requests[0].json()
    assert sent["variables"] == {"search": "Berserk", "page": 1, "perPage": 50}
    assert "type: MANGA" in sent["query"]


async def test_anilist_get_maps_the_media(make_host: HostFactory, start_stub: Any) -> None:
    host, _ = await host_for(make_host, start_stub, "anilist", stubs.anilist_route)

    raw = await host.call(Method.SERIES_GET, {"externalId": "30002"})
    normalised = await calls.get_series(host, "30002")

    assert raw["title"] == "Berserk"
    assert raw["rating"] == {"score": 93, "source": "anilist"}
    assert raw["status"] == "ongoing"
    assert (raw["totalVolumeCount"], raw["totalChapterCount"]) == (42, 380)
    assert raw["genres"][0] == "Action"
    assert raw["tags"] == ["Dark Fantasy", "Male Protagonist"]  # spoilers and low ranks out
    assert {"title": "Berserk: The Prototype", "titleType": "synonym"} in raw["alternateTitles"]
    assert {"title": "ベルセルク", "language": "ja", "titleType": "native"} in raw[
        "alternateTitles"
    ]
    assert raw["externalUrl"] == "https://anilist.co/manga/30002"
    assert raw["externalIds"] == [
        {"source": "api:anilist", "externalId": "30002"},
        {"source": "api:myanimelist", "externalId": "2"},
    ]
    assert raw["summary"] == (
        "Guts, a former mercenary now known as the Black Swordsman, is out for revenge.\n\n"
        "(Source: Dark Horse & Young Animal)"
    )
    assert raw["authors"] == [
        {"name": "Kentarou Miura", "role": "author"},
        {"name": "Kouji Mori", "role": "writer"},
        {"name": "Studio Gaga", "role": "illustrator"},
    ]
    assert (raw["language"], raw["readingDirection"]) == ("ja", "rtl")
    assert normalised.external_id == "30002"


async def test_anilist_unknown_and_malformed_ids(make_host: HostFactory, start_stub: Any) -> None:
    host, _ = await host_for(make_host, start_stub, "anilist", stubs.anilist_route)

    with pytest.raises(PluginNotFound):
        await host.call(Method.SERIES_GET, {"externalId": "999"})
    from colophon.plugins.errors import PluginInvalidParams

    with pytest.raises(PluginInvalidParams) as invalid:
        await host.call(Method.SERIES_GET, {"externalId": "abc"})
    assert invalid.value.field == "externalId"


async def test_anilist_graphql_errors_with_http_200_are_api_errors(
    make_host: HostFactory, start_stub: Any
) -> None:
    host, server = await host_for(make_host, start_stub, "anilist", stubs.anilist_route)
    server.answer_all(200, body={"errors": [{"message": "Invalid query", "status": 400}]})

    with pytest.raises(PluginApiError) as failed:
        await host.call(Method.SERIES_SEARCH, {"query": "x"})

    assert failed.value.message == "AniList error: Invalid query"


# --- MangaBaka (items 89-90) -----------------------------------------------------------


async def test_mangabaka_sends_the_key_and_scales_the_rating(
    make_host: HostFactory, start_stub: Any
) -> None:
    """Item 89: x-api-key on every request; rating 9.1 → 91."""
    host, server = await host_for(
        make_host, start_stub, "mangabaka", stubs.mangabaka_route, sortBy="popularity"
    )

    page = await host.call(Method.SERIES_SEARCH, {"query": "Berserk", "limit": 2})
    raw = await host.call(Method.SERIES_GET, {"externalId": "4785"})

    assert all(r.headers["x-api-key"] == "test-key-123" for r in server.requests)
    assert server.requests[0].param("sort_by") == "popularity"
    assert (server.requests[0].param("q"), server.requests[0].param("limit")) == ("Berserk", "2")
    assert page["nextCursor"] == "2"
    assert raw["rating"] == {"score": 91.0, "source": "mangabaka"}
    assert raw["externalRatings"] == [
        {"score": 93, "source": "anilist"},
        {"score": 94.7, "source": "myanimelist"},
        {"score": 92, "source": "mangadex"},
    ]
    assert raw["totalVolumeCount"] == 42 and raw["totalChapterCount"] == 380.0
    assert raw["genres"] == ["Action", "Dark Fantasy", "Slice Of Life"]
    assert (raw["ageRating"], raw["readingDirection"], raw["status"]) == (13, "rtl", "ongoing")
    assert raw["publisher"] == "Hakusensha"
    assert raw["coverUrl"] == "https://cdn.mangabaka.org/covers/4785/raw.jpg"
    assert raw["summary"] == "Guts, the Black Swordsman, seeks revenge.\nA dark fantasy."
    assert {"source": "api:myanimelist", "externalId": "2"} in raw["externalIds"]
    assert {"source": "api:mangaupdates", "externalId": "4q2ofqu"} in raw["externalIds"]
    assert {"title": "Berserk (édition française)", "language": "fr"} in raw["alternateTitles"]


async def test_mangabaka_without_a_key_fails_initialize(
    make_host: HostFactory, start_stub: Any
) -> None:
    """Item 89: -32005 "api_key credential is required" is a start failure."""
    server = await start_stub(stubs.mangabaka_route)
    host = make_host(plugin_definition("mangabaka", server.url, credentials={}))

    with pytest.raises(PluginUnavailable) as failed:
        await host.call(Method.PING)

    assert failed.value.message == "api_key credential is required"
    assert server.requests == []


async def test_mangabaka_follows_a_merge_once_and_reports_deleted_series(
    make_host: HostFactory, start_stub: Any
) -> None:
    """Item 90."""
    host, server = await host_for(make_host, start_stub, "mangabaka", stubs.mangabaka_route)

    merged = await host.call(Method.SERIES_GET, {"externalId": "1010"})
    with pytest.raises(PluginNotFound):
        await host.call(Method.SERIES_GET, {"externalId": "666"})

    assert merged["externalId"] == "4785"
    assert [r.path for r in server.requests[:2]] == ["/v1/series/1010", "/v1/series/4785"]


# --- Open Library (items 91-92) --------------------------------------------------------


async def test_openlibrary_isbn_search_returns_the_edition(
    make_host: HostFactory, start_stub: Any
) -> None:
    """Item 91: /isbn redirects to the edition; an unknown ISBN gives no results."""
    host, server = await host_for(
        make_host,
        start_stub,
        "openlibrary",
        stubs.openlibrary_route,
        coversBaseUrl="http://covers.test",
        contact="me@example.org",
    )

    found = await host.call(Method.BOOK_SEARCH, {"isbn": "9780441172719"})
    unknown = await host.call(Method.BOOK_SEARCH, {"isbn": "9999999999999"})

    assert found["results"] == [
        {
            "externalId": "OL26242482M",
            "title": "Dune",
            "alternateTitles": [],
            "year": 2019,
            "coverUrl": "http://covers.test/b/id/8231851-M.jpg",
            "relevanceScore": 1.0,
        }
    ]
    assert unknown == {"results": []}
    assert server.requests[0].headers["user-agent"] == (
        "Colophon-openlibrary/1.0.0 (me@example.org)"
    )


async def test_openlibrary_query_search_sends_fields_and_pages(
    make_host: HostFactory, start_stub: Any
) -> None:
    host, server = await host_for(make_host, start_stub, "openlibrary", stubs.openlibrary_route)

    page = await host.call(Method.BOOK_SEARCH, {"query": "Dune", "author": "Herbert", "limit": 2})

    request = server.requests[0]
    assert (request.param("title"), request.param("author"), request.param("q")) == (
        "Dune",
        "Herbert",
        None,
    )
    assert request.param("fields") == stubs_fields()
    assert [r["externalId"] for r in page["results"]] == ["OL893415W", "OL2794726W"]
    assert page["results"][0]["preview"]["authors"] == ["Frank Herbert"]
    assert page["nextCursor"] == "2"


def stubs_fields() -> str:
    return "key,title,subtitle,author_name,first_publish_year,cover_i,isbn,edition_count"


async def test_openlibrary_get_of_a_work_picks_the_isbn13_edition(
    make_host: HostFactory, start_stub: Any
) -> None:
    """Item 92."""
    host, _ = await host_for(
        make_host,
        start_stub,
        "openlibrary",
        stubs.openlibrary_route,
        coversBaseUrl="http://covers.test",
    )

    raw = await host.call(Method.BOOK_GET, {"externalId": "OL893415W"})

    assert raw["externalUrl"] == "https://openlibrary.org/works/OL893415W"
    assert raw["isbns"] == ["9780441172719", "0441172717"] and raw["isbn"] == "9780441172719"
    assert raw["authors"] == [{"name": "Frank Herbert", "role": "author"}]
    assert raw["subjects"] == ["Science fiction", "Dune (Imaginary place)", "Fiction"]
    assert raw["summary"] == "Set on the desert planet Arrakis..."
    assert raw["coverUrl"] == "http://covers.test/b/id/8231851-L.jpg"
    assert [c["size"] for c in raw["covers"]] == ["small", "medium", "large"]
    assert (raw["year"], raw["releaseDate"], raw["pageCount"]) == (2019, "2019-10-01", 896)
    assert raw["language"] == "en"


async def test_openlibrary_get_of_an_edition_and_match_by_isbn(
    make_host: HostFactory, start_stub: Any
) -> None:
    host, _ = await host_for(make_host, start_stub, "openlibrary", stubs.openlibrary_route)

    raw = await host.call(Method.BOOK_GET, {"externalId": "OL26242482M"})
    matched = await host.call(
        Method.BOOK_MATCH, {"title": "Dune", "authors": [], "isbn": "9780441172719"}
    )

    assert (raw["title"], raw["subtitle"], raw["edition"]) == ("Dune", "Deluxe Edition", "Deluxe")
    assert raw["externalIds"] == [
        {"source": "api:openlibrary", "externalId": "OL893415W"},
        {"source": "api:goodreads", "externalId": "44767458"},
        {"source": "api:librarything", "externalId": "1257"},
    ]
    assert (matched["match"]["externalId"], matched["confidence"]) == ("OL26242482M", 0.99)
