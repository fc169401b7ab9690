"""HTTP routes of manual metadata editing (metadata §7) and the entity change history.

Every series route has a book twin under `/books/{id}/…` (§7); one installer registers both, so
the twins cannot drift apart.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import StrictBool

from colophon.auth.deps import allowed
from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.metadata import change_history, editing, external_id_edits
from colophon.metadata.catalog import Entity
from colophon.metadata.schemas import (
    BookMetadataDto,
    MetadataChangePage,
    MetadataDto,
    PatchMetadata,
    PutExternalId,
    ResetMetadata,
    SeriesMetadataDto,
)
from colophon.pagination import DEFAULT_LIMIT, MAX_LIMIT
from colophon.runtime import RuntimeDep

router = APIRouter(tags=["metadata"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
LockMap = dict[str, StrictBool]


def _install(
    entity: Entity,
    plural: str,
    *,
    read: Permission,
    write: Permission,
    dto: type[SeriesMetadataDto] | type[BookMetadataDto],
) -> None:
    base = f"/{plural}/{{id}}"
    entity_path = Path(alias="id")
    can_read = Depends(allowed(read))
    can_write = Depends(allowed(write))

    @router.get(f"{base}/metadata", response_model=dto)
    async def get_metadata(
        runtime: RuntimeDep, entity_id: uuid.UUID = entity_path, principal: Principal = can_read
    ) -> MetadataDto:
        return await editing.get_metadata(runtime.db, entity, entity_id)

    @router.patch(f"{base}/metadata", response_model=dto)
    async def patch_metadata(
        body: PatchMetadata,
        runtime: RuntimeDep,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_write,
    ) -> MetadataDto:
        return await editing.patch_metadata(
            runtime,
            entity,
            entity_id,
            body.field_values(),
            lock=body.lock,
            user_id=principal.user_id,
        )

    @router.get(f"{base}/metadata/locks")
    async def get_locks(
        runtime: RuntimeDep, entity_id: uuid.UUID = entity_path, principal: Principal = can_read
    ) -> dict[str, bool]:
        return await editing.get_locks(runtime.db, entity, entity_id)

    @router.put(f"{base}/metadata/locks")
    async def put_locks(
        runtime: RuntimeDep,
        locks: LockMap = Body(),
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_write,
    ) -> dict[str, bool]:
        return await editing.put_locks(runtime.db, entity, entity_id, locks)

    @router.post(f"{base}/metadata/reset", response_model=dto)
    async def reset_metadata(
        runtime: RuntimeDep,
        body: ResetMetadata | None = None,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_write,
    ) -> MetadataDto:
        fields = None if body is None else body.fields
        return await editing.reset_metadata(
            runtime, entity, entity_id, fields, user_id=principal.user_id
        )

    @router.put(f"{base}/external-ids/{{source}}", response_model=dto)
    async def put_external_id(
        source: str,
        body: PutExternalId,
        runtime: RuntimeDep,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_write,
    ) -> MetadataDto:
        return await external_id_edits.put_external_id(
            runtime,
            entity,
            entity_id,
            source,
            body.external_id,
            body.external_url,
            user_id=principal.user_id,
        )

    @router.delete(f"{base}/external-ids/{{source}}", status_code=204)
    async def delete_external_id(
        source: str,
        runtime: RuntimeDep,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_write,
    ) -> None:
        await external_id_edits.delete_external_id(
            runtime, entity, entity_id, source, user_id=principal.user_id
        )

    @router.get(f"{base}/metadata/changes")
    async def list_changes(
        runtime: RuntimeDep,
        limit: Limit = DEFAULT_LIMIT,
        cursor: str | None = None,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_read,
    ) -> MetadataChangePage:
        return await change_history.list_changes(
            runtime.db, entity, entity_id, limit=limit, cursor=cursor
        )


_install(
    Entity.SERIES,
    "series",
    read=Permission.SERIES_READ,
    write=Permission.SERIES_WRITE,
    dto=SeriesMetadataDto,
)
_install(
    Entity.BOOK,
    "books",
    read=Permission.BOOKS_READ,
    write=Permission.BOOKS_WRITE,
    dto=BookMetadataDto,
)
