"""Find-or-create in the shared genre and tag taxonomies (metadata §1.5).

A name is looked up by NK; a missing one is inserted as NT with ON CONFLICT DO NOTHING, so two
writers adding the same new genre at once both end up with the one row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.base import new_id
from colophon.db.clock import utcnow
from colophon.metadata.models import Genre, Tag
from colophon.metadata.text import name_key, normalise_text

Taxonomy = type[Genre] | type[Tag]


async def find_or_create_names(
    session: AsyncSession, taxonomy: Taxonomy, names: Sequence[str]
) -> list[uuid.UUID]:
    """Row ids for ``names`` in order, one per NK; absent names are inserted first."""
    display_by_key: dict[str, str] = {}
    for name in names:
        display_by_key.setdefault(name_key(name), normalise_text(name))
    ids = await _ids_by_key(session, taxonomy, list(display_by_key))
    missing = {key: display for key, display in display_by_key.items() if key not in ids}
    if missing:
        await _insert_missing(session, taxonomy, missing)
        ids |= await _ids_by_key(session, taxonomy, list(missing))
    return [ids[key] for key in display_by_key]


async def _ids_by_key(
    session: AsyncSession, taxonomy: Taxonomy, keys: list[str]
) -> dict[str, uuid.UUID]:
    rows = await session.execute(
        select(taxonomy.normalized_name, taxonomy.id).where(taxonomy.normalized_name.in_(keys))
    )
    return {key: row_id for key, row_id in rows.tuples()}


async def _insert_missing(
    session: AsyncSession, taxonomy: Taxonomy, display_by_key: dict[str, str]
) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    rows = [
        {"id": new_id(), "name": display, "normalized_name": key, "created_at": now}
        for key, display in display_by_key.items()
    ]
    statement = insert(taxonomy).on_conflict_do_nothing(index_elements=["normalized_name"])
    await session.execute(statement, rows)
