"""List normalisation rules N7 to N14 (metadata §3.6): names, authors, titles, by-source lists.

Like the scalar rules, each parser returns the normalised tuple, None when nothing usable is
left (not provided), or raises InvalidValue. Malformed entries are dropped, never fatal, except
an unknown author role and an out-of-range rating score, which invalidate their whole field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TypeVar

from colophon.metadata.field_rules import (
    InvalidValue,
    find_http_url,
    parse_author_role,
    parse_integer,
    render_json,
)
from colophon.metadata.text import name_key, normalise_text
from colophon.metadata.values import (
    AlternateTitle,
    Author,
    BookAward,
    ExternalId,
    ExternalLink,
    ExternalRating,
)

T = TypeVar("T")

MAX_TAXONOMY_NAME_CHARS = 100
MAX_AUTHOR_NAME_CHARS = 500
MAX_ALTERNATE_TITLE_CHARS = 1000
MAX_LABEL_CHARS = 50
MAX_RATING_SOURCE_CHARS = 100
MAX_EXTERNAL_ID_CHARS = 500
SCORE_MIN, SCORE_MAX = 0, 100

_EXTERNAL_ID_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,99}$")
_ISBN = re.compile(r"^(\d{13}|\d{9}[\dX])$")


# --- N7: lists --------------------------------------------------------------------------


def _entries(raw: object) -> list[object] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InvalidValue("expected list")
    return raw


def _objects(entries: list[object]) -> Iterator[dict[str, object]]:
    return (entry for entry in entries if isinstance(entry, dict))


def _non_empty(items: list[T]) -> tuple[T, ...] | None:
    return tuple(items) or None


def parse_name_list(raw: object) -> tuple[str, ...] | None:
    """N8 (genres, tags, subjects): NT entries ≤ 100 characters, deduplicated by NK."""
    entries = _entries(raw)
    if entries is None:
        return None
    names: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, str):
            continue
        name = normalise_text(entry)
        if name and len(name) <= MAX_TAXONOMY_NAME_CHARS:
            names.setdefault(name.casefold(), name)
    return _non_empty(list(names.values()))


def parse_authors(raw: object) -> tuple[Author, ...] | None:
    """N9: strings become authors; an unknown role invalidates the whole field."""
    entries = _entries(raw)
    if entries is None:
        return None
    authors: dict[tuple[str, str], Author] = {}
    for entry in entries:
        author = _author(entry)
        if author is not None:
            authors.setdefault((name_key(author.name), author.role), author)
    return _non_empty(list(authors.values()))


def _author(entry: object) -> Author | None:
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, dict):
        return None
    name = entry.get("name")
    if not isinstance(name, str):
        return None
    name = normalise_text(name)
    if not name or len(name) > MAX_AUTHOR_NAME_CHARS:
        return None
    role_raw = entry.get("role")
    if role_raw is not None and not isinstance(role_raw, str):
        return None  # a role of the wrong type is a malformed entry (N7), not an unknown role
    role = parse_author_role(role_raw) or "author"
    sort_name_raw = entry.get("sortName")
    sort_name = normalise_text(sort_name_raw) if isinstance(sort_name_raw, str) else ""
    return Author(name, role, sort_name or None)


def parse_alternate_titles(raw: object) -> tuple[AlternateTitle, ...] | None:
    """N10: label from language, else titleType, else `alternate`; (label, title) deduplicated."""
    entries = _entries(raw)
    if entries is None:
        return None
    titles: dict[AlternateTitle, None] = {}
    for entry in _objects(entries):
        title = entry.get("title")
        if not isinstance(title, str):
            continue
        title = normalise_text(title)
        if title and len(title) <= MAX_ALTERNATE_TITLE_CHARS:
            titles.setdefault(AlternateTitle(_alternate_label(entry), title))
    return _non_empty(list(titles))


def _alternate_label(entry: dict[str, object]) -> str:
    for key in ("language", "titleType"):
        value = entry.get(key)
        if isinstance(value, str) and normalise_text(value):
            return normalise_text(value).lower()[:MAX_LABEL_CHARS]
    return "alternate"


# --- N11, N12: by-source lists ----------------------------------------------------------


def parse_external_links(raw: object) -> tuple[ExternalLink, ...] | None:
    """N11: source = NK(label); bad URLs and later duplicates of a source are dropped."""
    entries = _entries(raw)
    if entries is None:
        return None
    links: dict[str, ExternalLink] = {}
    for entry in _objects(entries):
        url = find_http_url(entry.get("url"))
        label = entry.get("label")
        source = name_key(label) if isinstance(label, str) else ""
        if url is not None and source:
            links.setdefault(source, ExternalLink(source, url))
    return _non_empty(list(links.values()))


def external_id_source(raw: str) -> str | None:
    """N11: lowercase, `api:` added when missing; None for `plugin:` or a bad pattern."""
    source = raw.strip().lower()
    if not source or source.startswith("plugin:"):
        return None  # provenance belongs to the host (metadata §4.8)
    if not source.startswith("api:"):
        source = f"api:{source}"
    return source if _EXTERNAL_ID_SOURCE.match(source) else None


def parse_external_ids(raw: object) -> tuple[ExternalId, ...] | None:
    """N11: `api:`-prefixed sources, ids of 1 to 500 characters, first entry per source."""
    entries = _entries(raw)
    if entries is None:
        return None
    ids: dict[str, ExternalId] = {}
    for entry in _objects(entries):
        source_raw, id_raw = entry.get("source"), entry.get("externalId")
        if not isinstance(source_raw, str) or not isinstance(id_raw, str):
            continue
        source, external_id = external_id_source(source_raw), normalise_text(id_raw)
        if source and external_id and len(external_id) <= MAX_EXTERNAL_ID_CHARS:
            ids.setdefault(source, ExternalId(source, external_id))
    return _non_empty(list(ids.values()))


def _rating_source(entry: dict[str, object]) -> str | None:
    source = entry.get("source")
    if not isinstance(source, str):
        return None
    key = name_key(source)
    return key if key and len(key) <= MAX_RATING_SOURCE_CHARS else None


def _rating(entry: dict[str, object]) -> ExternalRating | None:
    """One rating entry, None when malformed; an out-of-range score raises (N12)."""
    source, score = _rating_source(entry), entry.get("score")
    if source is None or isinstance(score, bool) or not isinstance(score, int | float):
        return None
    if not (math.isfinite(score) and SCORE_MIN <= score <= SCORE_MAX):
        raise InvalidValue(f"out of range {SCORE_MIN}..{SCORE_MAX}: {render_json(score)}")
    return ExternalRating(source, float(score), _vote_count(entry.get("voteCount")))


def _vote_count(raw: object) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
        return None
    return int(raw) if raw >= 0 else None


def rating_source_of(raw: object) -> str | None:
    """The source the payload's `rating` names, even when its score is invalid."""
    return _rating_source(raw) if isinstance(raw, dict) else None


