"""Writes of metadata values inside an open transaction (metadata §4.6, §4.8, §6.2 step 3).

Nothing here begins or commits: the applier and revert own the transaction. Replace lists are
rewritten whole; by-source lists upsert their sources and never touch the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.metadata.catalog import FieldSpec
from colophon.metadata.entity_tables import EntityTables
from colophon.metadata.models import Genre, Tag
from colophon.metadata.text import compute_search_title, name_key
from colophon.metadata.values import (
    AlternateTitle,
    ExternalId,
    ExternalLink,
    ExternalRating,
    FieldValue,
)


def column_value(value: FieldValue | None) -> Any:
    """A value in its column form: lists of objects become JSON objects, tuples lists."""
    if isinstance(value, tuple):
        return [entry.to_json() if hasattr(entry, "to_json") else entry for entry in value]
    return value


async def set_column(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, spec: FieldSpec, value: Any
) -> None:
    """Write one metadata column; a title write recomputes `search_title` (metadata §1.2)."""
    if spec.column is None:
        raise ValueError(f"{spec.key} has no metadata column")
    values: dict[str, Any] = {spec.column: value}
    if spec.key == "title":
        values["search_title"] = compute_search_title(value)
    await session.execute(
        update(tables.metadata).where(tables.key_of(tables.metadata) == entity_id).values(values)
    )


async def touch_metadata(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, now: datetime
) -> None:
    """Bump the metadata row's `updated_at`, which every write to it or its tables moves."""
    await session.execute(
        update(tables.metadata)
        .where(tables.key_of(tables.metadata) == entity_id)
        .values(updated_at=now)
    )


async def replace_alternate_titles(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    titles: Iterable[AlternateTitle],
) -> None:
    """Make the stored alternate titles exactly `titles`."""
    model = tables.alternate_titles
    if model is None:
        raise ValueError(f"{tables.entity} has no alternate titles")
    await session.execute(delete(model).where(model.series_id == entity_id))
    rows = [{"series_id": entity_id, "label": t.label, "title": t.title} for t in titles]
    if rows:
        await session.execute(insert(model), rows)


async def replace_taxonomy(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    spec: FieldSpec,
    names: Sequence[str],
) -> None:
    """Point the entity's genre or tag links at exactly `names`, find-or-creating them by NK."""
    taxonomy: type[Genre] | type[Tag] = Genre if spec.key == "genres" else Tag
    link = tables.genre_links if spec.key == "genres" else tables.tag_links
    link_column = "genre_id" if spec.key == "genres" else "tag_id"
    ids = await find_or_create_names(session, taxonomy, names)
    await session.execute(delete(link).where(tables.key_of(link) == entity_id))
    if ids:
        await session.execute(
            insert(link), [{tables.key: entity_id, link_column: taxonomy_id} for taxonomy_id in ids]
        )


async def find_or_create_names(
    session: AsyncSession, taxonomy: type[Genre] | type[Tag], names: Sequence[str]
) -> list[uuid.UUID]:
    """The ids of `names` by NK, inserting the missing ones; existing rows keep their casing.

    ON CONFLICT DO NOTHING lets two transactions create the same name without either failing.
    """
    by_key = {name_key(name): name for name in names}
    if not by_key:
        return []
    rows = [
        {"id": uuid.uuid4(), "name": name, "normalized_name": key} for key, name in by_key.items()
    ]
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        dialect_insert(taxonomy)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["normalized_name"])
    )
    await session.execute(statement)
    found = await session.execute(
        select(taxonomy.normalized_name, taxonomy.id).where(
            taxonomy.normalized_name.in_(list(by_key))
        )
    )
    ids: dict[str, uuid.UUID] = {key: taxonomy_id for key, taxonomy_id in found}
    return [ids[key] for key in by_key]


def _source_rows(model: type[Any], tables: EntityTables, entity_id: uuid.UUID) -> Any:
    return select(model).where(tables.key_of(model) == entity_id)


async def upsert_external_ids(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    ids: Iterable[ExternalId],
    *,
    now: datetime,
) -> None:
    """Upsert each id by source; a written row gets `last_synced_at = now`, its URL is kept."""
    model = tables.external_ids
    stored = {
        row.source: row for row in await session.scalars(_source_rows(model, tables, entity_id))
    }
    for entry in ids:
        row = stored.get(entry.source)
        if row is None:
            session.add(
                model(
                    **{tables.key: entity_id},
                    source=entry.source,
                    external_id=entry.external_id,
                    last_synced_at=now,
                )
            )
        elif row.external_id != entry.external_id:
            row.external_id, row.last_synced_at = entry.external_id, now
    await session.flush()


async def restore_external_ids(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    ids: Iterable[ExternalId],
) -> None:
    """Revert: set ids back without moving `last_synced_at` (metadata §6.2 step 4)."""
    model = tables.external_ids
    stored = {
        row.source: row for row in await session.scalars(_source_rows(model, tables, entity_id))
    }
    for entry in ids:
        row = stored.get(entry.source)
        if row is None:
            session.add(
                model(**{tables.key: entity_id}, source=entry.source, external_id=entry.external_id)
            )
        else:
            row.external_id = entry.external_id
    await session.flush()


async def upsert_links(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, links: Iterable[ExternalLink]
) -> None:
    """Upsert each link by source; links of other sources stay."""
    model = tables.links
    if model is None:
        raise ValueError(f"{tables.entity} links are not written by the applier")
    stored = {
        row.source: row for row in await session.scalars(_source_rows(model, tables, entity_id))
    }
    for link in links:
        row = stored.get(link.source)
        if row is None:
            session.add(model(series_id=entity_id, source=link.source, url=link.url))
        elif row.url != link.url:
            row.url = link.url
    await session.flush()


async def upsert_ratings(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    ratings: Iterable[ExternalRating],
    *,
    now: datetime,
) -> None:
    """Upsert each rating by source; a missing voteCount keeps the stored one (§4.6)."""
    model = tables.ratings
    if model is None:
        raise ValueError(f"{tables.entity} has no ratings")
    stored = {
        row.source: row for row in await session.scalars(_source_rows(model, tables, entity_id))
    }
    for rating in ratings:
        row = stored.get(rating.source)
        if row is None:
            session.add(
                model(
                    series_id=entity_id,
                    source=rating.source,
                    score=rating.score,
                    vote_count=rating.vote_count,
                    fetched_at=now,
                )
            )
            continue
        same_votes = rating.vote_count is None or rating.vote_count == row.vote_count
        if row.score == rating.score and same_votes:
            continue  # only entries that differ are written (§4.6)
        row.score, row.fetched_at = rating.score, now
        if rating.vote_count is not None:
            row.vote_count = rating.vote_count
    await session.flush()


async def delete_sources(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    model: type[Any],
    sources: Iterable[str],
) -> None:
    """Delete the by-source rows of `sources` (revert of a source the run created)."""
    doomed = list(sources)
    if doomed:
        await session.execute(
            delete(model).where(tables.key_of(model) == entity_id, model.source.in_(doomed))
        )


async def upsert_provenance(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    *,
    source: str,
    external_id: str,
    external_url: str | None,
    now: datetime,
) -> None:
    """Record the match: `plugin:<name>` → the payload's id, its URL when given, synced now."""
    model = tables.external_ids
    row = await session.scalar(_source_rows(model, tables, entity_id).where(model.source == source))
    if row is None:
        row = model(**{tables.key: entity_id}, source=source, external_id=external_id)
        session.add(row)
    row.external_id, row.last_synced_at = external_id, now
    if external_url is not None:
        row.external_url = external_url
    await session.flush()
