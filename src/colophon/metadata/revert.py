"""The revert primitive of a refresh run (metadata §6.2; records in library-jobs §9.2).

Each entity the run changed is restored in its own transaction; a field is restored only
when nothing touched it since the run, and every restore is audited as `revert:<runId>`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.db.database import Database
from colophon.metadata.audit import (
    AuditContext,
    AuditEntry,
    changes_of_run,
    latest_change_id,
    record_changes,
    revert_source,
)
from colophon.metadata.catalog import Comparison, Entity, FieldSpec
from colophon.metadata.entity_tables import EntityTables, tables_for
from colophon.metadata.projections import (
    current_projection,
    projection_sources,
    projections_equal,
)
from colophon.metadata.state import EntityState, read_state
from colophon.metadata.values import AlternateTitle, ExternalId, ExternalLink
from colophon.metadata.writes import (
    column_values,
    delete_sources,
    replace_alternate_titles,
    replace_taxonomy,
    restore_external_ids,
    update_metadata_row,
    upsert_links,
)
from colophon.wire import JsonObject, JsonValue

log = structlog.get_logger(__name__)

MAX_SKIPPED_ITEMS = 500  # library-jobs REV-3 caps the stored list
Progress = Callable[[int, int], Awaitable[None]]


class RevertSkipReason(StrEnum):
    """Why a field was not restored; the value is the stored code."""

    ENTITY_MISSING = "entity_missing"
    LOCKED = "locked"
    CHANGED_SINCE = "changed_since"
    NOT_REVERTIBLE = "not_revertible"

    @property
    def message(self) -> str:
        """The fixed message that goes with the code."""
        return _MESSAGES[self]


_MESSAGES = {
    RevertSkipReason.ENTITY_MISSING: "Entity no longer exists",
    RevertSkipReason.LOCKED: "Field is locked",
    RevertSkipReason.CHANGED_SINCE: "Changed since the run",
    RevertSkipReason.NOT_REVERTIBLE: "Cover changes are not revertable",
}


@dataclass(frozen=True, slots=True)
class RevertSkip:
    """One field left as it is."""

    entity_type: str
    entity_id: uuid.UUID
    field: str
    reason: RevertSkipReason

    def to_json(self) -> JsonObject:
        """`{entityType, entityId, field, reason, message}`."""
        return {
            "entityType": self.entity_type,
            "entityId": str(self.entity_id),
            "field": self.field,
            "reason": self.reason.value,
            "message": self.reason.message,
        }


@dataclass(frozen=True, slots=True)
class RevertOutcome:
    """Counts and skips of one revert; `failed` counts entities whose transaction failed."""

    restored: int
    skipped: tuple[RevertSkip, ...]
    failed: int

    def summary_json(self) -> JsonObject:
        """The `revert_summary` record of library-jobs REV-3."""
        by_reason: dict[str, int] = {}
        for skip in self.skipped:
            by_reason[skip.reason.value] = by_reason.get(skip.reason.value, 0) + 1
        return {
            "restored": self.restored,
            "skipped": len(self.skipped),
            "failed": self.failed,
            "skippedByReason": by_reason,
            "skippedItems": [s.to_json() for s in self.skipped[:MAX_SKIPPED_ITEMS]],
        }


@dataclass(slots=True)
class _FieldSpan:
    """A field's earliest `before` and latest `after` among the run's rows."""

    before: JsonValue
    after: JsonValue
    last_id: int


@dataclass(slots=True)
class _EntityChanges:
    entity: Entity
    entity_id: uuid.UUID
    library_id: uuid.UUID
    writer_source: str
    fields: dict[str, _FieldSpan] = field(default_factory=dict)


async def revert_run(
    db: Database,
    run_id: uuid.UUID,
    *,
    user_id: uuid.UUID | None,
    on_progress: Progress | None = None,
) -> RevertOutcome:
    """Restore what run `run_id` changed, entity by entity; a failed entity does not stop it."""
    async with db.read() as session:
        entities = _group(await changes_of_run(session, run_id))
    restored, failed = 0, 0
    skips: list[RevertSkip] = []
    for done, changes in enumerate(entities, start=1):
        try:
            async with db.write() as session:
                count, entity_skips = await _revert_entity(session, changes, run_id, user_id)
        except SQLAlchemyError:
            log.exception(
                "revert_entity_failed", runId=str(run_id), entityId=str(changes.entity_id)
            )
            failed += 1
        else:
            restored, skips = restored + count, [*skips, *entity_skips]
        if on_progress is not None:
            await on_progress(done, len(entities))
    return RevertOutcome(restored, tuple(skips), failed)


def _group(rows: Sequence[Any]) -> list[_EntityChanges]:
    entities: dict[tuple[str, uuid.UUID], _EntityChanges] = {}
    for row in rows:  # in id order: the first row holds the earliest `before`
        key = (row.entity_type, row.entity_id)
        changes = entities.get(key)
        if changes is None:
            changes = _EntityChanges(
                Entity(row.entity_type), row.entity_id, row.library_id, row.source
            )
            entities[key] = changes
        span = changes.fields.get(row.field)
        if span is None:
            changes.fields[row.field] = _FieldSpan(row.before, row.after, row.id)
        else:
            span.after, span.last_id = row.after, row.id
    return list(entities.values())


async def _revert_entity(
    session: AsyncSession, changes: _EntityChanges, run_id: uuid.UUID, user_id: uuid.UUID | None
) -> tuple[int, list[RevertSkip]]:
    tables = tables_for(changes.entity)
    state = await read_state(
        session, tables, changes.entity_id, cover_source=changes.writer_source, for_update=True
    )
    skips: list[RevertSkip] = []
    entries: list[AuditEntry] = []
    for key, span in _in_catalog_order(tables, changes.fields):
        spec = tables.catalog.field(key)
        reason = await _skip_reason(session, changes, spec, span, state)
        if reason is not None:
            skips.append(RevertSkip(changes.entity.value, changes.entity_id, key, reason))
            continue
        assert state is not None  # _skip_reason reports a missing entity
        current = _current(spec, state, span.after)
        await restore_value(session, tables, state, spec, span)
        entries.append(AuditEntry(key, current, span.before))
    if entries:
        now = utcnow()
        await update_metadata_row(session, tables, changes.entity_id, {}, now=now)
        context = AuditContext(
            changes.entity,
            changes.entity_id,
            changes.library_id,
            revert_source(run_id),
            None,
            user_id,
        )
        await record_changes(session, context, entries, now=now)
    return len(entries), skips


def _in_catalog_order(
    tables: EntityTables, fields: dict[str, _FieldSpan]
) -> list[tuple[str, _FieldSpan]]:
    return [(key, fields[key]) for key in tables.catalog.in_order(fields)]


def _current(spec: FieldSpec, state: EntityState, after: JsonValue) -> JsonValue:
    # By-source fields are compared on the sources the run wrote only (§6.2).
    by_source = spec.comparison is Comparison.BY_SOURCE
    return current_projection(spec, state, sources=projection_sources(after) if by_source else ())


async def _skip_reason(
    session: AsyncSession,
    changes: _EntityChanges,
    spec: FieldSpec,
    span: _FieldSpan,
    state: EntityState | None,
) -> RevertSkipReason | None:
    """The first matching rule of §6.2 step 2, or None to restore."""
    if state is None:
        return RevertSkipReason.ENTITY_MISSING
    if state.is_locked(spec.lock_column):
        return RevertSkipReason.LOCKED
    newest = await latest_change_id(session, changes.entity, changes.entity_id, spec.key)
    if newest is not None and newest > span.last_id:
        return RevertSkipReason.CHANGED_SINCE
    if not projections_equal(spec, _current(spec, state, span.after), span.after):
        return RevertSkipReason.CHANGED_SINCE
    if spec.comparison is Comparison.COVER:
        return RevertSkipReason.NOT_REVERTIBLE
    return None


async def restore_value(
    session: AsyncSession,
    tables: EntityTables,
    state: EntityState,
    spec: FieldSpec,
    span: _FieldSpan,
) -> None:
    """Write `before` back exactly; by-source sources without a `before` entry are deleted."""
    before, entity_id = span.before, state.entity_id
    if spec.key in ("genres", "tags"):
        await replace_taxonomy(session, tables, entity_id, spec, list(before or []))
    elif spec.key == "alternateTitles":
        titles = [AlternateTitle(t["label"], t["title"]) for t in before or []]
        await replace_alternate_titles(session, tables, entity_id, titles)
    elif spec.comparison is Comparison.BY_SOURCE:
        await _restore_sources(session, tables, state, spec, span)
    else:
        values = column_values(spec, before)
        await update_metadata_row(session, tables, entity_id, values, now=utcnow())


async def _restore_sources(
    session: AsyncSession,
    tables: EntityTables,
    state: EntityState,
    spec: FieldSpec,
    span: _FieldSpan,
) -> None:
    entity_id = state.entity_id
    kept = {entry["source"]: entry for entry in _entries(span.before)}
    gone = [s for s in projection_sources(span.after) if s not in kept]
    if spec.key == "externalIds":
        ids = [ExternalId(s, e["externalId"]) for s, e in kept.items()]
        await restore_external_ids(session, tables, entity_id, ids)
        await delete_sources(session, tables, entity_id, tables.external_ids, gone)
    elif spec.key == "externalLinks" and tables.links is not None:
        links = [ExternalLink(s, e["url"]) for s, e in kept.items()]
        await upsert_links(session, tables, entity_id, state.links, links)
        await delete_sources(session, tables, entity_id, tables.links, gone)
    elif tables.ratings is not None:
        await _restore_ratings(session, tables, entity_id, list(kept.values()), now=utcnow())
        await delete_sources(session, tables, entity_id, tables.ratings, gone)


def _entries(projection: JsonValue) -> list[JsonObject]:
    if projection is None:
        return []
    return list(projection) if isinstance(projection, list) else [projection]


async def _restore_ratings(
    session: AsyncSession,
    tables: EntityTables,
    entity_id: uuid.UUID,
    entries: list[JsonObject],
    *,
    now: datetime,
) -> None:
    # Exactly the stored before-values, vote_count included (unlike a provider upsert).
    model = tables.ratings
    if model is None:
        return
    for entry in entries:
        row = await session.scalar(
            select(model).where(model.series_id == entity_id, model.source == entry["source"])
        )
        if row is None:
            row = model(series_id=entity_id, source=entry["source"], fetched_at=now)
            session.add(row)
        row.score, row.vote_count = entry["score"], entry.get("voteCount")
    await session.flush()
