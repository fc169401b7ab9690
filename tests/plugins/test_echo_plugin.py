"""echo's deterministic values and fault injection (plugins.md §11.1, items 81 and 83)."""

from __future__ import annotations

import zlib

import pytest

from colophon.plugins.errors import PluginApiError, PluginRateLimited
from colophon.plugins.protocol import Method
from tests.plugins.conftest import HostFactory, echo_definition


def h(title: str) -> int:
    return zlib.crc32(title.encode())


@pytest.mark.parametrize("title", ["Berserk", "ベルセルク"])
async def test_series_search_and_get_follow_the_formulas(
    make_host: HostFactory, title: str
) -> None:
    host = make_host(echo_definition())

    page = await host.call(Method.SERIES_SEARCH, {"query": f"  {title} ", "limit": 10})
    got = await host.call(Method.SERIES_GET, {"externalId": f"series-1::{title}"})

    assert [r["externalId"] for r in page["results"]] == [f"series-{i}::{title}" for i in (1, 2, 3)]
    first = page["results"][0]
    assert first["title"] == title
    assert first["year"] == 1980 + h(title) % 45
    assert first["relevanceScore"] == 1.0
    assert first["preview"]["rating"] == (h(title) % 100) / 10
    assert page["results"][1]["title"] == f"{title} (2)"
    volumes = 1 + h(title) % 40
    assert got["title"] == title
    assert got["status"] == ["ongoing", "ended", "hiatus", "abandoned"][h(title) % 4]
    assert (got["totalVolumeCount"], got["totalChapterCount"]) == (volumes, 10 * volumes)
    assert got["rating"] == {
        "score": 50 + h(title) % 51,
        "voteCount": 100 + h(title) % 900,
        "source": "echo",
    }
    assert got["alternateTitles"] == [
        {"title": title.upper(), "language": "en", "titleType": "english"}
    ]
    assert "coverUrl" not in got


async def test_generation_and_overrides_change_the_values(make_host: HostFactory) -> None:
    """A bumped generation simulates a provider update; overrides merge last."""
    host = make_host(
        echo_definition(
            generation=2,
            coverBaseUrl="http://covers.test",
            overrides={"series-1::Berserk": {"summary": "Changed"}},
        )
    )

    got = await host.call(Method.SERIES_GET, {"externalId": "series-1::Berserk"})

    assert got["year"] == 1980 + h("Berserk#2") % 45
    assert got["coverUrl"] == f"http://covers.test/{h('Berserk#2')}.jpg"
    assert got["summary"] == "Changed"


async def test_match_of_a_nomatch_title_finds_nothing(make_host: HostFactory) -> None:
    host = make_host(echo_definition(matchConfidence=0.7))

    assert await host.call(Method.SERIES_MATCH, {"title": "NoMatch here"}) == {
        "match": None,
        "confidence": 0.0,
        "alternatives": [],
    }
    matched = await host.call(Method.SERIES_MATCH, {"title": "Berserk"})
    assert matched["match"]["externalId"] == "series-1::Berserk"
    assert matched["confidence"] == 0.7
    assert len(matched["alternatives"]) == 2


async def test_isbn_search_get_and_match(make_host: HostFactory) -> None:
    host = make_host(echo_definition())

    page = await host.call(Method.BOOK_SEARCH, {"isbn": "9781593275846", "limit": 10})
    book = await host.call(Method.BOOK_GET, {"externalId": "isbn::9781593275846"})
    match = await host.call(
        Method.BOOK_MATCH, {"title": "x", "authors": [], "isbn": "9781593275846"}
    )

    assert page["results"] == [
        {
            "externalId": "isbn::9781593275846",
            "title": "Echo Book 9781593275846",
            "alternateTitles": [],
            "relevanceScore": 1.0,
        }
    ]
    title = "Echo Book 9781593275846"
    assert book["isbns"] == ["9781593275846"]
    assert book["pageCount"] == 100 + h(title) % 300
    assert book["releaseDate"] == f"{1980 + h(title) % 45}-01-01"
    assert (match["match"]["externalId"], match["confidence"]) == ("isbn::9781593275846", 0.99)


async def test_every_second_call_is_rate_limited(make_host: HostFactory) -> None:
    """Item 83: rateLimitEvery 2 → -32001 with retryAfterSeconds."""
    host = make_host(echo_definition(rateLimitEvery=2, retryAfterSeconds=1))
    outcomes = []
    for _ in range(4):
        try:
            await host.call(Method.SERIES_SEARCH, {"query": "q", "limit": 1}, max_wait_s=5)
            outcomes.append("ok")
        except PluginRateLimited as exc:
            outcomes.append(f"limited {exc.retry_after_s}")

    assert outcomes == ["ok", "limited 1", "ok", "limited 1"]


async def test_every_third_call_fails_with_an_api_error(make_host: HostFactory) -> None:
    """Item 83: failEvery 3 → -32004 naming the request number."""
    host = make_host(echo_definition(failEvery=3))
    for _ in range(2):
        await host.call(Method.SERIES_SEARCH, {"query": "q", "limit": 1})

    with pytest.raises(PluginApiError) as failed:
        await host.call(Method.SERIES_SEARCH, {"query": "q", "limit": 1})

    assert (failed.value.message, failed.value.status_code) == ("echo: injected failure #3", 500)
