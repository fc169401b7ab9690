"""The append-only audit log `metadata_changes` (metadata §6.1).

Application code only ever inserts here; "later" means a larger id.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.metadata.catalog import Entity
from colophon.metadata.entity_tables import table_of
from colophon.metadata.models import MetadataChange
from colophon.wire import JsonValue


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One changed field with its §4.3 projections."""

    field: str
    before: JsonValue
    after: JsonValue


@dataclass(frozen=True, slots=True)
class AuditContext:
    """Who wrote and on whose behalf: `plugin:<name>`, `user:<id>`, `scanner`, `revert:<runId>`."""

    entity: Entity
    entity_id: uuid.UUID
    library_id: uuid.UUID
    source: str
    run_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None


def plugin_source(name: str) -> str:
    """The source of a plugin's writes and of its provenance id."""
    return f"plugin:{name}"


def revert_source(run_id: uuid.UUID) -> str:
    """The source of a revert's restores; `run_id` is the reverted run."""
    return f"revert:{run_id}"


async def record_changes(
    session: AsyncSession,
    context: AuditContext,
    entries: Sequence[AuditEntry],
    *,
    now: datetime,
) -> None:
    """Append one row per entry, in order, inside the caller's transaction."""
    if not entries:
        return
    await session.execute(
        table_of(MetadataChange).insert(),
        [
            {
                "entity_type": context.entity.value,
                "entity_id": context.entity_id,
                "library_id": context.library_id,
                "field": entry.field,
                "before": entry.before,
                "after": entry.after,
                "source": context.source,
                "run_id": context.run_id,
                "user_id": context.user_id,
                "created_at": now,
            }
            for entry in entries
        ],
    )


async def latest_change_id(
    session: AsyncSession, entity: Entity, entity_id: uuid.UUID, field: str
) -> int | None:
    """The id of the newest audit row for one entity field, or None when it has none."""
    newest: int | None = await session.scalar(
        select(func.max(MetadataChange.id)).where(
            MetadataChange.entity_type == entity.value,
            MetadataChange.entity_id == entity_id,
            MetadataChange.field == field,
        )
    )
    return newest


async def changes_of_run(session: AsyncSession, run_id: uuid.UUID) -> list[MetadataChange]:
    """Every audit row the run wrote, in append order."""
    rows = await session.scalars(
        select(MetadataChange).where(MetadataChange.run_id == run_id).order_by(MetadataChange.id)
    )
    return list(rows)
