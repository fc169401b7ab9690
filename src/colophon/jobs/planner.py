"""The planner: which items a refresh processes, in which order, and which it skips (§6).

Two statements whatever the library size (PLAN-2): one for series, one for books, each
left-joined to the provider's external-id row. Order and skip rules are decided in Python.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from colophon.jobs.job_types import RefreshConfig
from colophon.jobs.validation import ProviderPlugin
from colophon.library.models import Book, Series
from colophon.metadata.catalog import Entity
from colophon.metadata.models import BookExternalId, BookMetadata, SeriesExternalId, SeriesMetadata


class PlanFailure(StrEnum):
    """Why a run cannot plan at all (PLAN-1, PLAN-7)."""

    INVALID_PROVIDER = "invalid_provider"
    PLUGIN_MISSING = "plugin_missing"
    PLUGIN_DISABLED = "plugin_disabled"
    SCOPE_NOT_SUPPORTED = "scope_not_supported"


class SkipReason(StrEnum):
    """Why an item is not refreshed (PLAN-7)."""

    NO_EXTERNAL_ID = "no_external_id"
    RECENTLY_SYNCED = "recently_synced"
    NO_MATCH_CANDIDATE = "no_match_candidate"
    LOW_CONFIDENCE = "low_confidence"


@dataclass(frozen=True, slots=True)
class MatchHints:
    """What a match call sends (RUN-7): title, and year/author(s)/isbn/publisher when known."""

    title: str
    year: int | None = None
    authors: tuple[str, ...] = ()
    isbn: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class ItemRef:
    """One series or book of the plan, with its provider id when it has one."""

    entity: Entity
    entity_id: uuid.UUID
    series_id: uuid.UUID
    name: str
    external_id: str | None
    last_synced_at: datetime | None
    hints: MatchHints


@dataclass(frozen=True, slots=True)
class SkippedItem:
    item: ItemRef
    reason: SkipReason


@dataclass(frozen=True, slots=True)
class Plan:
    """Planned and skipped items in plan order (PLAN-4), or a failure with neither."""

    planned: tuple[ItemRef, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()
    failure: PlanFailure | None = None

    def skipped_count(self, reason: SkipReason) -> int:
        return sum(1 for skip in self.skipped if skip.reason is reason)


def provider_failure(
    config: RefreshConfig, plugin: ProviderPlugin | None, library_id: uuid.UUID
) -> PlanFailure | None:
    """PLAN-1, in its order."""
    if config.plugin_name is None:
        return PlanFailure.INVALID_PROVIDER
    if plugin is None:
        return PlanFailure.PLUGIN_MISSING
    if not plugin.enabled or not plugin.allows_library(library_id):
        return PlanFailure.PLUGIN_DISABLED
    if not plugin.supports(config.scope):
        return PlanFailure.SCOPE_NOT_SUPPORTED
    return None


async def plan_refresh(
    session: AsyncSession,
    library_id: uuid.UUID,
    config: RefreshConfig,
    plugin: ProviderPlugin | None,
    *,
    now: datetime,
) -> Plan:
    """The plan of one run at ``now`` (§6); at most two statements."""
    failure = provider_failure(config, plugin, library_id)
    if failure is not None:
        return Plan(failure=failure)
    source = config.provider
    keyed: list[tuple[tuple[Any, ...], ItemRef]] = []
    if config.scope.writes_series:
        for row in await _series_rows(session, library_id, source):
            key, item = _series_item(row)
            keyed.append(((*key, 0), item))
    if config.scope.writes_books:
        # Each book sorts right after its series (PLAN-4): same series key, then its own.
        for row in await _book_rows(session, library_id, source):
            series_title = row.series_title or row.series_name
            series_key = _series_key(row.series_title_sort, series_title, row.series_id)
            book_key, item = _book_item(row)
            keyed.append(((*series_key, 1, *book_key), item))
    keyed.sort(key=lambda pair: pair[0])
    return _apply_rules([item for _, item in keyed], config, now)


def _apply_rules(items: Sequence[ItemRef], config: RefreshConfig, now: datetime) -> Plan:
    """PLAN-5: strict mode needs an id; the recency guard is inclusive at its boundary."""
    window = config.skip_recently_synced_within_s
    cutoff = now - timedelta(seconds=window)
    planned: list[ItemRef] = []
    skipped: list[SkippedItem] = []
    for item in items:
        if config.existing_source_ids_only and item.external_id is None:
            skipped.append(SkippedItem(item, SkipReason.NO_EXTERNAL_ID))
        elif (
            window > 0
            and item.external_id is not None
            and item.last_synced_at is not None
            and item.last_synced_at >= cutoff
        ):
            skipped.append(SkippedItem(item, SkipReason.RECENTLY_SYNCED))
        else:
            planned.append(item)
    return Plan(tuple(planned), tuple(skipped))


async def _series_rows(session: AsyncSession, library_id: uuid.UUID, source: str) -> Sequence[Any]:
    ids = aliased(SeriesExternalId)
    statement = (
        select(
            Series.id,
            Series.name,
            SeriesMetadata.title,
            SeriesMetadata.title_sort,
            SeriesMetadata.year,
            SeriesMetadata.authors,
            ids.external_id,
            ids.last_synced_at,
        )
        .outerjoin(SeriesMetadata, SeriesMetadata.series_id == Series.id)
        .outerjoin(ids, and_(ids.series_id == Series.id, ids.source == source))
        .where(Series.library_id == library_id, Series.deleted_at.is_(None))
    )
    return (await session.execute(statement)).all()


async def _book_rows(session: AsyncSession, library_id: uuid.UUID, source: str) -> Sequence[Any]:
    ids = aliased(BookExternalId)
    series_meta = aliased(SeriesMetadata)
    statement = (
        select(
            Book.id,
            Book.series_id,
            Book.file_name,
            BookMetadata.title,
            BookMetadata.title_sort,
            BookMetadata.year,
            BookMetadata.authors,
            BookMetadata.isbns,
            BookMetadata.publisher,
            Series.name.label("series_name"),
            series_meta.title.label("series_title"),
            series_meta.title_sort.label("series_title_sort"),
            ids.external_id,
            ids.last_synced_at,
        )
        .join(Series, Series.id == Book.series_id)
        .outerjoin(series_meta, series_meta.series_id == Book.series_id)
        .outerjoin(BookMetadata, BookMetadata.book_id == Book.id)
        .outerjoin(ids, and_(ids.book_id == Book.id, ids.source == source))
        .where(Book.library_id == library_id, Book.deleted_at.is_(None))
    )
    return (await session.execute(statement)).all()


def _series_key(title_sort: str | None, title: str, entity_id: uuid.UUID) -> tuple[str, str, str]:
    sort = title_sort if title_sort else title
    return (sort.casefold(), title.casefold(), str(entity_id))


def _series_item(row: Any) -> tuple[tuple[str, str, str], ItemRef]:
    title = row.title or row.name
    authors = _author_names(row.authors)
    item = ItemRef(
        entity=Entity.SERIES,
        entity_id=row.id,
        series_id=row.id,
        name=title,
        external_id=row.external_id,
        last_synced_at=row.last_synced_at,
        hints=MatchHints(title=title, year=row.year, authors=authors[:1]),
    )
    return _series_key(row.title_sort, title, row.id), item


def _book_item(row: Any) -> tuple[tuple[str, str], ItemRef]:
    stem = PurePosixPath(row.file_name).stem
    title = row.title or stem
    sort = row.title_sort or row.title or stem
    isbns = row.isbns or []
    item = ItemRef(
        entity=Entity.BOOK,
        entity_id=row.id,
        series_id=row.series_id,
        name=title,
        external_id=row.external_id,
        last_synced_at=row.last_synced_at,
        hints=MatchHints(
            title=title,
            year=row.year,
            authors=_author_names(row.authors),
            isbn=str(isbns[0]) if isbns else None,
            publisher=row.publisher,
        ),
    )
    return (sort.casefold(), str(row.id)), item


def _author_names(authors: Any) -> tuple[str, ...]:
    if not isinstance(authors, list):
        return ()
    names = (entry.get("name") if isinstance(entry, dict) else entry for entry in authors)
    return tuple(name for name in names if isinstance(name, str) and name)
