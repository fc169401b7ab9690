"""echo: an offline, deterministic provider with latency and failure injection (plugins.md §11.1).

Every value is a function of the title (``h = crc32(title)``), so tests can predict results;
``adminConfig`` switches inject latency, crashes, hangs, rate limits and provider errors.
"""

from __future__ import annotations

import asyncio
import os
import sys
import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from colophon_sdk import (
    AlternateTitle,
    ApiError,
    Author,
    BookGet,
    BookMatch,
    BookMetadata,
    BookProvider,
    BookSearch,
    ConfigError,
    ConfigField,
    ExternalId,
    ExternalLink,
    Manifest,
    MatchResult,
    MetadataPlugin,
    PluginContext,
    Preview,
    RateLimitError,
    Rating,
    SearchPage,
    SearchResult,
    SeriesGet,
    SeriesMatch,
    SeriesMetadata,
    SeriesProvider,
    SeriesSearch,
)

__version__ = "1.0.0"

STATUSES = ["ongoing", "ended", "hiatus", "abandoned"]
AGE_RATINGS = [0, 13, 16, 18]
DEFAULT_MAX_RESULTS = 3
DEFAULT_MATCH_CONFIDENCE = 0.9
ISBN_MATCH_CONFIDENCE = 0.99


def _int_setting(config: dict[str, Any], key: str, default: int = 0) -> int:
    value = config.get(key)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def title_hash(title: str, generation: int) -> int:
    """``h(s)`` of §11.1: crc32 of the title, or of ``title#generation`` when generation > 0."""
    key = title if generation == 0 else f"{title}#{generation}"
    return zlib.crc32(key.encode())


def title_from_id(external_id: str) -> str:
    """Recover the title from ``series-<i>::<q>`` / ``book-<i>::<q>``; other ids are the title."""
    prefix, sep, query = external_id.partition("::")
    kind, _, index = prefix.partition("-")
    if not sep or kind not in ("series", "book") or not index.isdigit():
        return external_id
    return query if index == "1" else f"{query} ({index})"


class Faults:
    """The per-process request counter ``k`` and the injected faults it triggers."""

    def __init__(self) -> None:
        self.count = 0

    async def before_reply(self, ctx: PluginContext) -> None:
        """Apply crash, hang, rate-limit, failure and latency settings, in that order."""
        config = ctx.admin_config
        self.count += 1
        k = self.count
        if self._fires(config, "crashEvery", k):
            ctx.log.error("echo: crash injected", request=k)
            sys.stderr.flush()
            os._exit(1)
        if self._fires(config, "hangEvery", k):
            await asyncio.Event().wait()
        if self._fires(config, "rateLimitEvery", k):
            raise RateLimitError(_int_setting(config, "retryAfterSeconds", 1))
        if self._fires(config, "failEvery", k):
            raise ApiError(f"echo: injected failure #{k}", status_code=500)
        latency_ms = _int_setting(config, "latencyMs")
        if latency_ms > 0:
            await asyncio.sleep(latency_ms / 1000)

    @staticmethod
    def _fires(config: dict[str, Any], key: str, k: int) -> bool:
        every = _int_setting(config, key)
        return every > 0 and k % every == 0


class Echo:
    """The deterministic values of one echo process."""

    def __init__(self, ctx: PluginContext) -> None:
        self.ctx = ctx
        self.generation = _int_setting(ctx.admin_config, "generation")

    def h(self, title: str) -> int:
        return title_hash(title, self.generation)

    def year(self, title: str) -> int:
        return 1980 + self.h(title) % 45

    def results(self, kind: str, query: str, limit: int) -> list[SearchResult]:
        max_results = min(20, max(1, _int_setting(self.ctx.admin_config, "maxResults", 3)))
        count = max(0, min(limit, max_results))
        return [self.result(kind, query, i) for i in range(1, count + 1)]

    def result(self, kind: str, query: str, i: int) -> SearchResult:
        title = query if i == 1 else f"{query} ({i})"
        h = self.h(title)
        return SearchResult(
            external_id=f"{kind}-{i}::{query}",
            title=title,
            year=self.year(title),
            relevance_score=round(1.0 - 0.1 * (i - 1), 2),
            preview=Preview(
                status=STATUSES[h % 4],
                genres=["Echo"],
                rating=(h % 100) / 10,
                description=f'Echo result {i} for "{query}"',
                book_count=1 + h % 40,
                authors=["Echo Author"],
                format="manga",
            ),
        )

    def cover_url(self, title: str) -> str | None:
        base = self.ctx.admin_config.get("coverBaseUrl")
        return f"{str(base).rstrip('/')}/{self.h(title)}.jpg" if base else None

    def overrides(self, external_id: str) -> dict[str, Any]:
        overrides = self.ctx.admin_config.get("overrides")
        entry = overrides.get(external_id) if isinstance(overrides, dict) else None
        return entry if isinstance(entry, dict) else {}

    async def record_query(self, kind: str, query: str) -> None:
        if self.ctx.admin_config.get("recordQueries") is True:
            at = datetime.now(UTC).isoformat()
            await self.ctx.storage.set(f"last-query:{kind}", {"query": query, "at": at})


FAULTS = Faults()


