"""Manual edits of external ids (metadata §7.4): PUT upserts one source, DELETE removes it.

A user may set any source matching §1.3, `plugin:<name>` included, to fix a wrong match; a user
write clears `last_synced_at`. Each edit is audited as field `externalIds` (§6.1).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.errors import FieldError, NotFound, ValidationFailed
from colophon.metadata.audit import AuditEntry, record_changes
from colophon.metadata.catalog import Entity
from colophon.metadata.editing import (
    EntityRef,
    announce,
    audit_context,
    get_entity,
    get_metadata_row,
)
from colophon.metadata.entity_tables import EntityTables, tables_for
from colophon.metadata.field_rules import InvalidValue, find_http_url, parse_text
from colophon.metadata.metadata_view import MetadataRow, build_metadata_dto
from colophon.metadata.models import BookExternalId, SeriesExternalId
from colophon.metadata.schemas import MetadataDto
from colophon.runtime import Runtime
from colophon.wire import JsonValue

EXTERNAL_ID_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,99}$")  # metadata §1.3
MAX_EXTERNAL_ID_CHARS = 500

ExternalIdRow = SeriesExternalId | BookExternalId


async def _find_external_id(
    session: AsyncSession, tables: EntityTables, entity_id: uuid.UUID, source: str
) -> ExternalIdRow | None:
    model = tables.external_ids
    row = await session.scalar(
        select(model).where(tables.key_of(model) == entity_id, model.source == source)
    )
    return cast(ExternalIdRow | None, row)


@dataclass(frozen=True, slots=True)
class ExternalIdEdit:
    """A checked `PUT …/external-ids/{source}` body."""

    source: str
    external_id: str
    external_url: str | None


def check_external_id(source: str, external_id: str, external_url: str | None) -> ExternalIdEdit:
    """Validate the source (§1.3), the id (NT, 1–500) and the URL; raise ValidationFailed."""
    if not EXTERNAL_ID_SOURCE.match(source):
        raise ValidationFailed(FieldError("path.source", f"invalid external id source '{source}'"))
    try:
        clean_id = parse_text(external_id, max_chars=MAX_EXTERNAL_ID_CHARS)
    except InvalidValue as exc:
        raise ValidationFailed(_invalid("externalId", exc.detail)) from None
    if clean_id is None:
        raise ValidationFailed(_invalid("externalId", "must not be empty"))
    url = None
    if external_url is not None and external_url.strip():
        url = find_http_url(external_url)
        if url is None:
            raise ValidationFailed(_invalid("externalUrl", f"invalid URL '{external_url}'"))
    return ExternalIdEdit(source, clean_id, url)


def _invalid(key: str, detail: str) -> FieldError:
    return FieldError(key, f"invalid value for '{key}': {detail}")


def _id_projection(source: str, external_id: str | None) -> list[JsonValue]:
    """The by-source projection of one id (§4.3): `[]` when the source has no row."""
    return [] if external_id is None else [{"source": source, "externalId": external_id}]


async def put_external_id(
    runtime: Runtime,
    entity: Entity,
    entity_id: uuid.UUID,
    source: str,
    external_id: str,
    external_url: str | None,
    *,
    user_id: uuid.UUID,
) -> MetadataDto:
    """Upsert one id; a user write clears `last_synced_at`. Audited as `externalIds`.

    Raise NotFound for a missing entity, then ValidationFailed for a bad source, id or URL.
    """
    tables = tables_for(entity)
    model = tables.external_ids
    async with runtime.db.write() as session:
        ref = await get_entity(session, entity, entity_id)
        edit = check_external_id(source, external_id, external_url)
        metadata_row = await get_metadata_row(session, ref, for_update=True)
        row = await _find_external_id(session, tables, entity_id, edit.source)
        before_id = None if row is None else row.external_id
        if row is None:
            row = model(**{tables.key: entity_id}, source=edit.source, external_id=edit.external_id)
            session.add(row)
        elif (row.external_id, row.external_url, row.last_synced_at) == (
            edit.external_id,
            edit.external_url,
            None,
        ):
            return await build_metadata_dto(session, tables, metadata_row)
        row.external_id, row.external_url, row.last_synced_at = (
            edit.external_id,
            edit.external_url,
            None,
        )
        await _record_id_change(
            session, runtime, ref, metadata_row, edit.source, before_id, edit.external_id, user_id
        )
        return await build_metadata_dto(session, tables, metadata_row)


async def delete_external_id(
    runtime: Runtime, entity: Entity, entity_id: uuid.UUID, source: str, *, user_id: uuid.UUID
) -> None:
    """Remove one id; raise NotFound `external id not found`. Audited as `externalIds`."""
    tables = tables_for(entity)
    async with runtime.db.write() as session:
        ref = await get_entity(session, entity, entity_id)
        metadata_row = await get_metadata_row(session, ref, for_update=True)
        row = await _find_external_id(session, tables, entity_id, source)
        if row is None:
            raise NotFound("external id not found")
        await session.delete(row)
        await _record_id_change(
            session, runtime, ref, metadata_row, source, row.external_id, None, user_id
        )


async def _record_id_change(
    session: AsyncSession,
    runtime: Runtime,
    ref: EntityRef,
    metadata_row: MetadataRow,
    source: str,
    before_id: str | None,
    after_id: str | None,
    user_id: uuid.UUID,
) -> None:
    now = utcnow()
    entry = AuditEntry(
        "externalIds", _id_projection(source, before_id), _id_projection(source, after_id)
    )
    await record_changes(session, audit_context(ref, user_id), [entry], now=now)
    metadata_row.updated_at = now  # related-table writes bump the metadata row (§1.2)
    announce(runtime, session, ref, ["externalIds"], user_id=user_id)
