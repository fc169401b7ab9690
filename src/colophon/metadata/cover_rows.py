"""Cover rows of a plugin cover, written in the item transaction (metadata §4.7 step 5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.metadata.covers import DownloadedCover
from colophon.metadata.entity_tables import EntityTables
from colophon.metadata.models import BookCover, SeriesCover


@dataclass(frozen=True, slots=True)
class StoredCoverRows:
    """What storing a cover changed: the selection, and files that may now be orphans."""

    selection_changed: bool
    released_paths: tuple[str, ...]


async def store_plugin_cover(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    *,
    source: str,
    cover: DownloadedCover,
    path: str,
    select_it: bool,
) -> StoredCoverRows:
    """Reuse or insert the row, select it unless the cover lock is on, drop older unselected."""
    model = tables.covers
    owner = tables.key_of(model)
    row: SeriesCover | BookCover | None = await session.scalar(
        select(model).where(
            owner == entity_id, model.source == source, model.sha256 == cover.sha256
        )
    )
    if row is None:
        row = model(
            **{tables.key: entity_id},
            source=source,
            source_url=cover.url,
            path=path,
            sha256=cover.sha256,
            format=cover.format,
            width=cover.width,
            height=cover.height,
            is_selected=False,
        )
        session.add(row)
    row.source_url = cover.url
    await session.flush()
    selection_changed = select_it and not row.is_selected
    if selection_changed:
        # Deselect first: the partial unique index allows one selected cover per entity.
        await session.execute(
            update(model).where(owner == entity_id, model.id != row.id).values(is_selected=False)
        )
        row.is_selected = True
        await session.flush()
    released = await _delete_unselected_older(session, tables, entity_id, source, row.id)
    return StoredCoverRows(selection_changed, released)


async def _delete_unselected_older(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, source: str, keep: uuid.UUID
) -> tuple[str, ...]:
    model = tables.covers
    doomed = (
        tables.key_of(model) == entity_id,
        model.source == source,
        model.id != keep,
        model.is_selected.is_(False),
    )
    paths = tuple(await session.scalars(select(model.path).where(*doomed)))
    await session.execute(delete(model).where(*doomed))
    return paths


async def unreferenced_paths(
    session: AsyncSession, tables: EntityTables, paths: tuple[str, ...]
) -> list[str]:
    """The paths no cover row points to any more (rows with the same bytes share a file)."""
    if not paths:
        return []
    model = tables.covers
    rows = await session.execute(
        select(model.path, func.count()).where(model.path.in_(paths)).group_by(model.path)
    )
    referenced = {path for path, count in rows if count}
    return [path for path in paths if path not in referenced]
