"""Provider `get` payloads normalised before any other code sees them (metadata §3.2, §3.3, §3.6).

`normalise_series_payload` and `normalise_book_payload` are pure: a bad value makes only its own
field invalid, and the one payload-level failure is a missing `externalId`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from colophon.metadata import field_rules as rules
from colophon.metadata import list_rules
from colophon.metadata.catalog import BOOK_CATALOG, SERIES_CATALOG, Catalog
from colophon.metadata.text import normalise_text
from colophon.metadata.values import FieldValue

MAX_TEXT_CHARS = 1000
MAX_SUMMARY_CHARS = 65535
COUNT_MAX = 100_000

INVALID_PAYLOAD_MESSAGE = "provider returned an invalid payload: externalId is required"


class InvalidPayload(ValueError):
    """The reply is unusable as a whole; the plugin host reports it as a plugin error (502)."""

    def __init__(self, message: str = INVALID_PAYLOAD_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class NormalisedPayload:
    """`{externalId, externalUrl, values, invalid}`: a key in neither map is not provided."""

    external_id: str
    external_url: str | None
    values: Mapping[str, FieldValue]
    invalid: Mapping[str, str]

    def is_provided(self, key: str) -> bool:
        """True when the field has a valid value or an invalid one (the presence gate's input)."""
        return key in self.values or key in self.invalid


# A rule reads the whole raw payload, so the few cross-field rules (isbn + isbns, rating
# versus externalRatings) fit the same shape as the one-key ones.
FieldRule = Callable[[Mapping[str, object]], FieldValue | None]


def _key(key: str, parse: Callable[[object], FieldValue | None]) -> FieldRule:
    return lambda raw: parse(raw.get(key))


_text = partial(rules.parse_text, max_chars=MAX_TEXT_CHARS)
_summary = partial(rules.parse_summary, max_chars=MAX_SUMMARY_CHARS)
_count = partial(rules.parse_integer, low=0, high=COUNT_MAX)
_year = partial(rules.parse_integer, low=1, high=9999)


def _external_ratings(raw: Mapping[str, object]) -> FieldValue | None:
    source = list_rules.rating_source_of(raw.get("rating"))
    return list_rules.parse_external_ratings(raw.get("externalRatings"), rating_source=source)


def _isbns(raw: Mapping[str, object]) -> FieldValue | None:
    return list_rules.parse_isbns(raw.get("isbn"), raw.get("isbns"))


SERIES_RULES: dict[str, FieldRule] = {
    "title": _key("title", _text),
    "alternateTitles": _key("alternateTitles", list_rules.parse_alternate_titles),
    "summary": _key("summary", _summary),
    "authors": _key("authors", list_rules.parse_authors),
    "status": _key("status", rules.parse_status),
    "year": _key("year", _year),
    "totalVolumeCount": _key("totalVolumeCount", _count),
    "totalChapterCount": _key(
        "totalChapterCount", partial(rules.parse_number, low=0, high=COUNT_MAX)
    ),
    "rating": _key("rating", list_rules.parse_rating),
    "externalRatings": _external_ratings,
    "coverUrl": _key("coverUrl", rules.parse_cover_url),
    "tags": _key("tags", list_rules.parse_name_list),
    "genres": _key("genres", list_rules.parse_name_list),
    "ageRating": _key("ageRating", partial(rules.parse_integer, low=0, high=99)),
    "language": _key("language", rules.parse_language),
    "readingDirection": _key("readingDirection", rules.parse_reading_direction),
    "publisher": _key("publisher", _text),
    "externalIds": _key("externalIds", list_rules.parse_external_ids),
    "externalLinks": _key("externalLinks", list_rules.parse_external_links),
}

BOOK_RULES: dict[str, FieldRule] = {
    "title": _key("title", _text),
    "subtitle": _key("subtitle", _text),
    "originalTitle": _key("originalTitle", _text),
    "summary": _key("summary", _summary),
    "authors": _key("authors", list_rules.parse_authors),
    "translator": _key("translator", _text),
    "volume": _key("volume", _count),
    "chapter": _key("chapter", partial(rules.parse_number, low=0, high=COUNT_MAX)),
    "seriesPosition": _key("seriesPosition", partial(rules.parse_number, low=0, high=COUNT_MAX)),
    "seriesTotal": _key("seriesTotal", _count),
    "publisher": _key("publisher", _text),
    "year": _key("year", _year),
    "originalYear": _key("originalYear", partial(rules.parse_integer, low=-9999, high=9999)),
    "edition": _key("edition", _text),
    "isbns": _isbns,
    "subjects": _key("subjects", list_rules.parse_name_list),
    "awards": _key("awards", list_rules.parse_awards),
    "genres": _key("genres", list_rules.parse_name_list),
    "tags": _key("tags", list_rules.parse_name_list),
    "bookType": _key("bookType", rules.parse_book_type),
    "language": _key("language", rules.parse_language),
    "coverUrl": _key("coverUrl", rules.parse_cover_url),
    "externalIds": _key("externalIds", list_rules.parse_external_ids),
}


def normalise_series_payload(raw: object) -> NormalisedPayload:
    """Normalise a `metadata/series/get` reply; raise InvalidPayload without an externalId."""
    return _normalise(raw, SERIES_CATALOG, SERIES_RULES)


def normalise_book_payload(raw: object) -> NormalisedPayload:
    """Normalise a `metadata/book/get` reply; raise InvalidPayload without an externalId."""
    return _normalise(raw, BOOK_CATALOG, BOOK_RULES)


def _normalise(
    raw: object, catalog: Catalog, field_rules: dict[str, FieldRule]
) -> NormalisedPayload:
    if not isinstance(raw, dict):
        raise InvalidPayload()
    external_id = raw.get("externalId")
    if not isinstance(external_id, str) or not external_id.strip():
        raise InvalidPayload()
    values: dict[str, FieldValue] = {}
    invalid: dict[str, str] = {}
    # Catalog order, so every consumer that walks `values` sees processing order.
    for key in catalog.keys:
        rule = field_rules.get(key)
        if rule is None:
            continue  # titleSort is derived from title by the applier (metadata §4.4)
        try:
            value = rule(raw)
        except rules.InvalidValue as exc:
            invalid[key] = exc.detail
            continue
        if value is not None:
            values[key] = value
    return NormalisedPayload(
        external_id=normalise_text(external_id),
        external_url=rules.find_http_url(raw.get("externalUrl")),
        values=values,
        invalid=invalid,
    )
