"""Wire models of the manual editing API (metadata §7) and the entity change history (web-ui §8)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import ConfigDict, Field, StrictBool
from pydantic.alias_generators import to_camel

from colophon.wire import Instant, JsonValue, Page, RequestModel, WireModel

# The values the series_metadata / book_metadata CHECK constraints allow (metadata §3.2, §3.3).
SeriesStatus = Literal["ongoing", "ended", "hiatus", "abandoned", "unknown"]
ReadingDirection = Literal["ltr", "rtl", "ttb", "webtoon"]
BookType = Literal[
    "comic", "manga", "novel", "novella", "anthology", "artbook",
    "oneshot", "omnibus", "graphic_novel", "magazine",
]  # fmt: skip


class AuthorDto(WireModel):
    name: str
    role: str
    sort_name: str | None = None


class AlternateTitleDto(WireModel):
    label: str
    title: str


class AwardDto(WireModel):
    name: str
    year: int | None = None
    category: str | None = None
    won: bool = False


class ExternalIdDto(WireModel):
    source: str
    external_id: str
    external_url: str | None
    last_synced_at: Instant | None


class ExternalLinkDto(WireModel):
    source: str
    url: str


class ExternalRatingDto(WireModel):
    source: str
    score: float
    vote_count: int | None
    fetched_at: Instant


class SeriesMetadataDto(WireModel):
    """`GET /series/{id}/metadata` (metadata §7.1)."""

    title: str
    title_sort: str | None
    alternate_titles: list[AlternateTitleDto]
    summary: str | None
    authors: list[AuthorDto]
    status: SeriesStatus | None
    year: int | None
    total_volume_count: int | None
    total_chapter_count: float | None
    tags: list[str]
    genres: list[str]
    age_rating: int | None
    language: str | None
    reading_direction: ReadingDirection | None
    publisher: str | None
    imprint: str | None
    external_ids: list[ExternalIdDto]
    external_links: list[ExternalLinkDto]
    external_ratings: list[ExternalRatingDto]
    locks: dict[str, bool]
    updated_at: Instant


class BookMetadataDto(WireModel):
    """`GET /books/{id}/metadata` (metadata §7.1)."""

    title: str | None
    title_sort: str | None
    subtitle: str | None
    original_title: str | None
    summary: str | None
    authors: list[AuthorDto]
    translator: str | None
    number: str | None
    volume: int | None
    chapter: float | None
    series_position: float | None
    series_total: int | None
    publisher: str | None
    imprint: str | None
    year: int | None
    month: int | None
    day: int | None
    original_year: int | None
    edition: str | None
    isbns: list[str]
    subjects: list[str]
    awards: list[AwardDto]
    genres: list[str]
    tags: list[str]
    book_type: BookType | None
    language: str | None
    external_ids: list[ExternalIdDto]
    external_links: list[ExternalLinkDto]
    locks: dict[str, bool]
    updated_at: Instant


MetadataDto = SeriesMetadataDto | BookMetadataDto


class PatchMetadata(WireModel):
    """PATCH body: any editable field keys plus `lock`; field keys are checked by the service.

    Extra keys are allowed here on purpose: an unknown field is a 400 `unknown field '<key>'`
    (metadata §7.2), not a schema error.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")

    lock: StrictBool = True

    def field_values(self) -> dict[str, JsonValue]:
        """The field keys of the body with their raw JSON values, in body order."""
        return dict(self.model_extra or {})


class ResetMetadata(RequestModel):
    """`POST …/metadata/reset`; `fields` omitted means every editable key (metadata §7.4)."""

    fields: list[str] | None = None


class PutExternalId(RequestModel):
    """`PUT …/external-ids/{source}`."""

    external_id: str = Field(max_length=10_000)
    external_url: str | None = Field(default=None, max_length=10_000)


class MetadataChangeDto(WireModel):
    """One audit row as the entity history shows it (web-ui §8)."""

    id: int
    field: str
    before: JsonValue
    after: JsonValue
    source: str
    run_id: uuid.UUID | None
    job_id: uuid.UUID | None
    job_name: str | None
    user_name: str | None
    created_at: Instant


class MetadataChangePage(Page[MetadataChangeDto]):
    """A page of an entity's change history, newest first."""
