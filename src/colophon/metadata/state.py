"""A read-only snapshot of one entity's stored metadata: what the applier plans against."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Float,
    Integer,
    Row,
    Select,
    Text,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.types import UtcDateTime
from colophon.metadata.catalog import Entity
from colophon.metadata.entity_tables import EntityTables, table_of
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

    Two statements whatever the entity holds: the metadata row with the owner's library, and
    every related row in one UNION ALL (a job run reads this once per item). `for_update`
    locks the metadata row on PostgreSQL (metadata §4.9 step 5); SQLite already holds the
    database write lock for the whole transaction.
    """
    queries = _queries(tables)
    head = queries.locked_row if for_update else queries.row
    row = (await session.execute(head, {"entity_id": entity_id})).mappings().first()
    if row is None:
        return None
    columns = {name: row[name] for name in queries.column_names}
    related = await session.execute(
        queries.related, {"entity_id": entity_id, "cover_source": cover_source}
    )
    return _assemble(entity_id, row["owner_library_id"], columns, related.all())


@dataclass(frozen=True, slots=True)
class _Queries:
    row: Select[Any]
    locked_row: Select[Any]
    related: CompoundSelect[Any]
    column_names: tuple[str, ...]


_QUERIES: dict[Entity, _Queries] = {}


def _queries(tables: EntityTables) -> _Queries:
    """The entity's statements, built once: building a statement costs more than running it."""
    if tables.entity not in _QUERIES:
        _QUERIES[tables.entity] = _build_queries(tables)
    return _QUERIES[tables.entity]


def _build_queries(tables: EntityTables) -> _Queries:
    metadata, owner = table_of(tables.metadata), table_of(tables.owner)
    key = metadata.c[tables.key]
    row = (
        select(metadata, owner.c.library_id.label("owner_library_id"))
        .join_from(metadata, owner, owner.c.id == key)
        .where(key == bindparam("entity_id"))
    )
    return _Queries(
        row=row,
        locked_row=row.with_for_update(of=metadata),
        related=union_all(*_related_selects(tables)),
        column_names=tuple(column.name for column in metadata.columns),
    )


# Every related row as (kind, a, b, c, score, votes, at); unused places are typed NULLs so
# the UNION's result columns keep their types on both databases.
def _row(kind: str, a: Any, b: Any = None, c: Any = None, score: Any = None,
         votes: Any = None, at: Any = None) -> list[Any]:  # fmt: skip
    def typed(value: Any, type_: Any) -> Any:
        return cast(null(), type_) if value is None else value

    return [
        literal_column(f"'{kind}'", Text).label("kind"),
        typed(a, Text).label("a"),
        typed(b, Text).label("b"),
        typed(c, Text).label("c"),
        typed(score, Float).label("score"),
        typed(votes, Integer).label("votes"),
        typed(at, UtcDateTime()).label("at"),
    ]


def _related_selects(tables: EntityTables) -> list[Select[Any]]:
    entity: BindParameter[Any] = bindparam("entity_id")

    def of(model: type[Any]) -> Any:
        return table_of(model).c

    ids, covers = of(tables.external_ids), of(tables.covers)
    genre_links, tag_links = of(tables.genre_links), of(tables.tag_links)
    genres, tags = table_of(Genre).c, table_of(Tag).c
    selects = [
        select(*_row("cover", covers.source_url, at=covers.created_at)).where(
            covers[tables.key] == entity, covers.source == bindparam("cover_source")
        ),
        select(*_row("genre", genres.name))
        .join_from(table_of(tables.genre_links), table_of(Genre), genre_links.genre_id == genres.id)
        .where(genre_links[tables.key] == entity),
        select(*_row("tag", tags.name))
        .join_from(table_of(tables.tag_links), table_of(Tag), tag_links.tag_id == tags.id)
        .where(tag_links[tables.key] == entity),
        select(*_row("external_id", ids.source, ids.external_id, ids.external_url)).where(
            ids[tables.key] == entity
        ),
    ]
    if tables.alternate_titles is not None:
        titles = of(tables.alternate_titles)
        selects.append(
            select(*_row("alternate_title", titles.label, titles.title)).where(
                titles.series_id == entity
            )
        )
    if tables.links is not None:
        links = of(tables.links)
        selects.append(
            select(*_row("link", links.source, links.url)).where(links[tables.key] == entity)
        )
    if tables.ratings is not None:
        ratings = of(tables.ratings)
        selects.append(
            select(*_row("rating", ratings.source, score=ratings.score, votes=ratings.vote_count))
            .where(ratings.series_id == entity)
        )  # fmt: skip
    return selects


def _assemble(
    entity_id: uuid.UUID,
    library_id: uuid.UUID,
    columns: dict[str, Any],
    rows: Sequence[Row[Any]],
) -> EntityState:
    by_kind: dict[str, list[Row[Any]]] = {}
    for related in rows:
        by_kind.setdefault(related.kind, []).append(related)

    def of(kind: str) -> list[Row[Any]]:
        return by_kind.get(kind, [])

    covers = sorted(of("cover"), key=lambda r: r.at, reverse=True)
    return EntityState(
        entity_id=entity_id,
        library_id=library_id,
        columns=columns,
        alternate_titles=tuple(AlternateTitle(r.a, r.b) for r in of("alternate_title")),
        genres=tuple(r.a for r in of("genre")),
        tags=tuple(r.a for r in of("tag")),
        external_ids={r.a: StoredExternalId(r.b, r.c) for r in of("external_id")},
        links={r.a: r.b for r in of("link")},
        ratings={r.a: StoredRating(r.score, r.votes) for r in of("rating")},
        plugin_cover_urls=tuple(r.a for r in covers),
    )
