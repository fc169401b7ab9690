"""Writes of metadata values inside an open transaction (metadata §4.6, §4.8, §6.2 step 3).

Nothing here begins or commits: the applier and revert own the transaction. Replace lists are
rewritten whole; by-source lists upsert their sources and never touch the others. A job run
writes through here once per item, so the statements are Core, built once, and as few as the
values allow: the by-source upserts take the stored rows from the caller's `EntityState`
snapshot (read under the row lock) instead of selecting them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Delete, Select, Table, Update, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.metadata.catalog import FieldSpec
from colophon.metadata.entity_tables import EntityTables, table_of
from colophon.metadata.models import Genre, Tag
from colophon.metadata.state import StoredExternalId, StoredRating
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


def column_values(spec: FieldSpec, value: Any) -> dict[str, Any]:
    """The metadata-row columns one field writes; a title also sets `search_title` (§1.2)."""
    if spec.column is None:
        raise ValueError(f"{spec.key} has no metadata column")
    values: dict[str, Any] = {spec.column: value}
    if spec.key == "title":
        values["search_title"] = compute_search_title(value)
    return values


async def update_metadata_row(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    values: Mapping[str, Any],
    *,
    now: datetime,
) -> None:
    """One UPDATE of the metadata row: `values` and `updated_at`, which every write moves."""
    statement = _update_by_key(table_of(tables.metadata), tables.key)
    await session.execute(statement, {**values, "updated_at": now, "b_entity_id": entity_id})


@cache
def _update_by_key(table: Table, key: str) -> Update:
    # Without .values() the SET list follows each call's parameters; the compiled form is
    # cached per set of keys.
    return table.update().where(table.c[key] == bindparam("b_entity_id"))


@cache
def _update_by_source(table: Table, key: str) -> Update:
    return _update_by_key(table, key).where(table.c.source == bindparam("b_source"))


async def _write_by_source(
    session: AsyncSession,
    table: Table,
    key: str,
    entity_id: uuid.UUID,
    inserts: list[dict[str, Any]],
    updates: Mapping[str, dict[str, Any]],
) -> None:
    """Insert the new sources in one statement, update the changed ones by source."""
    if inserts:
        await session.execute(table.insert(), [{key: entity_id, **row} for row in inserts])
    for source, values in updates.items():
        parameters = {**values, "b_entity_id": entity_id, "b_source": source}
        await session.execute(_update_by_source(table, key), parameters)


async def replace_alternate_titles(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    titles: Iterable[AlternateTitle],
) -> None:
    """Make the stored alternate titles exactly `titles`."""
    if tables.alternate_titles is None:
        raise ValueError(f"{tables.entity} has no alternate titles")
    rows = [{"label": t.label, "title": t.title} for t in titles]
    await _replace_rows(session, table_of(tables.alternate_titles), tables.key, entity_id, rows)


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
    rows = [{link_column: taxonomy_id} for taxonomy_id in ids]
    await _replace_rows(session, table_of(link), tables.key, entity_id, rows)


async def _replace_rows(
    session: AsyncSession, table: Table, key: str, entity_id: uuid.UUID, rows: list[dict[str, Any]]
) -> None:
    await session.execute(_delete_by_key(table, key), {"b_entity_id": entity_id})
    if rows:
        await session.execute(table.insert(), [{key: entity_id, **row} for row in rows])


@cache
def _delete_by_key(table: Table, key: str) -> Delete:
    return table.delete().where(table.c[key] == bindparam("b_entity_id"))


async def find_or_create_names(
    session: AsyncSession, taxonomy: type[Genre] | type[Tag], names: Sequence[str]
) -> list[uuid.UUID]:
    """The ids of `names` by NK, inserting the missing ones; existing rows keep their casing.

    Names are looked up first, so the usual case (every name known) is one statement. ON
    CONFLICT DO NOTHING lets two transactions create the same name without either failing.
    """
    by_key = {name_key(name): name for name in names}
    if not by_key:
        return []
    ids = await _ids_by_key(session, taxonomy, list(by_key))
    missing = [key for key in by_key if key not in ids]
    if missing:
        rows = [
            {"id": uuid.uuid4(), "name": by_key[key], "normalized_name": key} for key in missing
        ]
        dialect_insert = (
            pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        statement = (
            dialect_insert(taxonomy)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["normalized_name"])
        )
        await session.execute(statement)
        ids.update(await _ids_by_key(session, taxonomy, missing))
    return [ids[key] for key in by_key]


async def _ids_by_key(
    session: AsyncSession, taxonomy: type[Genre] | type[Tag], keys: list[str]
) -> dict[str, uuid.UUID]:
    found = await session.execute(_ids_by_key_query(table_of(taxonomy)), {"keys": keys})
    return {key: taxonomy_id for key, taxonomy_id in found}


@cache
def _ids_by_key_query(table: Table) -> Select[Any]:
    keys: BindParameter[str] = bindparam("keys", expanding=True)
    return select(table.c.normalized_name, table.c.id).where(table.c.normalized_name.in_(keys))


def _source_rows(model: type[Any], tables: EntityTables, entity_id: uuid.UUID) -> Any:
    return select(model).where(tables.key_of(model) == entity_id)


async def upsert_external_ids(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    stored: Mapping[str, StoredExternalId],
    ids: Iterable[ExternalId],
    *,
    match_source: str,
    match: StoredExternalId,
    now: datetime,
) -> None:
    """Upsert each id by source, then record the match: `match_source` → `match`.

    A provider id is written only when new or different (`last_synced_at = now`, its URL
    kept). The match is always written: its id, `last_synced_at = now`, and its URL when given.
    """
    inserts: dict[str, dict[str, Any]] = {}
    updates: dict[str, dict[str, Any]] = {}
    for entry in ids:
        current = stored.get(entry.source)
        if current is None:
            inserts[entry.source] = {
                "source": entry.source, "external_id": entry.external_id,
                "external_url": None, "last_synced_at": now,
            }  # fmt: skip
        elif current.external_id != entry.external_id:
            updates[entry.source] = {"external_id": entry.external_id, "last_synced_at": now}
    matched: dict[str, Any] = {"external_id": match.external_id, "last_synced_at": now}
    if match.external_url is not None or match_source not in stored:
        matched["external_url"] = match.external_url
    if match_source in stored:
        updates[match_source] = matched
    else:
        inserts[match_source] = {"source": match_source, **matched}
    table = table_of(tables.external_ids)
    await _write_by_source(session, table, tables.key, entity_id, list(inserts.values()), updates)


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
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    stored: Mapping[str, str],
    links: Iterable[ExternalLink],
) -> None:
    """Upsert each link by source; links of other sources stay."""
    if tables.links is None:
        raise ValueError(f"{tables.entity} links are not written by the applier")
    inserts: list[dict[str, Any]] = []
    updates: dict[str, dict[str, Any]] = {}
    for link in links:
        if link.source not in stored:
            inserts.append({"source": link.source, "url": link.url})
        elif stored[link.source] != link.url:
            updates[link.source] = {"url": link.url}
    table = table_of(tables.links)
    await _write_by_source(session, table, tables.key, entity_id, inserts, updates)


async def upsert_ratings(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    stored: Mapping[str, StoredRating],
    ratings: Iterable[ExternalRating],
    *,
    now: datetime,
) -> None:
    """Upsert each rating by source; a missing voteCount keeps the stored one (§4.6)."""
    if tables.ratings is None:
        raise ValueError(f"{tables.entity} has no ratings")
    inserts: list[dict[str, Any]] = []
    updates: dict[str, dict[str, Any]] = {}
    for rating in ratings:
        current = stored.get(rating.source)
        if current is None:
            inserts.append(
                {"source": rating.source, "score": rating.score,
                 "vote_count": rating.vote_count, "fetched_at": now}
            )  # fmt: skip
            continue
        same_votes = rating.vote_count is None or rating.vote_count == current.vote_count
        if current.score == rating.score and same_votes:
            continue  # only entries that differ are written (§4.6)
        values: dict[str, Any] = {"score": rating.score, "fetched_at": now}
        if rating.vote_count is not None:
            values["vote_count"] = rating.vote_count
        updates[rating.source] = values
    table = table_of(tables.ratings)
    await _write_by_source(session, table, tables.key, entity_id, inserts, updates)


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
