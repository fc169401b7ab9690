"""Helpers for the fault tests: many series inserted in one transaction, shared fixtures."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert

from colophon.db.database import Database
from colophon.library.models import Library, Series
from colophon.metadata.models import SeriesExternalId, SeriesMetadata
from colophon.metadata.text import compute_search_title
from tests.multiprocess.conftest import cluster, control  # noqa: F401  (fixtures)


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

    Bulk inserts in one transaction: per-row ORM inserts would dominate the tests' run time.
    """
    library_id = uuid.uuid4()
    titles = [f"{title_prefix} {index:05}" for index in range(count)]
    series_ids = [uuid.uuid4() for _ in titles]
    async with db.write() as session:
        session.add(Library(id=library_id, name=f"Library {library_id.hex[:6]}", root_path=root))
        await session.flush()
        await session.execute(
            insert(Series),
            [
                {"id": sid, "library_id": library_id, "path": f"s{index:05}", "name": title}
                for index, (sid, title) in enumerate(zip(series_ids, titles, strict=True))
            ],
        )
        await session.execute(
            insert(SeriesMetadata),
            [
                {"series_id": sid, "title": title, "search_title": compute_search_title(title),
                 **columns}
                for sid, title in zip(series_ids, titles, strict=True)
            ],
        )  # fmt: skip
        await session.execute(
            insert(SeriesExternalId),
            [
                {"series_id": sid, "source": source, "external_id": title}
                for sid, title in zip(series_ids, titles, strict=True)
            ],
        )
    return library_id, series_ids
