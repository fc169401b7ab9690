"""Parsing of host params with the Codex SDK's validation messages (plugins.md §3.8)."""

from __future__ import annotations

from typing import Any

from ._errors import InvalidParamsError
from ._types import BookGet, BookMatch, BookSearch, SeriesGet, SeriesMatch, SeriesSearch

DEFAULT_LIMIT = 10


def required_string(params: dict[str, Any], field: str) -> str:
    """The non-blank string ``params[field]``; raises ``InvalidParamsError`` naming the field."""
    value = params.get(field)
    if value is None:
        raise InvalidParamsError(field, f"Invalid params: {field} is required")
    if not isinstance(value, str):
        raise InvalidParamsError(field, f"Invalid params: {field} must be a string")
    if not value.strip():
        raise InvalidParamsError(field, f"Invalid params: {field} cannot be empty")
    return value


def _optional_string(params: dict[str, Any], field: str) -> str | None:
    value = params.get(field)
    return value if isinstance(value, str) and value.strip() else None


def _optional_int(params: dict[str, Any], field: str) -> int | None:
    value = params.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else None


def _limit(params: dict[str, Any]) -> int:
    return _optional_int(params, "limit") or DEFAULT_LIMIT


def parse_series_search(params: dict[str, Any]) -> SeriesSearch:
    return SeriesSearch(
        query=required_string(params, "query"),
        limit=_limit(params),
        cursor=_optional_string(params, "cursor"),
    )


def parse_series_get(params: dict[str, Any]) -> SeriesGet:
    return SeriesGet(external_id=required_string(params, "externalId"))


def parse_series_match(params: dict[str, Any]) -> SeriesMatch:
    return SeriesMatch(
        title=required_string(params, "title"),
        year=_optional_int(params, "year"),
        author=_optional_string(params, "author"),
    )


def parse_book_search(params: dict[str, Any]) -> BookSearch:
    isbn = _optional_string(params, "isbn")
    query = _optional_string(params, "query")
    if isbn is None and query is None:
        raise InvalidParamsError("isbn/query", "Invalid params: either isbn or query is required")
    return BookSearch(
        isbn=isbn,
        query=query,
        author=_optional_string(params, "author"),
        year=_optional_int(params, "year"),
        limit=_limit(params),
        cursor=_optional_string(params, "cursor"),
    )


def parse_book_get(params: dict[str, Any]) -> BookGet:
    return BookGet(external_id=required_string(params, "externalId"))


def parse_book_match(params: dict[str, Any]) -> BookMatch:
    authors = params.get("authors")
    return BookMatch(
        title=required_string(params, "title"),
        authors=[a for a in authors if isinstance(a, str)] if isinstance(authors, list) else [],
        isbn=_optional_string(params, "isbn"),
        year=_optional_int(params, "year"),
        publisher=_optional_string(params, "publisher"),
    )
