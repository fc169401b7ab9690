"""Helpers for the fault tests: many series inserted in one transaction, run bookkeeping."""

from __future__ import annotations

import uuid
from typing import Any

from colophon.db.database import Database
from colophon.library.models import Library, Series
from colophon.metadata.models import SeriesExternalId, SeriesMetadata
from colophon.metadata.text import compute_search_title


async def library_with_series(
    db: Database,
    root: str,
    count: int,
    *,
    source: str = "plugin:echo",
    title_prefix: str = "Series",
    **columns: Any,
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A library with ``count`` series that all have an external id at ``source``.

    One transaction for all rows: per-row inserts would dominate small tests' run time.
    """
    async with db.write() as session:
        library = Library(name=f"Library {uuid.uuid4().hex[:6]}", root_path=root)
        session.add(library)
        await session.flush()
        series_ids: list[uuid.UUID] = []
        for index in range(count):
            title = f"{title_prefix} {index:05}"
            series = Series(library_id=library.id, path=f"s{index:05}", name=title)
            session.add(series)
            await session.flush()
            session.add(
                SeriesMetadata(
                    series_id=series.id,
                    title=title,
                    search_title=compute_search_title(title),
                    **columns,
                )
            )
            session.add(SeriesExternalId(series_id=series.id, source=source, external_id=title))
            series_ids.append(series.id)
        return library.id, series_ids


def assert_counts_add_up(summary: dict[str, Any]) -> None:
    """RUN-20: every planned item is accounted for exactly once."""
    skipped = summary["skipped"]
    assert summary["planned"] == (
        summary["succeeded"]
        + summary["failed"]
        + skipped["noMatchCandidate"]
        + skipped["lowConfidence"]
        + summary["notProcessed"]
    ), summary
