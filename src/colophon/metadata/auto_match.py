"""Auto-match (metadata §8.4): search, take the best scored result, apply it above the threshold.

One series or book answers at once; a whole library (or a selection) runs as an ``auto_match``
task (platform §3.9) that applies the same steps item by item with progress.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from colophon.metadata.catalog import Entity
from colophon.metadata.fetch import (
    FetchTarget,
    apply_fetched,
    requested_book_query,
    search_books,
    search_series,
)
from colophon.metadata.fetch_schemas import AutoMatchResponse, SearchResultDto
from colophon.metadata.search_results import SearchResult

AUTO_MATCH_LIMIT = 10
NO_MATCH_CANDIDATE = "no_match_candidate"
LOW_CONFIDENCE = "low_confidence"


def choose_candidate(results: Sequence[SearchResult]) -> SearchResult | None:
    """The result with the highest ``relevanceScore``; the earliest wins a tie; unscored ones
    never count."""
    best: SearchResult | None = None
    for result in results:
        score = result.relevance_score
        if score is None:
            continue
        if best is None or score > (best.relevance_score or 0.0):
            best = result
    return best


@dataclass(frozen=True, slots=True)
class _Searched:
    query: str | None
    results: tuple[SearchResult, ...]


async def _search(target: FetchTarget, query: str | None) -> _Searched:
    if target.ref.entity is Entity.SERIES:
        sent, page = await search_series(target, query=query, limit=AUTO_MATCH_LIMIT, cursor=None)
        return _Searched(sent, page.results)
    wanted = requested_book_query(None, query)
    book_query, page = await search_books(target, wanted, limit=AUTO_MATCH_LIMIT)
    return _Searched(book_query.query or book_query.isbn, page.results)


async def auto_match(
    target: FetchTarget,
    *,
    query: str | None,
    threshold: float,
    dry_run: bool,
    user_id: uuid.UUID | None,
) -> AutoMatchResponse:
    """Search with limit 10; apply the best result when its score reaches ``threshold``."""
    searched = await _search(target, query)
    candidate = choose_candidate(searched.results)
    if candidate is None:
        return AutoMatchResponse(matched=False, reason=NO_MATCH_CANDIDATE, query=searched.query)
    shown = SearchResultDto.of(candidate)
    if (candidate.relevance_score or 0.0) < threshold:
        return AutoMatchResponse(
            matched=False,
            reason=LOW_CONFIDENCE,
            query=searched.query,
            candidate=shown,
            threshold=threshold,
        )
    result = await apply_fetched(
        target, candidate.external_id, None, dry_run=dry_run, user_id=user_id
    )
    return AutoMatchResponse(matched=True, query=searched.query, candidate=shown, result=result)
