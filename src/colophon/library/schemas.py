"""Wire models of libraries, series and books (platform §8.3, web-ui §8)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from colophon.metadata.schemas import SeriesStatus
from colophon.tasks.schemas import TaskProgressDto
from colophon.wire import Instant, RequestModel, WireModel

# The scanner's outcomes: web-ui §3.2 shows them as Completed / Failed / Cancelled.
LastScanStatus = Literal["completed", "failed", "cancelled"]


class CreateLibrary(RequestModel):
    name: str = Field(max_length=1000)
    root_path: str = Field(max_length=4096)
    scan: bool = True


class UpdateLibrary(RequestModel):
    name: str | None = Field(default=None, max_length=1000)
    root_path: str | None = Field(default=None, max_length=4096)


class ScanRequest(RequestModel):
    full: bool = False
    allow_empty: bool = False


class ActiveScanDto(WireModel):
    task_id: uuid.UUID
    progress: TaskProgressDto | None


class LibraryDto(WireModel):
    id: uuid.UUID
    name: str
    root_path: str
    series_count: int
    book_count: int
    job_count: int
    last_scan_at: Instant | None
    last_scan_status: LastScanStatus | None
    active_scan: ActiveScanDto | None
    created_at: Instant
    updated_at: Instant


class LibraryList(WireModel):
    items: list[LibraryDto]
    next_cursor: str | None


class CreatedLibraryDto(LibraryDto):
    scan_task_id: uuid.UUID | None


class TaskStartedDto(WireModel):
    task_id: uuid.UUID


class MatchDto(WireModel):
    plugin_name: str
    external_id: str
    external_url: str | None
    last_synced_at: Instant | None


class SeriesRowDto(WireModel):
    id: uuid.UUID
    title: str
    status: SeriesStatus | None
    book_count: int
    deleted: bool
    updated_at: Instant
    last_synced_at: Instant | None
    matches: list[MatchDto]


class SeriesPage(WireModel):
    items: list[SeriesRowDto]
    total: int
    next_cursor: str | None


SeriesSort = Literal["title", "lastSynced", "updated"]


class SeriesDto(WireModel):
    id: uuid.UUID
    library_id: uuid.UUID
    library_name: str
    name: str
    title: str
    path: str
    deleted: bool
    book_count: int


class BookDto(WireModel):
    id: uuid.UUID
    series_id: uuid.UUID
    series_title: str
    library_id: uuid.UUID
    title: str | None
    number: str | None  # the book's number from its metadata ("1", "2.5", "Annual 1")
    path: str
    file_name: str
    format: str
    file_size: int
    page_count: int | None
    analysis_error: str | None
    deleted: bool


class BookPage(WireModel):
    items: list[BookDto]
    next_cursor: str | None
