"""One protocol suite run against the Python echo plugin and the dependency-free Node plugin.

Item 93: the Node plugin (a Codex-SDK-style plugin) passes what the SDK-based echo passes:
initialize, series and book search/get/match, storage, out-of-order replies, error codes,
shutdown with exit 0.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from colophon.plugins import metadata_calls as calls
from colophon.plugins.definition import PluginDefinition
from colophon.plugins.errors import (
    PluginCrashed,
    PluginInvalidParams,
    PluginMethodNotSupported,
    PluginRateLimited,
    PluginTimeout,
)
from colophon.plugins.host import PluginHost
from colophon.plugins.protocol import Method
from colophon.plugins.storage import MemoryStorage, StorageCalls
from tests.plugins.conftest import HostFactory

NODE_PLUGIN = str(Path(__file__).parent / "node_plugin" / "plugin.mjs")
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@dataclass(frozen=True)
class Flavour:
    name: str
    command: str
    args: tuple[str, ...]
    slow_search_config: dict[str, Any]
    storing_config: dict[str, Any] = field(default_factory=dict)

    def definition(self, **admin_config: Any) -> PluginDefinition:
        return PluginDefinition(
            name=self.name,
            command=self.command,
            args=self.args,
            admin_config=admin_config,
            rate_limit_per_minute=0,
        )


ECHO = Flavour(
    "echo",
    "python",
    ("-m", "colophon_plugins.echo"),
    slow_search_config={"latencyMs": 500},
    storing_config={"recordQueries": True},
)
NODE = Flavour(
    "node-compat",
    "node",
    (NODE_PLUGIN,),
    slow_search_config={"delays": {"metadata/series/search": 500}},
)


@pytest.fixture(params=[ECHO, pytest.param(NODE, marks=needs_node)], ids=["echo", "node"])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


async def test_initialize_caches_a_series_and_book_manifest(
    make_host: HostFactory, flavour: Flavour
) -> None:
    host = make_host(flavour.definition())

    assert await host.call(Method.PING) == "pong"

    assert host.manifest is not None
    assert host.manifest.content_types == frozenset({"series", "book"})
    assert host.manifest.protocol_version == "1.1"


async def test_series_search_get_and_match_decode(make_host: HostFactory, flavour: Flavour) -> None:
    host = make_host(flavour.definition())

    page = await calls.search_series(host, "Berserk", limit=3)
    payload = await calls.get_series(host, page.results[0].external_id)
    match = await calls.match_series(host, "Berserk")
    no_match = await calls.match_series(host, "nomatch whatever")

    assert [r.title for r in page.results] == ["Berserk", "Berserk (2)", "Berserk (3)"]
    assert payload.external_id == "series-1::Berserk"
    assert match.candidate is not None and match.candidate.external_id == "series-1::Berserk"
    assert match.confidence is not None and match.confidence > 0
    assert no_match.candidate is None


async def test_book_search_get_and_match_decode(make_host: HostFactory, flavour: Flavour) -> None:
    host = make_host(flavour.definition())

    by_isbn = await calls.search_books(host, isbn="978-0-13-468599-1")
    book = await calls.get_book(host, by_isbn.results[0].external_id)
    match = await calls.match_book(host, "Dune", authors=["Frank Herbert"])

    assert by_isbn.results[0].external_id == "isbn::9780134685991"
    assert book.external_id == "isbn::9780134685991"
    assert match.candidate is not None


async def test_a_ping_sent_after_a_slow_search_resolves_first(
    make_host: HostFactory, flavour: Flavour
) -> None:
    """Item 6: out-of-order replies."""
    host = make_host(flavour.definition(**flavour.slow_search_config))
    await host.call(Method.PING)
    order: list[str] = []

    async def search() -> None:
        await host.call(Method.SERIES_SEARCH, {"query": "Slow", "limit": 1})
        order.append("search")

    async def ping() -> None:
        await asyncio.sleep(0.05)
        await host.call(Method.PING)
        order.append("ping")

    await asyncio.gather(search(), ping())

    assert order == ["ping", "search"]


async def test_fifty_concurrent_searches_get_their_own_results(
    make_host: HostFactory, flavour: Flavour
) -> None:
    """Item 7."""
    host = make_host(flavour.definition())

    pages = await asyncio.gather(
        *(calls.search_series(host, f"title {i}", limit=1) for i in range(50))
    )

    assert [p.results[0].title for p in pages] == [f"title {i}" for i in range(50)]


async def test_validation_and_unknown_methods_answer_with_codex_sdk_errors(
    make_host: HostFactory, flavour: Flavour
) -> None:
    """Items 77, 76-style -32601."""
    host = make_host(flavour.definition())

    with pytest.raises(PluginInvalidParams) as invalid:
        await host.call(Method.SERIES_SEARCH, {"query": "  "})
    with pytest.raises(PluginInvalidParams) as missing:
        await host.call(Method.SERIES_GET, {})
    with pytest.raises(PluginInvalidParams) as neither:
        await host.call(Method.BOOK_SEARCH, {})
    with pytest.raises(PluginMethodNotSupported) as unknown:
        await host.call("metadata/series/unknown", {})

    assert (invalid.value.message, invalid.value.field) == (
        "Invalid params: query cannot be empty",
        "query",
    )
    assert (missing.value.message, missing.value.field) == (
        "Invalid params: externalId is required",
        "externalId",
    )
    assert (neither.value.message, neither.value.field) == (
        "Invalid params: either isbn or query is required",
        "isbn/query",
    )
    assert unknown.value.message == "Method not found: metadata/series/unknown"


async def test_storage_calls_during_a_request_reach_the_host(
    make_host: HostFactory, flavour: Flavour
) -> None:
    """Item 80: the plugin calls storage/* while the host request is pending."""
    storage = MemoryStorage()
    host = make_host(
        flavour.definition(**flavour.storing_config), reverse_handler=StorageCalls(storage)
    )

    if flavour is ECHO:
        await host.call(Method.SERIES_SEARCH, {"query": "Stored", "limit": 1})
        entry = await storage.get("last-query:series", now=_now())
        assert entry is not None and entry.data["query"] == "Stored"
    else:
        result = await host.call(Method.SERIES_GET, {"externalId": "series-1::Stored"})
        assert result["storedSomething"] is True
        assert result["parentCall"] == {
            "code": -32601,
            "message": "Method not found: releases/list_tracked",
        }


async def test_shutdown_makes_the_plugin_exit_zero(
    make_host: HostFactory, flavour: Flavour
) -> None:
    """Item 20."""
    host = make_host(flavour.definition())
    await host.call(Method.PING)
    process = host._process
    assert process is not None

    await host.stop()

    assert process.exit_code == 0


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


# --- Node-only fault cases: -32001 with retryAfterSeconds, a crash, a hang --------------


@needs_node
async def test_node_rate_limit_reply_pauses_the_plugin_limiter(make_host: HostFactory) -> None:
    """Item 84-style: -32001 {retryAfterSeconds: 7} → PluginRateLimited(7) and a 7 s pause."""
    host = make_host(NODE.definition())

    with pytest.raises(PluginRateLimited) as limited:
        await host.call(Method.SERIES_SEARCH, {"query": "ratelimit"})

    assert limited.value.retry_after_s == 7
    with pytest.raises(PluginRateLimited):
        await host.call(Method.SERIES_SEARCH, {"query": "x"}, max_wait_s=1)
    assert await host.call(Method.PING) == "pong"  # ping takes no token


@needs_node
async def test_node_crash_and_hang_are_contained(make_host: HostFactory) -> None:
    host: PluginHost = make_host(NODE.definition())

    with pytest.raises(PluginTimeout):
        await host.call(Method.SERIES_SEARCH, {"query": "hang"}, timeout_s=0.3)
    with pytest.raises(PluginCrashed) as crashed:
        await host.call(Method.SERIES_SEARCH, {"query": "crash"})

    assert crashed.value.exit_code == 1
    assert (await calls.search_series(host, "after", limit=1)).results[0].title == "after"


@needs_node
async def test_node_missing_key_fails_initialize_with_config_error(
    make_host: HostFactory,
) -> None:
    """§3.4: -32005 from initialize is a start failure and the process is killed."""
    from colophon.plugins.errors import PluginUnavailable

    host = make_host(NODE.definition(requireKey=True))

    with pytest.raises(PluginUnavailable) as failed:
        await host.call(Method.PING)

    assert failed.value.message == "api_key credential is required"
    assert host.pid is None
