"""Fetch metadata for one series or book from a plugin (metadata §8): search, preview, apply.

Every use case resolves its target in the spec's order (entity, plugin, disabled, scope), calls
the plugin through this process's shared host and limiter with no transaction open, and only
then hands the payload to the applier, which owns its own transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeVar

from sqlalchemy import select

from colophon.errors import FieldError, NotFound, ValidationFailed
from colophon.library.models import Book
from colophon.metadata.apply import (
    ApplyingPlugin,
    apply_book_metadata,
    apply_series_metadata,
    plan_metadata_update,
)
from colophon.metadata.catalog import Entity, validate_field_filter
from colophon.metadata.covers import CoverStore
from colophon.metadata.editing import EntityRef, get_entity, metadata_updated_event
from colophon.metadata.fetch_schemas import (
    ApplyResponse,
    ChangeDto,
    SearchResponse,
    SearchResultDto,
    SkippedDto,
)
from colophon.metadata.models import BookMetadata, SeriesMetadata
from colophon.metadata.payloads import NormalisedPayload
from colophon.metadata.permissions import PluginPermissions
from colophon.metadata.plan import ApplyPlan, ApplyResult
from colophon.metadata.search_results import SearchPage
from colophon.plugins import metadata_calls
from colophon.plugins.actions import INTERACTIVE_MAX_WAIT_S, interactive_timeout_s
from colophon.plugins.errors import PluginError, PluginNotFound, PluginUnavailable
from colophon.plugins.host import PluginHost
from colophon.plugins.qualification import Scope
from colophon.plugins.records import PLUGIN_NOT_FOUND, PluginRecord
from colophon.plugins.supervisor import PluginSupervisor, supervisor_of
from colophon.runtime import Runtime
from colophon.tasks.events import entity_event

T = TypeVar("T")
MIN_LIMIT, MAX_LIMIT = 1, 50
DETAIL_SCOPES = {Entity.SERIES: Scope.SERIES_DETAIL, Entity.BOOK: Scope.BOOK_DETAIL}


@dataclass(frozen=True, slots=True)
class FetchTarget:
    """The entity and the plugin of one fetch request, both checked."""

    runtime: Runtime
    ref: EntityRef
    record: PluginRecord
    host: PluginHost
    supervisor: PluginSupervisor
    max_wait_s: float = INTERACTIVE_MAX_WAIT_S  # background callers wait longer (plugins §4.4)

    @property
    def plugin(self) -> ApplyingPlugin:
        return ApplyingPlugin(
            self.record.name, PluginPermissions.from_stored(self.record.permissions)
        )

    async def call(self, work: Awaitable[T]) -> T:
        """Await a plugin call; on failure let the health writes land before answering."""
        try:
            return await work
        except PluginError:
            await self.supervisor.flush()
            raise

    @property
    def limits(self) -> dict[str, float]:
        return {"timeout_s": interactive_timeout_s(self.record), "max_wait_s": self.max_wait_s}


async def fetch_target(
    runtime: Runtime,
    entity: Entity,
    entity_id: uuid.UUID,
    plugin_id: uuid.UUID,
    *,
    max_wait_s: float = INTERACTIVE_MAX_WAIT_S,
) -> FetchTarget:
    """Resolve entity (404), plugin (404), disabled (400) and scope (400), in that order."""
    async with runtime.db.read() as session:
        ref = await get_entity(session, entity, entity_id)
    supervisor = supervisor_of(runtime)
    try:
        record = await supervisor.record(plugin_id)
    except PluginUnavailable:
        raise NotFound(PLUGIN_NOT_FOUND) from None
    if not record.enabled:
        raise ValidationFailed(FieldError("pluginId", f"plugin '{record.name}' is disabled"))
    scope = DETAIL_SCOPES[entity]
    if not record.qualifies(scope, ref.library_id):
        message = f"plugin '{record.name}' is not available for {scope.value} in this library"
        raise ValidationFailed(FieldError("pluginId", message))
    host = await supervisor.host(record)
    return FetchTarget(runtime, ref, record, host, supervisor, max_wait_s)


def check_limit(limit: int) -> int:
    """1..50, else 400 `limit must be between 1 and 50`."""
    if not MIN_LIMIT <= limit <= MAX_LIMIT:
        raise ValidationFailed(FieldError("limit", "limit must be between 1 and 50"))
    return limit


def _search_response(
    target: FetchTarget, page: SearchPage, query: str | None, isbn: str | None = None
) -> SearchResponse:
    return SearchResponse(
        plugin_id=target.record.id,
        query=query,
        isbn=isbn,
        results=[SearchResultDto.of(result) for result in page.results],
        next_cursor=page.next_cursor,
    )


# --- search --------------------------------------------------------------------------------


async def series_title(runtime: Runtime, series_id: uuid.UUID) -> str:
    """The series' current title, the default search query."""
    async with runtime.db.read() as session:
        title = await session.scalar(
            select(SeriesMetadata.title).where(SeriesMetadata.series_id == series_id)
        )
    if title is None:
        raise NotFound("series not found")
    return title


