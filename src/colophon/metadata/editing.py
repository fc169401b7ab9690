"""Manual metadata editing (metadata §7): read, PATCH with auto-lock, locks and reset.

User edits ignore locks (the user is the authority), run in one transaction each, and append
one `metadata_changes` row per changed field with source `user:<userId>`; lock changes are
not audited (§6.1).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.db.database import Database
from colophon.errors import FieldError, NotFound, ValidationFailed
from colophon.library.models import Book, Series
from colophon.metadata.audit import AuditContext, AuditEntry, record_changes
from colophon.metadata.catalog import Entity, catalog_for, snake_case
from colophon.metadata.editable_fields import (
    EditableField,
    EditValue,
    column_form,
    editable_fields,
    find_editable,
    is_unchanged,
    names_of,
    proposed_projection,
    stored_projection,
    titles_of,
)
from colophon.metadata.entity_tables import EntityTables, tables_for
from colophon.metadata.field_rules import InvalidValue
from colophon.metadata.metadata_view import (
    MetadataRow,
    build_metadata_dto,
    locks_of,
    read_stored_lists,
)
from colophon.metadata.schemas import MetadataDto
from colophon.metadata.text import compute_search_title
from colophon.metadata.writes import replace_alternate_titles, replace_taxonomy
from colophon.runtime import Runtime
from colophon.tasks.events import Event, entity_event
from colophon.wire import JsonValue

NOT_FOUND_MESSAGES = {Entity.SERIES: "series not found", Entity.BOOK: "book not found"}

Edit = tuple[EditableField, EditValue]


@dataclass(frozen=True, slots=True)
class EntityRef:
    """The series or book being edited, with what its events and audit rows need."""

    entity: Entity
    id: uuid.UUID
    library_id: uuid.UUID
    series_id: uuid.UUID  # the series itself, or the book's series
    series_name: str | None  # the folder name, a reset series title (None for books)


def user_source(user_id: uuid.UUID) -> str:
    """The audit and event source of a manual edit."""
    return f"user:{user_id}"


async def get_entity(session: AsyncSession, entity: Entity, entity_id: uuid.UUID) -> EntityRef:
    """The series or book; raise NotFound `series not found` / `book not found`."""
    if entity is Entity.SERIES:
        found = (
            await session.execute(
                select(Series.library_id, Series.name).where(Series.id == entity_id)
            )
        ).first()
        if found is not None:
            return EntityRef(entity, entity_id, found.library_id, entity_id, found.name)
    else:
        book = (
            await session.execute(
                select(Book.library_id, Book.series_id).where(Book.id == entity_id)
            )
        ).first()
        if book is not None:
            return EntityRef(entity, entity_id, book.library_id, book.series_id, None)
    raise NotFound(NOT_FOUND_MESSAGES[entity])


async def get_metadata_row(
    session: AsyncSession, ref: EntityRef, *, for_update: bool = False
) -> MetadataRow:
    # Every series and book gets its metadata row in the scanner's transaction (§1.1); a
    # missing one means the entity is being deleted right now.
    model = tables_for(ref.entity).metadata
    row = await session.get(model, ref.id, with_for_update=for_update)
    if row is None:
        raise NotFound(NOT_FOUND_MESSAGES[ref.entity])
    return cast(MetadataRow, row)


# --- read ----------------------------------------------------------------------------------


async def get_metadata(db: Database, entity: Entity, entity_id: uuid.UUID) -> MetadataDto:
    """The §7.1 body; raise NotFound when the entity does not exist."""
    async with db.read() as session:
        ref = await get_entity(session, entity, entity_id)
        row = await get_metadata_row(session, ref)
        return await build_metadata_dto(session, tables_for(entity), row)


async def get_locks(db: Database, entity: Entity, entity_id: uuid.UUID) -> dict[str, bool]:
    """Every lock key with its value (17 for series, 27 for books)."""
    async with db.read() as session:
        ref = await get_entity(session, entity, entity_id)
        return locks_of(entity, await get_metadata_row(session, ref))


# --- PATCH ---------------------------------------------------------------------------------


def parse_edits(entity: Entity, raw_values: Mapping[str, JsonValue]) -> list[Edit]:
    """Parse every key of a PATCH body, in editable order; raise ValidationFailed listing all.

    `null` clears a scalar and `[]` a list; a bad value is `invalid value for '<f>': <detail>`.
    """
    errors: list[FieldError] = []
    edits: list[Edit] = []
    for key, raw in raw_values.items():
        field = find_editable(entity, key)
        if field is None:
            errors.append(FieldError(key, f"unknown field '{key}'"))
            continue
        try:
            value = None if raw is None else field.parse(raw)
        except InvalidValue as exc:
            errors.append(FieldError(key, f"invalid value for '{key}': {exc.detail}"))
            continue
        if entity is Entity.SERIES and key == "title" and value is None:
            errors.append(FieldError(key, "title must not be empty"))
            continue
        edits.append((field, value))
    if errors:
        raise ValidationFailed(errors)
    order = [field.key for field in editable_fields(entity)]
    return sorted(edits, key=lambda edit: order.index(edit[0].key))


async def patch_metadata(
    runtime: Runtime,
    entity: Entity,
    entity_id: uuid.UUID,
    raw_values: Mapping[str, JsonValue],
    *,
    lock: bool,
    user_id: uuid.UUID,
) -> MetadataDto:
    """Write the given fields in one transaction, locking each one unless `lock` is false."""
    async with runtime.db.write() as session:
        ref = await get_entity(session, entity, entity_id)
        edits = parse_edits(entity, raw_values)
        row = await get_metadata_row(session, ref, for_update=True)
        now = utcnow()
        changed = await _write_edits(session, ref, row, edits, user_id=user_id, now=now)
        if lock:
            for field, _ in edits:
                setattr(row, field.lock_column, True)
        if changed or (lock and edits):
            row.updated_at = now
        announce(runtime, session, ref, changed, user_id=user_id)
        return await build_metadata_dto(session, tables_for(entity), row)


async def _write_edits(
    session: AsyncSession,
    ref: EntityRef,
    row: MetadataRow,
    edits: Sequence[Edit],
    *,
    user_id: uuid.UUID,
    now: datetime,
) -> list[str]:
    """Write the edits whose value differs (§4.3 comparator), audit each; the changed keys."""
    tables = tables_for(ref.entity)
    columns = _columns_of(tables, row)
    lists = await read_stored_lists(session, tables, ref.id)
    entries: list[AuditEntry] = []
    for field, value in edits:
        before = stored_projection(field, columns, lists)
        after = proposed_projection(field, value)
        if is_unchanged(ref.entity, field, before, after):
            continue
        await _write_value(session, tables, ref, row, field, value)
        entries.append(AuditEntry(field.key, before, after))
    await record_changes(session, audit_context(ref, user_id), entries, now=now)
    return [entry.field for entry in entries]


def _columns_of(tables: EntityTables, row: MetadataRow) -> dict[str, Any]:
    return {attr.key: getattr(row, attr.key) for attr in tables.metadata.__mapper__.column_attrs}


async def _write_value(
    session: AsyncSession,
    tables: EntityTables,
    ref: EntityRef,
    row: MetadataRow,
    field: EditableField,
    value: EditValue,
) -> None:
    if field.key == "alternateTitles":
        await replace_alternate_titles(session, tables, ref.id, titles_of(value))
    elif field.key in ("genres", "tags"):
        # The shared taxonomies: find-or-create by NK, the first casing wins (§1.5).
        spec = catalog_for(ref.entity).field(field.key)
        await replace_taxonomy(session, tables, ref.id, spec, names_of(value))
    else:
        setattr(row, snake_case(field.key), column_form(field, value))
        if field.key == "title":
            row.search_title = compute_search_title(value if isinstance(value, str) else None)


def audit_context(ref: EntityRef, user_id: uuid.UUID) -> AuditContext:
    return AuditContext(
        ref.entity, ref.id, ref.library_id, user_source(user_id), run_id=None, user_id=user_id
    )


def announce(
    runtime: Runtime,
    session: AsyncSession,
    ref: EntityRef,
    fields: Sequence[str],
    *,
    user_id: uuid.UUID,
) -> None:
    """Queue `series.metadata_updated` / `book.metadata_updated` for after the commit."""
    if fields:
        event = metadata_updated_event(ref, fields, source=user_source(user_id), user_id=user_id)
        runtime.bus.publish_after_commit(session, event)


def metadata_updated_event(
    ref: EntityRef, fields: Sequence[str], *, source: str, user_id: uuid.UUID | None
) -> Event:
    """The platform §4.3 event for changed metadata; manual edits carry no run."""
    if ref.entity is Entity.SERIES:
        return entity_event(
            "series.metadata_updated",
            user_id=user_id,
            seriesId=ref.id,
            libraryId=ref.library_id,
            source=source,
            fieldsUpdated=list(fields),
            runId=None,
        )
    return entity_event(
        "book.metadata_updated",
        user_id=user_id,
        bookId=ref.id,
        seriesId=ref.series_id,
        libraryId=ref.library_id,
        source=source,
        fieldsUpdated=list(fields),
    )


# --- locks ---------------------------------------------------------------------------------


async def put_locks(
    db: Database, entity: Entity, entity_id: uuid.UUID, locks: Mapping[str, bool]
) -> dict[str, bool]:
    """Set the given locks only; raise ValidationFailed `unknown lock '<key>'`. Not audited."""
    async with db.write() as session:
        ref = await get_entity(session, entity, entity_id)
        lock_keys = catalog_for(entity).lock_keys
        unknown = [
            FieldError(key, f"unknown lock '{key}'") for key in locks if key not in lock_keys
        ]
        if unknown:
            raise ValidationFailed(unknown)
        row = await get_metadata_row(session, ref, for_update=True)
        for key, value in locks.items():
            setattr(row, f"{snake_case(key)}_lock", value)
        if locks:
            row.updated_at = utcnow()
        return locks_of(entity, row)


# --- reset ---------------------------------------------------------------------------------


def _reset_fields(entity: Entity, keys: Sequence[str] | None) -> list[EditableField]:
    if keys is None:
        return list(editable_fields(entity))
    fields = []
    for index, key in enumerate(keys):
        field = find_editable(entity, key)
        if field is None:
            raise ValidationFailed(FieldError(f"fields[{index}]", f"unknown field '{key}'"))
        fields.append(field)
    return [field for field in editable_fields(entity) if field in fields]


def _reset_value(ref: EntityRef, field: EditableField) -> EditValue:
    # A series title cannot be empty; it goes back to the folder name (§7.4).
    if ref.entity is Entity.SERIES and field.key == "title":
        return ref.series_name
    return None


async def reset_metadata(
    runtime: Runtime,
    entity: Entity,
    entity_id: uuid.UUID,
    keys: Sequence[str] | None,
    *,
    user_id: uuid.UUID,
) -> MetadataDto:
    """Reset the fields (default: every editable key) and clear their locks; audited."""
    async with runtime.db.write() as session:
        ref = await get_entity(session, entity, entity_id)
        fields = _reset_fields(entity, keys)
        row = await get_metadata_row(session, ref, for_update=True)
        now = utcnow()
        edits = [(field, _reset_value(ref, field)) for field in fields]
        changed = await _write_edits(session, ref, row, edits, user_id=user_id, now=now)
        for field in fields:
            setattr(row, field.lock_column, False)
        if fields:
            row.updated_at = now
        announce(runtime, session, ref, changed, user_id=user_id)
        return await build_metadata_dto(session, tables_for(entity), row)
