"""Scalar normalisation rules N1 to N6 (metadata §3.6): text, numbers, enums, languages, URLs.

Each parser takes one raw JSON value and returns the normalised value, returns None when the
value counts as not provided, or raises InvalidValue with the detail that follows
`Invalid value: ` in a skip reason. List rules (N7 to N14) live in list_rules.py.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from colophon.metadata.text import normalise_summary, normalise_text

T = TypeVar("T")

MAX_URL_CHARS = 2048
MAX_LANGUAGE_CHARS = 35

STATUSES = frozenset({"ongoing", "ended", "hiatus", "abandoned", "unknown"})
STATUS_ALIASES = {"completed": "ended", "cancelled": "abandoned", "canceled": "abandoned"}
READING_DIRECTIONS = frozenset({"ltr", "rtl", "ttb", "webtoon"})
BOOK_TYPES = frozenset(
    {"comic", "manga", "novel", "novella", "anthology", "artbook", "oneshot", "omnibus"}
    | {"graphic_novel", "magazine"}
)
BOOK_TYPE_ALIASES = {"art_book": "artbook", "one_shot": "oneshot", "graphicnovel": "graphic_novel"}
AUTHOR_ROLES = frozenset(
    {"author", "co_author", "editor", "translator", "illustrator", "contributor", "writer"}
    | {"penciller", "inker", "colorist", "letterer", "cover_artist"}
)

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_ENUM_SEPARATORS = re.compile(r"[ \-]")


class InvalidValue(ValueError):
    """A provided value that breaks its field's rule; `detail` follows `Invalid value: `."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def render_json(value: object) -> str:
    """A value as JSON text, the way messages quote values (metadata §0: `1.5`, `120`)."""
    return json.dumps(value, ensure_ascii=False)


# --- N1, N2: strings --------------------------------------------------------------------


def _expect_str(raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidValue("expected string")
    return raw


def _within_limit(text: str, max_chars: int) -> str | None:
    if not text:
        return None
    if len(text) > max_chars:
        raise InvalidValue(f"too long (max {max_chars} characters)")
    return text


def parse_text(raw: object, *, max_chars: int) -> str | None:
    """N1: NT; blank is not provided; over `max_chars` is `too long (max <n> characters)`."""
    if raw is None:
        return None
    return _within_limit(normalise_text(_expect_str(raw)), max_chars)


def parse_summary(raw: object, *, max_chars: int) -> str | None:
    """N1 for `summary`: NFC and trim only, so line breaks are kept."""
    if raw is None:
        return None
    return _within_limit(normalise_summary(_expect_str(raw)), max_chars)


# --- N2, N3: numbers --------------------------------------------------------------------


def _finite_number(raw: object, expected: str) -> int | float:
    # bool is an int subclass in Python, but JSON true is never a number (N2).
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InvalidValue(expected)
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InvalidValue("not a finite number")
    return raw


def _in_range(value: int | float, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidValue(f"out of range {low}..{high}: {render_json(value)}")


def parse_integer(raw: object, *, low: int, high: int) -> int | None:
    """N3: an integer, or a float with an integral value (`14.0`), within `low..high`."""
    if raw is None:
        return None
    number = _finite_number(raw, "expected integer")
    if isinstance(number, float):
        if not number.is_integer():
            raise InvalidValue(f"not a whole number: {render_json(number)}")
        number = int(number)
    _in_range(number, low, high)
    return number


def parse_number(raw: object, *, low: int, high: int) -> float | None:
    """N3: any finite number within `low..high`, stored as a float (`109` = `109.0`)."""
    if raw is None:
        return None
    number = _finite_number(raw, "expected number")
    _in_range(number, low, high)
    return float(number)


# --- N4, N5, N6: enums, languages, URLs -------------------------------------------------


def normalise_enum_word(raw: str) -> str:
    """N4: trimmed, lowercased, spaces and hyphens turned into `_` (`Graphic Novel`)."""
    return _ENUM_SEPARATORS.sub("_", raw.strip().lower())


def _enum_parser(
    kind: str, allowed: frozenset[str], aliases: dict[str, str]
) -> Callable[[object], str | None]:
    def parse(raw: object) -> str | None:
        if raw is None:
            return None
        word = normalise_enum_word(_expect_str(raw))
        if not word:
            return None
        word = aliases.get(word, word)
        if word not in allowed:
            raise InvalidValue(f"unknown {kind} '{word}'")
        return word

    return parse


parse_status = _enum_parser("status", STATUSES, STATUS_ALIASES)
parse_reading_direction = _enum_parser("reading direction", READING_DIRECTIONS, {})
parse_book_type = _enum_parser("book type", BOOK_TYPES, BOOK_TYPE_ALIASES)
parse_author_role = _enum_parser("author role", AUTHOR_ROLES, {})


def canonical_language_case(tag: str) -> str:
    """N5 casing: primary subtag lowercase, 4-letter subtags title case, later 2-letter upper."""
    primary, *rest = tag.split("-")
    subtags = [primary.lower()]
    for subtag in rest:
        if len(subtag) == 4:
            subtags.append(subtag.title())
        elif len(subtag) == 2:
            subtags.append(subtag.upper())
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)


def parse_language(raw: object) -> str | None:
    """N5: a BCP 47-shaped tag up to 35 characters, canonically cased (`PT-br` → `pt-BR`)."""
    tag = parse_text(raw, max_chars=10**9)
    if tag is None:
        return None
    if len(tag) > MAX_LANGUAGE_CHARS or not _LANGUAGE_TAG.match(tag):
        raise InvalidValue(f"invalid language tag '{tag}'")
    return canonical_language_case(tag)


def find_http_url(raw: object) -> str | None:
    """N6: the trimmed URL when it is absolute http(s) and ≤ 2048 characters, else None."""
    if not isinstance(raw, str):
        return None
    url = raw.strip()
    if not url or len(url) > MAX_URL_CHARS or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def parse_cover_url(raw: object) -> str | None:
    """N6 for `coverUrl`: a bad URL makes the field invalid (`invalid URL '<v>'`)."""
    if raw is None:
        return None
    text = _expect_str(raw).strip()
    if not text:
        return None
    url = find_http_url(text)
    if url is None:
        raise InvalidValue(f"invalid URL '{text}'")
    return url
