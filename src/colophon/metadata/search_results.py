"""Search results and match replies normalised by the host (metadata §3.4, §3.5)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from colophon.metadata.field_rules import InvalidValue, find_http_url, parse_integer
from colophon.metadata.payloads import InvalidPayload
from colophon.metadata.text import normalise_text
from colophon.wire import JsonObject

INVALID_SEARCH_REPLY = "provider returned an invalid payload: results must be a list"


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One candidate entry; `relevance_score` is 0..1 or None when the provider gave none."""

    external_id: str
    title: str
    alternate_titles: tuple[str, ...] = ()
    year: int | None = None
    cover_url: str | None = None
    relevance_score: float | None = None
    preview: JsonObject | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of results in the plugin's order, with its cursor for the next page."""

    results: tuple[SearchResult, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """A match reply as `(candidate, confidence)`; both None when the provider found nothing."""

    candidate: SearchResult | None
    confidence: float | None

    @property
    def threshold_score(self) -> float:
        """The confidence for threshold comparisons, where a missing one counts as 0 (§3.5)."""
        return self.confidence if self.confidence is not None else 0.0


def normalise_search_result(raw: object) -> SearchResult | None:
    """One SearchResult, or None when externalId or title is missing or blank (dropped)."""
    if not isinstance(raw, dict):
        return None
    external_id, title = _required_text(raw.get("externalId")), _required_text(raw.get("title"))
    if external_id is None or title is None:
        return None
    preview = raw.get("preview")
    return SearchResult(
        external_id=external_id,
        title=title,
        alternate_titles=_alternate_titles(raw.get("alternateTitles")),
        year=_year(raw.get("year")),
        cover_url=find_http_url(raw.get("coverUrl")),
        relevance_score=clamp_score(raw.get("relevanceScore")),
        preview=preview if isinstance(preview, dict) else None,
    )


def normalise_search_reply(raw: object) -> SearchPage:
    """A `metadata/*/search` reply; raise InvalidPayload when `results` is not a list."""
    if not isinstance(raw, dict) or not isinstance(raw.get("results"), list):
        raise InvalidPayload(INVALID_SEARCH_REPLY)
    results = (normalise_search_result(entry) for entry in raw["results"])
    cursor = raw.get("nextCursor")
    return SearchPage(
        results=tuple(result for result in results if result is not None),
        next_cursor=cursor if isinstance(cursor, str) and cursor else None,
    )


def normalise_match_reply(raw: object) -> MatchOutcome:
    """A `metadata/*/match` reply: an SDK envelope, a bare SearchResult, or null (§3.5)."""
    if not isinstance(raw, dict):
        return MatchOutcome(None, None)
    if "match" not in raw:
        result = normalise_search_result(raw)
        return MatchOutcome(result, result.relevance_score if result else None)
    candidate = normalise_search_result(raw["match"])
    if candidate is None:
        return MatchOutcome(None, None)
    return MatchOutcome(candidate, _envelope_confidence(raw, candidate))


def _envelope_confidence(envelope: Mapping[str, object], candidate: SearchResult) -> float | None:
    confidence = envelope.get("confidence")
    if confidence is None:
        return candidate.relevance_score
    return clamp_score(confidence)


def clamp_score(raw: object) -> float | None:
    """A finite number clamped to 0..1; None for anything else (booleans included)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        return None
    return min(1.0, max(0.0, float(raw)))


def _required_text(raw: object) -> str | None:
    return (normalise_text(raw) or None) if isinstance(raw, str) else None


def _alternate_titles(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    titles = (normalise_text(entry) for entry in raw if isinstance(entry, str))
    return tuple(title for title in titles if title)


def _year(raw: object) -> int | None:
    try:
        return parse_integer(raw, low=-9999, high=9999)
    except InvalidValue:
        return None
