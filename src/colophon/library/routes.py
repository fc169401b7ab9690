"""HTTP routes: libraries, scans, series and book rows."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from colophon.auth.deps import (
    CanManageLibraries,
    CanReadBooks,
    CanReadLibraries,
    CanReadSeries,
    CanWriteLibraries,
)
from colophon.library import service
from colophon.library.schemas import (
    BookDto,
    BookPage,
    CreatedLibraryDto,
    CreateLibrary,
    LibraryDto,
    LibraryList,
    ScanRequest,
    SeriesDto,
    SeriesPage,
    SeriesSort,
    TaskStartedDto,
    UpdateLibrary,
)
from colophon.pagination import DEFAULT_LIMIT, MAX_LIMIT
from colophon.runtime import RuntimeDep

router = APIRouter(tags=["libraries"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


@router.get("/libraries")
async def list_libraries(principal: CanReadLibraries, runtime: RuntimeDep) -> LibraryList:
    return LibraryList(items=await service.list_libraries(runtime), next_cursor=None)


@router.post("/libraries", status_code=201)
async def create_library(
    body: CreateLibrary, principal: CanManageLibraries, runtime: RuntimeDep
) -> CreatedLibraryDto:
    dto, task_id = await service.create_library(
        runtime, principal, body.name, body.root_path, scan=body.scan
    )
    return CreatedLibraryDto(**dto.model_dump(), scan_task_id=task_id)


@router.get("/libraries/{library_id}")
async def get_library(
    library_id: uuid.UUID, principal: CanReadLibraries, runtime: RuntimeDep
) -> LibraryDto:
    return await service.get_library(runtime, library_id)


@router.patch("/libraries/{library_id}")
async def update_library(
    library_id: uuid.UUID, body: UpdateLibrary, principal: CanWriteLibraries, runtime: RuntimeDep
) -> LibraryDto:
    return await service.update_library(
        runtime, principal, library_id, name=body.name, root_path=body.root_path
    )


@router.delete("/libraries/{library_id}", status_code=204)
async def delete_library(
    library_id: uuid.UUID, principal: CanManageLibraries, runtime: RuntimeDep
) -> None:
    await service.delete_library(runtime, principal, library_id)


@router.post("/libraries/{library_id}/scan", status_code=202)
async def scan_library(
    library_id: uuid.UUID,
    principal: CanWriteLibraries,
    runtime: RuntimeDep,
    body: ScanRequest | None = None,
) -> TaskStartedDto:
    options = body or ScanRequest()
    task_id = await service.start_scan(
        runtime,
        library_id,
        actor=principal.actor,
        full=options.full,
        allow_empty=options.allow_empty,
    )
    return TaskStartedDto(task_id=task_id)


@router.get("/libraries/{library_id}/series")
async def list_series(
    library_id: uuid.UUID,
    principal: CanReadLibraries,
    runtime: RuntimeDep,
    search: str | None = None,
    status: str | None = None,
    provider: str | None = None,
    match: Literal["linked", "unlinked"] | None = None,
    include_deleted: Annotated[bool, Query(alias="includeDeleted")] = False,
    sort: SeriesSort = "title",
    order: Literal["asc", "desc"] = "asc",
    limit: Limit = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> SeriesPage:
    return await service.list_series(
        runtime,
        library_id,
        search=search,
        status=status,
        provider=provider,
        match=match,
        include_deleted=include_deleted,
        sort=sort,
        order=order,
        limit=limit,
        cursor=cursor,
    )


@router.get("/series/{series_id}")
async def get_series(
    series_id: uuid.UUID, principal: CanReadSeries, runtime: RuntimeDep
) -> SeriesDto:
    return await service.get_series(runtime, series_id)


@router.get("/series/{series_id}/books")
async def list_books(
    series_id: uuid.UUID,
    principal: CanReadBooks,
    runtime: RuntimeDep,
    include_deleted: Annotated[bool, Query(alias="includeDeleted")] = False,
    limit: Limit = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> BookPage:
    return await service.list_books(
        runtime, series_id, include_deleted=include_deleted, limit=limit, cursor=cursor
    )


@router.get("/books/{book_id}")
async def get_book(book_id: uuid.UUID, principal: CanReadBooks, runtime: RuntimeDep) -> BookDto:
    return await service.get_book(runtime, book_id)