def parse_rating(raw: object) -> ExternalRating | None:
    """N12 for the single `rating`: an object with a source and a 0 to 100 score."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidValue("expected object")
    return _rating(raw)


def parse_external_ratings(
    raw: object, *, rating_source: str | None
) -> tuple[ExternalRating, ...] | None:
    """N12 for `externalRatings`: first entry per source; `rating`'s source is left to it."""
    entries = _entries(raw)
    if entries is None:
        return None
    ratings: dict[str, ExternalRating] = {}
    for entry in _objects(entries):
        source = _rating_source(entry)
        if source is None or source == rating_source or source in ratings:
            continue
        rating = _rating(entry)
        if rating is not None:
            ratings[source] = rating
    return _non_empty(list(ratings.values()))


# --- N13, N14: isbns and awards ---------------------------------------------------------


def normalise_isbn(raw: str) -> str | None:
    """N13: spaces and hyphens removed, uppercased; None unless ISBN-13 or ISBN-10 shaped."""
    compact = raw.replace(" ", "").replace("-", "").upper()
    return compact if _ISBN.match(compact) else None


def parse_isbns(isbn_raw: object, isbns_raw: object) -> tuple[str, ...] | None:
    """N13: `isbn` first, then `isbns`; bad entries dropped, exact duplicates removed."""
    entries = _entries(isbns_raw) or []
    isbns: dict[str, None] = {}
    for entry in [isbn_raw, *entries]:
        isbn = normalise_isbn(entry) if isinstance(entry, str) else None
        if isbn is not None:
            isbns.setdefault(isbn)
    return _non_empty(list(isbns))


def parse_awards(raw: object) -> tuple[BookAward, ...] | None:
    """N14: NT name and category; a bad year is dropped; deduplicated by the award key."""
    entries = _entries(raw)
    if entries is None:
        return None
    awards: dict[tuple[str, int | None, str, bool], BookAward] = {}
    for entry in _objects(entries):
        award = _award(entry)
        if award is not None:
            awards.setdefault(award_key(award), award)
    return _non_empty(list(awards.values()))


def award_key(award: BookAward) -> tuple[str, int | None, str, bool]:
    """The N14 identity of an award: (NK(name), year, NK(category), won)."""
    return (name_key(award.name), award.year, name_key(award.category or ""), award.won)


def _award(entry: dict[str, object]) -> BookAward | None:
    name = entry.get("name")
    if not isinstance(name, str) or not normalise_text(name):
        return None
    category = entry.get("category")
    category_text = normalise_text(category) if isinstance(category, str) else ""
    won = entry.get("won")
    return BookAward(
        normalise_text(name), _award_year(entry.get("year")), category_text or None, won is True
    )


def _award_year(raw: object) -> int | None:
    try:
        return parse_integer(raw, low=1, high=9999)
    except InvalidValue:
        return None
