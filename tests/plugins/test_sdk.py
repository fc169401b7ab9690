"""The Python plugin SDK through the host (plugins.md §10, items 76-80)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import colophon_sdk
from colophon.plugins.definition import PluginDefinition
from colophon.plugins.errors import PluginMethodNotSupported, PluginRemoteError
from colophon.plugins.protocol import Method
from colophon.plugins.storage import MemoryStorage, StorageCalls
from colophon_sdk import SearchResult, best_match, parse_retry_after, similarity
from tests.plugins.conftest import HostFactory

PROBE = str(Path(__file__).parent / "sdk_probe_plugin.py")
EXPORTED = {
    "PROTOCOL_VERSION",
    "AlternateTitle",
    "ApiError",
    "AuthError",
    "Author",
    "BookAward",
    "BookCover",
    "BookGet",
    "BookMatch",
    "BookMetadata",
    "BookProvider",
    "BookSearch",
    "ConfigError",
    "ConfigField",
    "CredentialSpec",
    "ExternalId",
    "ExternalLink",
    "HttpSettings",
    "InvalidParamsError",
    "Manifest",
    "MatchResult",
    "MetadataPlugin",
    "MethodNotFoundError",
    "NotFoundError",
    "PluginContext",
    "PluginError",
    "PluginLogger",
    "Preview",
    "ProviderHttp",
    "RateLimitError",
    "Rating",
    "SearchPage",
    "SearchResult",
    "SeriesGet",
    "SeriesMatch",
    "SeriesMetadata",
    "SeriesProvider",
    "SeriesSearch",
    "Storage",
    "best_match",
    "html_to_text",
    "normalize_title",
    "parse_retry_after",
    "similarity",
}


def test_the_public_api_is_exactly_the_curated_list() -> None:
    """style §1: `__all__` is pinned; everything in it is importable."""
    assert set(colophon_sdk.__all__) == EXPORTED
    assert all(hasattr(colophon_sdk, name) for name in colophon_sdk.__all__)


def test_the_sdk_never_imports_colophon() -> None:
    sources = Path(colophon_sdk.__file__).parent.glob("*.py")
    assert not any(
        "import colophon\n" in s.read_text() or "from colophon." in s.read_text() for s in sources
    )


def probe_definition() -> PluginDefinition:
    return PluginDefinition(
        name="sdk-probe", command=sys.executable, args=(PROBE,), rate_limit_per_minute=0
    )


async def test_a_series_only_plugin_refuses_book_methods(make_host: HostFactory) -> None:
    """Item 76: the host refuses locally; the plugin itself answers the Codex message."""
    host = make_host(probe_definition())
    await host.call(Method.PING)

    with pytest.raises(PluginMethodNotSupported):
        await host.call(Method.BOOK_SEARCH, {"query": "x"})
    with pytest.raises(PluginMethodNotSupported) as remote:
        assert host._process is not None
        await host._process.request(Method.BOOK_SEARCH, {"query": "x"}, timeout_s=5)
    with pytest.raises(PluginMethodNotSupported) as no_match:
        await host.call(Method.SERIES_MATCH, {"title": "x"})

    assert remote.value.message == "This plugin does not support book metadata"
    assert no_match.value.message == "This plugin does not support series match"


async def test_prints_exceptions_and_storage_inside_handlers(make_host: HostFactory) -> None:
    """Items 78-80: stdout is protected, errors become -32603, storage works mid-request."""
    storage = MemoryStorage()
    host = make_host(probe_definition(), reverse_handler=StorageCalls(storage))

    page = await host.call(Method.SERIES_SEARCH, {"query": "hello"})
    with pytest.raises(PluginRemoteError) as exploded:
        await host.call(Method.SERIES_SEARCH, {"query": "explode"})
    with pytest.raises(PluginRemoteError) as quiet:
        await host.call(Method.SERIES_SEARCH, {"query": "explode-quietly"})
    again = await host.call(Method.SERIES_SEARCH, {"query": "still serving"})

    assert page["results"][0]["title"] == "hello"
    assert (exploded.value.code, exploded.value.message) == (-32603, "kaboom")
    assert quiet.value.message == "KeyError"
    assert again["results"][0]["title"] == "still serving"
    entry = await storage.get("last", now=datetime.now(UTC))
    assert entry is not None and entry.data == {"query": "still serving"}


def test_best_match_prefers_close_titles_and_years() -> None:
    """§10: similarity over title and alternates, +0.05 same year, −0.15 far year."""
    results = [
        SearchResult(external_id="a", title="Berserk", year=1985),
        SearchResult(
            external_id="b", title="Something Else", alternate_titles=["Bérsérk!"], year=1990
        ),
    ]

    match = best_match(results, "berserk", year=1990)

    assert similarity("Bérsérk!", "berserk") == 1.0
    assert match.match is not None and match.match.external_id == "b"
    assert match.confidence == 1.0
    assert [r.external_id for r in match.alternatives] == ["a"]
    assert best_match([], "x").to_wire() == {"match": None, "confidence": 0.0, "alternatives": []}


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, 60),
        ("7", 7),
        ("0", 1),
        ("99999", 3600),
        ("soon", 60),
        ("Wed, 01 Jan 2025 00:00:30 GMT", 30),
    ],
)
def test_retry_after_headers(header: str | None, seconds: int) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == seconds
