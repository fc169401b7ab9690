"""Counts a scan keeps while it runs and the result it returns (platform §8.3 rule 2)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_ERROR_SAMPLES = 20


class ScanStatus(StrEnum):
    """The library's ``last_scan_status`` values."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ErrorSample:
    """One file (or folder) the scan could not read, and why."""

    path: str
    error: str


@dataclass(slots=True)
class ScanTally:
    """Running totals; ``errors`` counts every error, ``error_samples`` keeps the first 20."""

    series_added: int = 0
    series_deleted: int = 0
    books_added: int = 0
    books_updated: int = 0
    books_unchanged: int = 0
    books_deleted: int = 0
    books_restored: int = 0
    ignored_files: int = 0
    errors: int = 0
    error_samples: list[ErrorSample] = field(default_factory=list)

    def record_error(self, path: str, error: str) -> None:
        self.errors += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(ErrorSample(path, error))

    def counts(self) -> dict[str, int]:
        """The progress and event counts `{added, updated, unchanged, deleted, errors}`."""
        return {
            "added": self.books_added,
            "updated": self.books_updated,
            "unchanged": self.books_unchanged,
            "deleted": self.books_deleted,
            "errors": self.errors,
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """A finished (completed or cancelled) scan of one library."""

    library_id: uuid.UUID
    status: ScanStatus
    tally: ScanTally
    duration_s: float

    def counts(self) -> dict[str, int]:
        return self.tally.counts()

    def to_json(self) -> dict[str, Any]:
        """The task result, with exactly the keys of platform §8.3 rule 2."""
        tally = self.tally
        return {
            "seriesAdded": tally.series_added,
            "seriesDeleted": tally.series_deleted,
            "booksAdded": tally.books_added,
            "booksUpdated": tally.books_updated,
            "booksUnchanged": tally.books_unchanged,
            "booksDeleted": tally.books_deleted,
            "booksRestored": tally.books_restored,
            "ignoredFiles": tally.ignored_files,
            "errors": tally.errors,
            "errorSamples": [{"path": s.path, "error": s.error} for s in tally.error_samples],
            "durationS": round(self.duration_s, 3),
        }
