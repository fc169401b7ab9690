"""HTTP routes of covers (platform §8.2 point 6), installed for series and for books alike."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import FileResponse

from colophon.auth.deps import allowed
from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.library import covers
from colophon.library.cover_schemas import CoverDto, CoverList, SelectCover
from colophon.metadata.catalog import Entity
from colophon.metadata.covers import MAX_COVER_BYTES
from colophon.runtime import RuntimeDep

router = APIRouter(tags=["covers"])


def _send(cover: covers.CoverFile) -> FileResponse:
    # The shown cover changes with the selection and with the book file: always revalidate.
    return FileResponse(
        cover.path, media_type=cover.media_type, headers={"Cache-Control": "no-cache"}
    )


def _install(entity: Entity, plural: str, *, read: Permission, write: Permission) -> None:
    base = f"/{plural}/{{id}}"
    entity_path = Path(alias="id")
    can_read = Depends(allowed(read))
    can_write = Depends(allowed(write))

    @router.get(f"{base}/cover", response_class=FileResponse)
    async def get_cover(
        runtime: RuntimeDep,
        size: Literal["thumb"] | None = None,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_read,
    ) -> FileResponse:
        if size == "thumb":
            return _send(await covers.get_cover_thumbnail(runtime, entity, entity_id))
        return _send(await covers.get_cover_image(runtime, entity, entity_id))

    @router.get(f"{base}/covers")
    async def list_covers(
        runtime: RuntimeDep, entity_id: uuid.UUID = entity_path, principal: Principal = can_read
    ) -> CoverList:
        return await covers.list_covers(runtime, entity, entity_id)

    @router.get(f"{base}/covers/{{cover_id}}", response_class=FileResponse)
    async def get_stored_cover(
        cover_id: uuid.UUID,
        runtime: RuntimeDep,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_read,
    ) -> FileResponse:
        return _send(await covers.get_stored_cover(runtime, entity, entity_id, cover_id))

    @router.put(f"{base}/covers/selected")
    async def select_cover(
        body: SelectCover,
        runtime: RuntimeDep,
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_write,
    ) -> CoverList:
        return await covers.select_cover(
            runtime, entity, entity_id, body.cover_id, lock=body.lock, user_id=principal.user_id
        )

    @router.post(f"{base}/covers", status_code=201)
    async def upload_cover(
        runtime: RuntimeDep,
        file: UploadFile = File(),
        lock: bool = Form(True),
        entity_id: uuid.UUID = entity_path,
        principal: Principal = can_write,
    ) -> CoverDto:
        # One byte over the limit is enough to refuse the upload without reading it all.
        data = await file.read(MAX_COVER_BYTES + 1)
        return await covers.upload_cover(
            runtime, entity, entity_id, data, lock=lock, user_id=principal.user_id
        )


_install(Entity.SERIES, "series", read=Permission.SERIES_READ, write=Permission.SERIES_WRITE)
_install(Entity.BOOK, "books", read=Permission.BOOKS_READ, write=Permission.BOOKS_WRITE)
