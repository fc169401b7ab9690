"""HTTP routes of fetch metadata (metadata §8) and library auto-match (platform §3.9)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from colophon.auth.deps import CanWriteBooks, CanWriteSeries
from colophon.metadata import fetch
from colophon.metadata.auto_match import auto_match
from colophon.metadata.auto_match_task import start_library_auto_match
from colophon.metadata.catalog import Entity
from colophon.metadata.fetch_schemas import (
    ApplyBody,
    ApplyResponse,
    AutoMatchBody,
    AutoMatchResponse,
    BookSearchBody,
    LibraryAutoMatchBody,
    PreviewBody,
    PreviewResponse,
    SearchResponse,
    SeriesSearchBody,
    TaskAccepted,
)
from colophon.metadata.preview import preview_response
from colophon.runtime import Runtime, RuntimeDep

router = APIRouter(tags=["fetch metadata"])


async def _preview(
    runtime: Runtime, entity: Entity, entity_id: uuid.UUID, body: PreviewBody
) -> PreviewResponse:
    target = await fetch.fetch_target(runtime, entity, entity_id, body.plugin_id)
    payload, plan = await fetch.plan_preview(target, body.external_id, body.fields)
    return preview_response(target.record.id, payload, plan)


async def _apply(
    runtime: Runtime, entity: Entity, entity_id: uuid.UUID, body: ApplyBody, user_id: uuid.UUID
) -> ApplyResponse:
    target = await fetch.fetch_target(runtime, entity, entity_id, body.plugin_id)
    return await fetch.apply_fetched(
        target, body.external_id, body.fields, dry_run=body.dry_run, user_id=user_id
    )


async def _auto_match(
    runtime: Runtime, entity: Entity, entity_id: uuid.UUID, body: AutoMatchBody, user_id: uuid.UUID
) -> AutoMatchResponse:
    target = await fetch.fetch_target(runtime, entity, entity_id, body.plugin_id)
    threshold = runtime.settings.metadata.auto_match_threshold
    return await auto_match(
        target, query=body.query, threshold=threshold, dry_run=body.dry_run, user_id=user_id
    )


# --- series ----------------------------------------------------------------------------------


@router.post("/series/{series_id}/metadata/search")
async def search_series(
    series_id: uuid.UUID, body: SeriesSearchBody, principal: CanWriteSeries, runtime: RuntimeDep
) -> SearchResponse:
    target = await fetch.fetch_target(runtime, Entity.SERIES, series_id, body.plugin_id)
    return await fetch.series_search_response(
        target, query=body.query, limit=body.limit, cursor=body.cursor
    )


@router.post("/series/{series_id}/metadata/preview")
async def preview_series(
    series_id: uuid.UUID, body: PreviewBody, principal: CanWriteSeries, runtime: RuntimeDep
) -> PreviewResponse:
    return await _preview(runtime, Entity.SERIES, series_id, body)


@router.post("/series/{series_id}/metadata/apply")
async def apply_series(
    series_id: uuid.UUID, body: ApplyBody, principal: CanWriteSeries, runtime: RuntimeDep
) -> ApplyResponse:
    return await _apply(runtime, Entity.SERIES, series_id, body, principal.user_id)


@router.post("/series/{series_id}/metadata/auto-match")
async def auto_match_series(
    series_id: uuid.UUID, body: AutoMatchBody, principal: CanWriteSeries, runtime: RuntimeDep
) -> AutoMatchResponse:
    return await _auto_match(runtime, Entity.SERIES, series_id, body, principal.user_id)


# --- books -----------------------------------------------------------------------------------


@router.post("/books/{book_id}/metadata/search")
async def search_books(
    book_id: uuid.UUID, body: BookSearchBody, principal: CanWriteBooks, runtime: RuntimeDep
) -> SearchResponse:
    target = await fetch.fetch_target(runtime, Entity.BOOK, book_id, body.plugin_id)
    wanted = fetch.requested_book_query(body.isbn, body.query)
    return await fetch.book_search_response(
        target, wanted, author=body.author, year=body.year, limit=body.limit, cursor=body.cursor
    )


@router.post("/books/{book_id}/metadata/preview")
async def preview_book(
    book_id: uuid.UUID, body: PreviewBody, principal: CanWriteBooks, runtime: RuntimeDep
) -> PreviewResponse:
    return await _preview(runtime, Entity.BOOK, book_id, body)


@router.post("/books/{book_id}/metadata/apply")
async def apply_book(
    book_id: uuid.UUID, body: ApplyBody, principal: CanWriteBooks, runtime: RuntimeDep
) -> ApplyResponse:
    return await _apply(runtime, Entity.BOOK, book_id, body, principal.user_id)


@router.post("/books/{book_id}/metadata/auto-match")
async def auto_match_book(
    book_id: uuid.UUID, body: AutoMatchBody, principal: CanWriteBooks, runtime: RuntimeDep
) -> AutoMatchResponse:
    return await _auto_match(runtime, Entity.BOOK, book_id, body, principal.user_id)


# --- libraries ------------------------------------------------------------------------------


@router.post("/libraries/{library_id}/auto-match", status_code=202)
async def auto_match_library(
    library_id: uuid.UUID,
    body: LibraryAutoMatchBody,
    principal: CanWriteSeries,
    runtime: RuntimeDep,
) -> TaskAccepted:
    return await start_library_auto_match(runtime, principal, library_id, body)
