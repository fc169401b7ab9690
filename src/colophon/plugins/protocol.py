"""Wire protocol v1 (plugins.md §3): methods, message shapes, params the host sends.

Pure functions only: encoding a line, classifying an incoming object, and building the params
of the six metadata methods with the host's own checks (§3.8) before anything is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from colophon.plugins.errors import PluginInvalidParams

JsonObject = dict[str, Any]

DEFAULT_SEARCH_LIMIT = 10
MAX_SEARCH_LIMIT = 50


class Method(StrEnum):
    """Host → plugin methods."""

    INITIALIZE = "initialize"
    PING = "ping"
    SHUTDOWN = "shutdown"
    SERIES_SEARCH = "metadata/series/search"
    SERIES_GET = "metadata/series/get"
    SERIES_MATCH = "metadata/series/match"
    BOOK_SEARCH = "metadata/book/search"
    BOOK_GET = "metadata/book/get"
    BOOK_MATCH = "metadata/book/match"


ContentType = Literal["series", "book"]

METADATA_METHODS: dict[str, ContentType] = {
    Method.SERIES_SEARCH: "series",
    Method.SERIES_GET: "series",
    Method.SERIES_MATCH: "series",
    Method.BOOK_SEARCH: "book",
    Method.BOOK_GET: "book",
    Method.BOOK_MATCH: "book",
}


def content_type_of(method: str) -> ContentType | None:
    """``series``/``book`` for the six metadata methods (which take limiter tokens), else None."""
    return METADATA_METHODS.get(method)


def encode_line(message: JsonObject) -> bytes:
    """One compact JSON line; ``json.dumps`` escapes CR and LF inside strings (§3.1)."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8") + b"\n"


def request_message(request_id: int, method: str, params: JsonObject | None) -> JsonObject:
    """A request envelope; ``params`` is omitted when there are none (``ping``, ``shutdown``)."""
    message: JsonObject = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def result_message(request_id: Any, result: Any) -> JsonObject:
    """A success reply echoing ``request_id`` verbatim (same JSON type, §3.2)."""
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


def error_message(request_id: Any, code: int, message: str, data: Any = None) -> JsonObject:
    """An error reply echoing ``request_id`` verbatim."""
    error: JsonObject = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


@dataclass(frozen=True, slots=True)
class ReverseRequest:
    """A plugin → host request; ``method`` is None when it was not a string (→ -32600)."""

    id: Any
    method: str | None
    params: Any


@dataclass(frozen=True, slots=True)
class Response:
    """A reply to a host request; ``id`` is the host id it names, None when unusable."""

    id: int | None
    raw_id: Any
    result: Any
    error: Any
    is_error: bool


@dataclass(frozen=True, slots=True)
class Ignored:
    """An object the protocol drops; ``why`` is for the log."""

    why: str


Incoming = ReverseRequest | Response | Ignored


def classify(message: JsonObject) -> Incoming:
    """Route an incoming object by the presence of ``method`` (§3.2), never by its id."""
    if "method" in message:
        if "id" not in message:
            return Ignored("request without id (the protocol has no notifications)")
        method = message["method"]
        return ReverseRequest(
            message["id"], method if isinstance(method, str) else None, message.get("params")
        )
    if "id" in message and ("result" in message or "error" in message):
        is_error = "error" in message
        return Response(
            host_id(message["id"]),
            message["id"],
            message.get("result"),
            message.get("error"),
            is_error,
        )
    return Ignored("neither a request nor a response")


def host_id(raw: Any) -> int | None:
    """The host request id a reply names: an int, or a numeric string with the same value."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


# --- params of the metadata methods (§3.8) ---------------------------------------------


def _require_text(plugin: str, field: str, value: str) -> str:
    if not value or not value.strip():
        raise PluginInvalidParams(
            plugin, f"Invalid params: {field} cannot be empty", {"field": field}
        )
    return value


def clamp_limit(limit: int | None) -> int:
    """The search ``limit`` to send: 10 by default, clamped to 1..50."""
    return DEFAULT_SEARCH_LIMIT if limit is None else max(1, min(MAX_SEARCH_LIMIT, limit))


def normalize_isbn(isbn: str) -> str:
    """An ISBN without spaces or hyphens."""
    return isbn.replace("-", "").replace(" ", "").strip()


def _drop_none(params: dict[str, Any]) -> JsonObject:
    return {key: value for key, value in params.items() if value is not None}


def series_search_params(
    plugin: str, query: str, *, limit: int | None = None, cursor: str | None = None
) -> JsonObject:
    """``metadata/series/search`` params; raises ``PluginInvalidParams`` for a blank query."""
    return _drop_none(
        {
            "query": _require_text(plugin, "query", query),
            "limit": clamp_limit(limit),
            "cursor": cursor,
        }
    )


def get_params(plugin: str, external_id: str) -> JsonObject:
    """``metadata/*/get`` params."""
    return {"externalId": _require_text(plugin, "externalId", external_id)}


def series_match_params(
    plugin: str, title: str, *, year: int | None = None, author: str | None = None
) -> JsonObject:
    """``metadata/series/match`` params."""
    return _drop_none(
        {"title": _require_text(plugin, "title", title), "year": year, "author": author}
    )


def book_search_params(
    plugin: str,
    *,
    isbn: str | None = None,
    query: str | None = None,
    author: str | None = None,
    year: int | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> JsonObject:
    """``metadata/book/search`` params; needs a non-blank ``isbn`` or ``query``."""
    isbn = normalize_isbn(isbn) if isbn else None
    query = query if query and query.strip() else None
    if isbn is None and query is None:
        raise PluginInvalidParams(
            plugin, "Invalid params: either isbn or query is required", {"field": "isbn/query"}
        )
    return _drop_none(
        {
            "isbn": isbn,
            "query": query,
            "author": author,
            "year": year,
            "limit": clamp_limit(limit),
            "cursor": cursor,
        }
    )


def book_match_params(
    plugin: str,
    title: str,
    *,
    authors: list[str] | None = None,
    isbn: str | None = None,
    year: int | None = None,
    publisher: str | None = None,
) -> JsonObject:
    """``metadata/book/match`` params; ``authors`` is always sent (default ``[]``)."""
    return _drop_none(
        {
            "title": _require_text(plugin, "title", title),
            "authors": list(authors or []),
            "isbn": normalize_isbn(isbn) if isbn else None,
            "year": year,
            "publisher": publisher,
        }
    )
