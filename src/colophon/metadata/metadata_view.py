"""The metadata body of `GET …/metadata` (metadata §7.1), read inside the caller's session."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.metadata.catalog import Entity, catalog_for, snake_case
from colophon.metadata.editable_fields import StoredLists, editable_fields
from colophon.metadata.entity_tables import EntityTables
from colophon.metadata.models import (
    BookExternalLink,
    BookMetadata,
    Genre,
    SeriesExternalLink,
    SeriesExternalRating,
    SeriesMetadata,
    Tag,
)
from colophon.metadata.projections import sorted_by_name_key
from colophon.metadata.schemas import (
    BookMetadataDto,
    ExternalIdDto,
    ExternalLinkDto,
    ExternalRatingDto,
    MetadataDto,
    SeriesMetadataDto,
)
from colophon.metadata.values import AlternateTitle

MetadataRow = SeriesMetadata | BookMetadata


def locks_of(entity: Entity, row: MetadataRow) -> dict[str, bool]:
    """Every lock key of `entity` with its current value, in §1.2 order."""
    return {
        key: bool(getattr(row, f"{snake_case(key)}_lock")) for key in catalog_for(entity).lock_keys
    }


async def read_stored_lists(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID
) -> StoredLists:
    """Alternate titles (series only), genre names and tag names of one entity."""
    titles: tuple[AlternateTitle, ...] = ()
    if tables.alternate_titles is not None:
        model = tables.alternate_titles
        rows = await session.execute(
            select(model.label, model.title).where(model.series_id == entity_id)
        )
        titles = tuple(AlternateTitle(label, title) for label, title in rows)
    genres = await _names(session, Genre, tables.genre_links, "genre_id", tables, entity_id)
    tags = await _names(session, Tag, tables.tag_links, "tag_id", tables, entity_id)
    return StoredLists(titles, genres, tags)


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
    return tuple(sorted_by_name_key(names))


async def build_metadata_dto(
    session: AsyncSession, tables: EntityTables, row: MetadataRow
) -> MetadataDto:
    """The §7.1 body of the entity whose metadata row is `row`."""
    entity_id: uuid.UUID = getattr(row, tables.key)
    lists = await read_stored_lists(session, tables, entity_id)
    values: dict[str, Any] = {
        snake_case(field.key): getattr(row, snake_case(field.key))
        for field in editable_fields(tables.entity)
        if field.column is not None
    }
    values.update(
        genres=list(lists.genres),
        tags=list(lists.tags),
        external_ids=await _external_ids(session, tables, entity_id),
        external_links=await _external_links(session, tables.entity, entity_id),
        locks=locks_of(tables.entity, row),
        updated_at=row.updated_at,
    )
    if tables.entity is Entity.BOOK:
        return BookMetadataDto.model_validate(values)
    values["alternate_titles"] = [t.to_json() for t in _sorted_titles(lists.alternate_titles)]
    values["external_ratings"] = await _external_ratings(session, entity_id)
    return SeriesMetadataDto.model_validate(values)


def _sorted_titles(titles: tuple[AlternateTitle, ...]) -> list[AlternateTitle]:
    return sorted(titles, key=lambda t: (t.label, t.title))


async def _external_ids(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID
) -> list[ExternalIdDto]:
    model = tables.external_ids
    rows = await session.execute(
        select(model.source, model.external_id, model.external_url, model.last_synced_at)
        .where(tables.key_of(model) == entity_id)
        .order_by(model.source)
    )
    return [
        ExternalIdDto(source=source, external_id=ext_id, external_url=url, last_synced_at=synced)
        for source, ext_id, url, synced in rows
    ]


async def _external_links(
    session: AsyncSession, entity: Entity, entity_id: uuid.UUID
) -> list[ExternalLinkDto]:
    # Book links are scanner and user data, not an applier table, so EntityTables lacks them.
    rows = (
        await session.execute(
            select(SeriesExternalLink.source, SeriesExternalLink.url)
            .where(SeriesExternalLink.series_id == entity_id)
            .order_by(SeriesExternalLink.source)
        )
        if entity is Entity.SERIES
        else await session.execute(
            select(BookExternalLink.source, BookExternalLink.url)
            .where(BookExternalLink.book_id == entity_id)
            .order_by(BookExternalLink.source)
        )
    )
    return [ExternalLinkDto(source=source, url=url) for source, url in rows]


async def _external_ratings(session: AsyncSession, series_id: uuid.UUID) -> list[ExternalRatingDto]:
    rows = await session.scalars(
        select(SeriesExternalRating)
        .where(SeriesExternalRating.series_id == series_id)
        .order_by(SeriesExternalRating.source)
    )
    return [
        ExternalRatingDto(
            source=row.source,
            score=row.score,
            vote_count=row.vote_count,
            fetched_at=row.fetched_at,
        )
        for row in rows
    ]
