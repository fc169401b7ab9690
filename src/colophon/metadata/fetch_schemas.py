"""Wire models of the fetch-metadata endpoints (metadata §8)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field, StrictBool, StrictInt

from colophon.metadata.search_results import MatchOutcome, SearchResult
from colophon.wire import JsonObject, JsonValue, RequestModel, WireModel


class SearchResultDto(WireModel):
    """One candidate as the plugin gave it, normalised (§3.4); preview is display-only."""

    external_id: str
    title: str
    alternate_titles: list[str]
    year: int | None
    cover_url: str | None
    relevance_score: float | None
    preview: JsonObject | None

    @classmethod
    def of(cls, result: SearchResult) -> SearchResultDto:
        return cls(
            external_id=result.external_id,
            title=result.title,
            alternate_titles=list(result.alternate_titles),
            year=result.year,
            cover_url=result.cover_url,
            relevance_score=result.relevance_score,
            preview=result.preview,
        )


class MatchDto(WireModel):
    """A match reply as `(candidate, confidence)` (§3.5)."""

    match: SearchResultDto | None
    confidence: float | None

    @classmethod
    def of(cls, outcome: MatchOutcome) -> MatchDto:
        candidate = SearchResultDto.of(outcome.candidate) if outcome.candidate else None
        return cls(match=candidate, confidence=outcome.confidence)


class SeriesSearchBody(RequestModel):
    plugin_id: uuid.UUID
    query: str | None = None
    limit: StrictInt = 10
    cursor: str | None = None


class BookSearchBody(RequestModel):
    plugin_id: uuid.UUID
    query: str | None = None
    isbn: str | None = None
    author: str | None = None
    year: StrictInt | None = None
    limit: StrictInt = 10
    cursor: str | None = None


class SearchResponse(WireModel):
    plugin_id: uuid.UUID
    query: str | None
    isbn: str | None = None
    results: list[SearchResultDto]
    next_cursor: str | None


class PreviewBody(RequestModel):
    plugin_id: uuid.UUID
    external_id: str
    fields: list[str] | None = None


PreviewStatus = Literal[
    "will_apply", "unchanged", "locked", "no_permission", "invalid", "not_provided"
]


class PreviewField(WireModel):
    field: str
    status: PreviewStatus
    current_value: JsonValue
    proposed_value: JsonValue
    reason: str | None


class PreviewSummary(WireModel):
    will_apply: int = 0
    unchanged: int = 0
    locked: int = 0
    no_permission: int = 0
    not_provided: int = 0
    invalid: int = 0


class PreviewResponse(WireModel):
    plugin_id: uuid.UUID
    external_id: str
    external_url: str | None
    fields: list[PreviewField]
    summary: PreviewSummary


class ApplyBody(RequestModel):
    plugin_id: uuid.UUID
    external_id: str
    fields: list[str] | None = None
    dry_run: StrictBool = False


class SkippedDto(WireModel):
    field: str
    reason: str


class ChangeDto(WireModel):
    field: str
    before: JsonValue
    after: JsonValue


class ApplyResponse(WireModel):
    plugin_id: uuid.UUID
    external_id: str
    external_url: str | None
    dry_run: bool
    applied: list[str]
    unchanged: list[str]
    skipped: list[SkippedDto]
    changes: list[ChangeDto]


class AutoMatchBody(RequestModel):
    plugin_id: uuid.UUID
    query: str | None = None
    dry_run: StrictBool = False


class AutoMatchResponse(WireModel):
    """`matched` with the apply result, or why not (`no_match_candidate`, `low_confidence`)."""

    matched: bool
    reason: Literal["no_match_candidate", "low_confidence"] | None = None
    query: str | None
    candidate: SearchResultDto | None = None
    threshold: float | None = None
    result: ApplyResponse | None = None


class LibraryAutoMatchBody(RequestModel):
    """`POST /libraries/{id}/auto-match`: the whole library, or the listed series / books."""

    plugin_id: uuid.UUID
    series_ids: list[uuid.UUID] | None = None
    book_ids: list[uuid.UUID] | None = None
    min_confidence: float | None = Field(None, ge=0, le=1)


class TaskAccepted(WireModel):
    task_id: uuid.UUID