def series_query(requested: str | None, default: str) -> str:
    """The query sent: the body's, else the series title; a blank one is a 400."""
    if requested is None:
        return default
    if not requested.strip():
        raise ValidationFailed(FieldError("query", "query must not be empty"))
    return requested.strip()


async def search_series(
    target: FetchTarget, *, query: str | None, limit: int, cursor: str | None
) -> tuple[str, SearchPage]:
    """`metadata/series/search` with the default query; the query sent and the page."""
    sent = series_query(query, await series_title(target.runtime, target.ref.id))
    page = await target.call(
        metadata_calls.search_series(
            target.host, sent, limit=check_limit(limit), cursor=cursor, **target.limits
        )
    )
    return sent, page


async def series_search_response(
    target: FetchTarget, *, query: str | None, limit: int, cursor: str | None
) -> SearchResponse:
    """The §8.1 series body."""
    sent, page = await search_series(target, query=query, limit=limit, cursor=cursor)
    return _search_response(target, page, sent)


@dataclass(frozen=True, slots=True)
class BookQuery:
    """What a book search sends: an ISBN, a query, or both."""

    isbn: str | None
    query: str | None


async def book_defaults(runtime: Runtime, book_id: uuid.UUID) -> BookQuery:
    """The book's first stored ISBN, else its title (or file stem) as the query."""
    async with runtime.db.read() as session:
        found = (
            await session.execute(
                select(BookMetadata.isbns, BookMetadata.title, Book.file_name)
                .join(Book, Book.id == BookMetadata.book_id)
                .where(BookMetadata.book_id == book_id)
            )
        ).first()
    if found is None:
        raise NotFound("book not found")
    isbns = [str(value) for value in found.isbns or [] if value]
    if isbns:
        return BookQuery(isbn=isbns[0], query=None)
    return BookQuery(isbn=None, query=found.title or PurePath(found.file_name).stem)


def requested_book_query(isbn: str | None, query: str | None) -> BookQuery | None:
    """The body's ISBN and query; None when neither was sent; 400 when all sent are blank."""
    if isbn is None and query is None:
        return None
    isbn, query = (isbn or "").strip() or None, (query or "").strip() or None
    if isbn is None and query is None:
        raise ValidationFailed(FieldError("query", "either 'isbn' or 'query' must be provided"))
    return BookQuery(isbn=isbn, query=query)


async def search_books(
    target: FetchTarget,
    wanted: BookQuery | None,
    *,
    author: str | None = None,
    year: int | None = None,
    limit: int = 10,
    cursor: str | None = None,
) -> tuple[BookQuery, SearchPage]:
    """`metadata/book/search` with the book's defaults when nothing was asked for."""
    sent = wanted or await book_defaults(target.runtime, target.ref.id)
    page = await target.call(
        metadata_calls.search_books(
            target.host,
            isbn=sent.isbn,
            query=sent.query,
            author=author,
            year=year,
            limit=check_limit(limit),
            cursor=cursor,
            **target.limits,
        )
    )
    return sent, page