class EchoSeries(SeriesProvider):
    async def search(self, req: SeriesSearch, ctx: PluginContext) -> SearchPage:
        await FAULTS.before_reply(ctx)
        echo = Echo(ctx)
        query = req.query.strip()
        await echo.record_query("series", query)
        return SearchPage(results=echo.results("series", query, req.limit))

    async def get(self, req: SeriesGet, ctx: PluginContext) -> Any:
        await FAULTS.before_reply(ctx)
        return series_metadata(Echo(ctx), req.external_id)

    async def match(self, req: SeriesMatch, ctx: PluginContext) -> MatchResult:
        await FAULTS.before_reply(ctx)
        title = req.title.strip()
        if title.casefold().startswith("nomatch"):
            return MatchResult(match=None, confidence=0.0)
        results = Echo(ctx).results("series", title, DEFAULT_MAX_RESULTS)
        return MatchResult(
            match=results[0], confidence=_match_confidence(ctx), alternatives=results[1:]
        )


def series_metadata(echo: Echo, external_id: str) -> dict[str, Any]:
    """The series ``get`` payload of §11.1 with ``overrides[<id>]`` merged last."""
    title = title_from_id(external_id)
    h = echo.h(title)
    url = f"https://echo.invalid/series/{quote(external_id, safe='')}"
    volumes = 1 + h % 40
    metadata = SeriesMetadata(
        external_id=external_id,
        external_url=url,
        title=title,
        alternate_titles=[AlternateTitle(title=title.upper(), language="en", title_type="english")],
        summary=f'Echo summary for "{title}".',
        status=STATUSES[h % 4],
        year=echo.year(title),
        total_volume_count=volumes,
        total_chapter_count=10 * volumes,
        language="en",
        age_rating=AGE_RATINGS[h % 4],
        reading_direction="rtl",
        genres=["Echo", "Test"],
        tags=[f"tag-{h % 10}"],
        authors=[Author(name="Echo Author", role="author")],
        artists=["Echo Artist"],
        publisher="Echo Press",
        cover_url=echo.cover_url(title),
        rating=Rating(score=50 + h % 51, vote_count=100 + h % 900, source="echo"),
        external_links=[ExternalLink(url=url, label="Echo", link_type="provider")],
        external_ids=[ExternalId(source="api:echo", external_id=external_id)],
    )
    return {**metadata.to_wire(), **echo.overrides(external_id)}


class EchoBooks(BookProvider):
    async def search(self, req: BookSearch, ctx: PluginContext) -> SearchPage:
        await FAULTS.before_reply(ctx)
        echo = Echo(ctx)
        if req.isbn:
            await echo.record_query("book", req.isbn)
            return SearchPage(results=[isbn_result(req.isbn)])
        query = (req.query or "").strip()
        await echo.record_query("book", query)
        return SearchPage(results=echo.results("book", query, req.limit))

    async def get(self, req: BookGet, ctx: PluginContext) -> Any:
        await FAULTS.before_reply(ctx)
        return book_metadata(Echo(ctx), req.external_id)

    async def match(self, req: BookMatch, ctx: PluginContext) -> MatchResult:
        await FAULTS.before_reply(ctx)
        if req.isbn:
            return MatchResult(match=isbn_result(req.isbn), confidence=ISBN_MATCH_CONFIDENCE)
        title = req.title.strip()
        results = Echo(ctx).results("book", title, DEFAULT_MAX_RESULTS)
        return MatchResult(
            match=results[0], confidence=_match_confidence(ctx), alternatives=results[1:]
        )


def isbn_result(isbn: str) -> SearchResult:
    return SearchResult(external_id=f"isbn::{isbn}", title=f"Echo Book {isbn}", relevance_score=1.0)


def book_metadata(echo: Echo, external_id: str) -> dict[str, Any]:
    """The book ``get`` payload of §11.1 with ``overrides[<id>]`` merged last."""
    isbn = external_id.removeprefix("isbn::") if external_id.startswith("isbn::") else None
    title = f"Echo Book {isbn}" if isbn else title_from_id(external_id)
    h = echo.h(title)
    year = echo.year(title)
    metadata = BookMetadata(
        external_id=external_id,
        external_url=f"https://echo.invalid/books/{quote(external_id, safe='')}",
        title=title,
        book_type="manga",
        volume=1 + h % 20,
        page_count=100 + h % 300,
        year=year,
        release_date=f"{year}-01-01",
        isbn=isbn,
        isbns=[isbn] if isbn else [],
        authors=[Author(name="Echo Author", role="author")],
        publisher="Echo Press",
        language="en",
        subjects=["Echo"],
        cover_url=echo.cover_url(title),
        external_ids=[ExternalId(source="api:echo", external_id=external_id)],
    )
    return {**metadata.to_wire(), **echo.overrides(external_id)}


def _match_confidence(ctx: PluginContext) -> float:
    value = ctx.admin_config.get("matchConfidence")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return DEFAULT_MATCH_CONFIDENCE


async def check_initialize(ctx: PluginContext) -> None:
    """``failInitialize: true`` makes ``initialize`` fail with -32005."""
    if ctx.admin_config.get("failInitialize") is True:
        raise ConfigError("echo: initialize failure injected")


plugin = MetadataPlugin(
    manifest=Manifest(
        name="echo",
        display_name="Echo",
        version=__version__,
        description="Offline, deterministic test provider with latency and failure injection.",
        author="Colophon",
        config_schema=[
            ConfigField("latencyMs", "Latency (ms)", type="number", default=0),
            ConfigField("maxResults", "Results per search", type="number", default=3),
            ConfigField("generation", "Generation", type="number", default=0),
            ConfigField("coverBaseUrl", "Cover base URL", type="url"),
            ConfigField("matchConfidence", "Match confidence", type="number", default=0.9),
        ],
        search_uri_template="https://echo.invalid/search?q=<title>",
    ),
    series=EchoSeries(),
    book=EchoBooks(),
    on_initialize=check_initialize,
)
