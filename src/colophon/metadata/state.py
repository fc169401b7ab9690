"""A read-only snapshot of one entity's stored metadata: what the applier plans against."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.metadata.entity_tables import EntityTables
from colophon.metadata.models import Genre, Tag
from colophon.metadata.values import AlternateTitle


@dataclass(frozen=True, slots=True)
class StoredRating:
    """A stored external rating (the source is its key)."""

    score: float
    vote_count: int | None


@dataclass(frozen=True, slots=True)
class StoredExternalId:
    """A stored external id (the source is its key)."""

    external_id: str
    external_url: str | None


@dataclass(frozen=True, slots=True)
class EntityState:
    """Everything the gates and projections read, as plain values (no ORM objects)."""

    entity_id: uuid.UUID
    library_id: uuid.UUID
    columns: Mapping[str, Any]  # every metadata-row column, locks included
    alternate_titles: tuple[AlternateTitle, ...]
    genres: tuple[str, ...]  # display names
    tags: tuple[str, ...]
    external_ids: Mapping[str, StoredExternalId]
    links: Mapping[str, str]
    ratings: Mapping[str, StoredRating]
    plugin_cover_urls: tuple[str | None, ...]  # this plugin's cover rows, newest first

    def is_locked(self, lock_column: str | None) -> bool:
        """True when the lock column exists and is set."""
        return lock_column is not None and bool(self.columns.get(lock_column))


async def read_state(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    *,
    cover_source: str | None = None,
    for_update: bool = False,
) -> EntityState | None:
    """The entity's stored metadata, or None when the entity or its metadata row is gone.

    `for_update` locks the metadata row on PostgreSQL (metadata §4.9 step 5); SQLite already
    holds the database write lock for the whole transaction.
    """
    row = await session.get(tables.metadata, entity_id, with_for_update=for_update)
    library_id = await session.scalar(
        select(tables.owner.library_id).where(tables.owner.id == entity_id)
    )
    if row is None or library_id is None:
        return None
    columns = {attr.key: getattr(row, attr.key) for attr in tables.metadata.__mapper__.column_attrs}
    return EntityState(
        entity_id=entity_id,
        library_id=library_id,
        columns=columns,
        alternate_titles=await _alternate_titles(session, tables, entity_id),
        genres=await _names(session, Genre, tables.genre_links, "genre_id", tables, entity_id),
        tags=await _names(session, Tag, tables.tag_links, "tag_id", tables, entity_id),
        external_ids=await _external_ids(session, tables, entity_id),
        links=await _links(session, tables, entity_id),
        ratings=await _ratings(session, tables, entity_id),
        plugin_cover_urls=await _cover_urls(session, tables, entity_id, cover_source),
    )


async def _alternate_titles(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID
) -> tuple[AlternateTitle, ...]:
    model = tables.alternate_titles
    if model is None:
        return ()
    rows = await session.execute(
        select(model.label, model.title).where(model.series_id == entity_id)
    )
    return tuple(AlternateTitle(label, title) for label, title in rows)


async def _names(
    session: AsyncSession,
    taxonomy: type[Genre] | type[Tag],
    link: type[Any],
    link_column: str,
    tables: EntityTables,
    entity_id: uuid.UUID,
) -> tuple[str, ...]:
    names = await session.scalars(
        select(taxonomy.name)
        .join(link, getattr(link, link_column) == taxonomy.id)
        .where(tables.key_of(link) == entity_id)
    )
    return tuple(names)


async def _external_ids(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID
) -> dict[str, StoredExternalId]:
    model = tables.external_ids
    rows = await session.execute(
        select(model.source, model.external_id, model.external_url).where(
            tables.key_of(model) == entity_id
        )
    )
    return {source: StoredExternalId(ext_id, url) for source, ext_id, url in rows}


async def _links(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID
) -> dict[str, str]:
    model = tables.links
    if model is None:
        return {}
    rows = await session.execute(
        select(model.source, model.url).where(tables.key_of(model) == entity_id)
    )
    return {source: url for source, url in rows}


async def _ratings(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID
) -> dict[str, StoredRating]:
    model = tables.ratings
    if model is None:
        return {}
    rows = await session.execute(
        select(model.source, model.score, model.vote_count).where(model.series_id == entity_id)
    )
    return {source: StoredRating(score, votes) for source, score, votes in rows}


async def _cover_urls(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, source: str | None
) -> tuple[str | None, ...]:
    if source is None:
        return ()
    model = tables.covers
    urls = await session.scalars(
        select(model.source_url)
        .where(tables.key_of(model) == entity_id, model.source == source)
        .order_by(model.created_at.desc())
    )
    return tuple(urls)
