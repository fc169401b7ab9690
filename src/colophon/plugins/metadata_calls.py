"""Typed metadata calls (plugins.md §3.8, §4.10): params checked, replies normalised.

Each function sends one of the six metadata methods through a ``PluginHost`` and returns the
normalised value of the metadata specification (§3.4-§3.6); an unusable reply raises
``PluginProtocolError``.
"""

from __future__ import annotations

from typing import Any

from colophon.metadata.payloads import (
    InvalidPayload,
    NormalisedPayload,
    normalise_book_payload,
    normalise_series_payload,
)
from colophon.metadata.search_results import (
    MatchOutcome,
    SearchPage,
    normalise_match_reply,
    normalise_search_reply,
)
from colophon.plugins import protocol
from colophon.plugins.errors import PluginProtocolError
from colophon.plugins.host import PluginHost
from colophon.plugins.protocol import Method


async def _call(host: PluginHost, method: Method, params: Any, **limits: float | None) -> Any:
    return await host.call(method, params, **limits)


def _search_page(host: PluginHost, raw: Any) -> SearchPage:
    try:
        return normalise_search_reply(raw)
    except InvalidPayload as exc:
        raise PluginProtocolError(host.name, exc.message) from exc


def _payload(host: PluginHost, raw: Any, *, book: bool) -> NormalisedPayload:
    try:
        return normalise_book_payload(raw) if book else normalise_series_payload(raw)
    except InvalidPayload as exc:
        raise PluginProtocolError(host.name, exc.message) from exc


async def search_series(
    host: PluginHost,
    query: str,
    *,
    limit: int | None = None,
    cursor: str | None = None,
    timeout_s: float | None = None,
    max_wait_s: float | None = None,
) -> SearchPage:
    """``metadata/series/search``; raises ``PluginInvalidParams`` locally for a blank query."""
    params = protocol.series_search_params(host.name, query, limit=limit, cursor=cursor)
    raw = await _call(
        host, Method.SERIES_SEARCH, params, timeout_s=timeout_s, max_wait_s=max_wait_s
    )
    return _search_page(host, raw)


async def get_series(
    host: PluginHost,
    external_id: str,
    *,
    timeout_s: float | None = None,
    max_wait_s: float | None = None,
) -> NormalisedPayload:
    """``metadata/series/get``, normalised field by field."""
    params = protocol.get_params(host.name, external_id)
    raw = await _call(host, Method.SERIES_GET, params, timeout_s=timeout_s, max_wait_s=max_wait_s)
    return _payload(host, raw, book=False)


async def match_series(
    host: PluginHost,
    title: str,
    *,
    year: int | None = None,
    author: str | None = None,
    timeout_s: float | None = None,
    max_wait_s: float | None = None,
) -> MatchOutcome:
    """``metadata/series/match`` as ``(candidate, confidence)``."""
    params = protocol.series_match_params(host.name, title, year=year, author=author)
    raw = await _call(host, Method.SERIES_MATCH, params, timeout_s=timeout_s, max_wait_s=max_wait_s)
    return normalise_match_reply(raw)


async def search_books(
    host: PluginHost,
    *,
    isbn: str | None = None,
    query: str | None = None,
    author: str | None = None,
    year: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
    timeout_s: float | None = None,
    max_wait_s: float | None = None,
) -> SearchPage:
    """``metadata/book/search`` by ISBN (hyphens removed) or query."""
    params = protocol.book_search_params(
        host.name, isbn=isbn, query=query, author=author, year=year, limit=limit, cursor=cursor
    )
    raw = await _call(host, Method.BOOK_SEARCH, params, timeout_s=timeout_s, max_wait_s=max_wait_s)
    return _search_page(host, raw)


async def get_book(
    host: PluginHost,
    external_id: str,
    *,
    timeout_s: float | None = None,
    max_wait_s: float | None = None,
) -> NormalisedPayload:
    """``metadata/book/get``, normalised field by field."""
    params = protocol.get_params(host.name, external_id)
    raw = await _call(host, Method.BOOK_GET, params, timeout_s=timeout_s, max_wait_s=max_wait_s)
    return _payload(host, raw, book=True)


async def match_book(
    host: PluginHost,
    title: str,
    *,
    authors: list[str] | None = None,
    isbn: str | None = None,
    year: int | None = None,
    publisher: str | None = None,
    timeout_s: float | None = None,
    max_wait_s: float | None = None,
) -> MatchOutcome:
    """``metadata/book/match`` as ``(candidate, confidence)``."""
    params = protocol.book_match_params(
        host.name, title, authors=authors, isbn=isbn, year=year, publisher=publisher
    )
    raw = await _call(host, Method.BOOK_MATCH, params, timeout_s=timeout_s, max_wait_s=max_wait_s)
    return normalise_match_reply(raw)