async def book_search_response(
    target: FetchTarget,
    wanted: BookQuery | None,
    *,
    author: str | None,
    year: int | None,
    limit: int,
    cursor: str | None,
) -> SearchResponse:
    """The §8.1 book body."""
    sent, page = await search_books(
        target, wanted, author=author, year=year, limit=limit, cursor=cursor
    )
    return _search_response(target, page, sent.query, sent.isbn)


# --- get, preview, apply -----------------------------------------------------------------


async def get_payload(target: FetchTarget, external_id: str) -> NormalisedPayload:
    """`metadata/*/get`; a -32002 names the entry (metadata §8's 404 message)."""
    get = (
        metadata_calls.get_series if target.ref.entity is Entity.SERIES else metadata_calls.get_book
    )
    try:
        return await target.call(get(target.host, external_id, **target.limits))
    except PluginNotFound as exc:
        name = target.record.name
        raise PluginNotFound(name, f"plugin '{name}' has no entry '{external_id}'") from exc


async def plan_preview(
    target: FetchTarget, external_id: str, fields: list[str] | None
) -> tuple[NormalisedPayload, ApplyPlan]:
    """The dry-run plan of a fetched payload: no writes, no downloads (§8.2)."""
    field_filter = validate_field_filter(target.ref.entity, fields)
    payload = await get_payload(target, external_id)
    plan = await plan_metadata_update(
        target.runtime.db,
        target.ref.entity,
        target.ref.id,
        target.plugin,
        payload,
        fields=field_filter,
    )
    return payload, plan


async def apply_fetched(
    target: FetchTarget,
    external_id: str,
    fields: list[str] | None,
    *,
    dry_run: bool,
    user_id: uuid.UUID | None,
) -> ApplyResponse:
    """Fetch and apply (§8.3): provenance `plugin:<name>` stored by the applier on a real run."""
    field_filter = validate_field_filter(target.ref.entity, fields)
    payload = await get_payload(target, external_id)
    result = await _apply(target, payload, field_filter, dry_run=dry_run, user_id=user_id)
    if not dry_run:
        await announce_apply(target, result, user_id=user_id)
    return ApplyResponse(
        plugin_id=target.record.id,
        external_id=payload.external_id,
        external_url=payload.external_url,
        dry_run=dry_run,
        applied=list(result.applied),
        unchanged=list(result.unchanged),
        skipped=[SkippedDto(field=s.field, reason=s.reason) for s in result.skipped],
        changes=[ChangeDto(field=c.field, before=c.before, after=c.after) for c in result.changes],
    )


async def _apply(
    target: FetchTarget,
    payload: NormalisedPayload,
    fields: frozenset[str] | None,
    *,
    dry_run: bool,
    user_id: uuid.UUID | None,
) -> ApplyResult:
    runtime, ref = target.runtime, target.ref
    apply = apply_series_metadata if ref.entity is Entity.SERIES else apply_book_metadata
    return await apply(
        runtime.db,
        ref.id,
        target.plugin,
        payload,
        fields=fields,
        dry_run=dry_run,
        user_id=user_id,
        covers=CoverStore(runtime.settings.data_path),
    )


async def announce_apply(
    target: FetchTarget, result: ApplyResult, *, user_id: uuid.UUID | None
) -> None:
    """The caller's events after a real apply (§4.9 step 7): metadata and cover changes."""
    bus, ref = target.runtime.bus, target.ref
    if result.applied:
        source = target.plugin.source
        await bus.publish(
            metadata_updated_event(ref, result.applied, source=source, user_id=user_id)
        )
    if result.cover_selection_changed:
        await bus.publish(
            entity_event(
                "cover.updated",
                user_id=user_id,
                entityType=ref.entity.value,
                entityId=ref.id,
                libraryId=ref.library_id,
            )
        )
