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

from sqlalchemy import String, and_, case, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

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
    """One series or book of the plan, with its provider id when it has one.

    Ids are kept as the driver returned them (text on SQLite) and become UUIDs on use:
    converting 100 000 ids up front is a third of the planner's time. ``hints`` is set only
    for items without an id, the only ones a match call is made for.
    """

    entity: Entity
    raw_id: object
    raw_series_id: object
    name: str
    external_id: str | None
    last_synced_at: datetime | None
    hints: MatchHints | None = None

    @property
    def entity_id(self) -> uuid.UUID:
        return _uuid(self.raw_id)

    @property
    def series_id(self) -> uuid.UUID:
        return _uuid(self.raw_series_id)

    def match_hints(self) -> MatchHints:
        """What a match call sends; the name alone when the plan carried no hints."""
        return self.hints or MatchHints(title=self.name)


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


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
    series, meta = Series.__table__.c, SeriesMetadata.__table__.c
    id_rows = SeriesExternalId.__table__.alias("ids")
    ids = id_rows.c
    statement = (
        select(
            type_coerce(series.id, String).label("id"),
            series.name,
            meta.title,
            meta.title_sort,
            meta.year,
            # Match hints matter only for items without an id (re-match): skip decoding the
            # authors JSON of every other row (100 000 series must plan in about a second).
            case((ids.external_id.is_(None), meta.authors), else_=None).label("authors"),
            ids.external_id,
            ids.last_synced_at,
        )
        .select_from(Series.__table__)
        .outerjoin(SeriesMetadata.__table__, meta.series_id == series.id)
        .outerjoin(id_rows, and_(ids.series_id == series.id, ids.source == source))
        .where(series.library_id == library_id, series.deleted_at.is_(None))
    )
    return (await session.execute(statement)).all()


async def _book_rows(session: AsyncSession, library_id: uuid.UUID, source: str) -> Sequence[Any]:
    book, meta = Book.__table__.c, BookMetadata.__table__.c
    series = Series.__table__.c
    series_meta_rows = SeriesMetadata.__table__.alias("series_meta")
    series_meta = series_meta_rows.c
    id_rows = BookExternalId.__table__.alias("ids")
    ids = id_rows.c
    unidentified = ids.external_id.is_(None)
    statement = (
        select(
            type_coerce(book.id, String).label("id"),
            type_coerce(book.series_id, String).label("series_id"),
            book.file_name,
            meta.title,
            meta.title_sort,
            meta.year,
            case((unidentified, meta.authors), else_=None).label("authors"),
            case((unidentified, meta.isbns), else_=None).label("isbns"),
            meta.publisher,
            series.name.label("series_name"),
            series_meta.title.label("series_title"),
            series_meta.title_sort.label("series_title_sort"),
            ids.external_id,
            ids.last_synced_at,
        )
        .select_from(Book.__table__)
        .join(Series.__table__, series.id == book.series_id)
        .outerjoin(series_meta_rows, series_meta.series_id == book.series_id)
        .outerjoin(BookMetadata.__table__, meta.book_id == book.id)
        .outerjoin(id_rows, and_(ids.book_id == book.id, ids.source == source))
        .where(book.library_id == library_id, book.deleted_at.is_(None))
    )
    return (await session.execute(statement)).all()


def _series_key(title_sort: str | None, title: str, entity_id: object) -> tuple[str, str, str]:
    sort = title_sort if title_sort else title
    return (sort.casefold(), title.casefold(), str(entity_id))


def _series_item(row: Any) -> tuple[tuple[str, str, str], ItemRef]:
    (series_id, name, title, title_sort, year, authors, external_id, synced) = row
    title = title or name
    hints = None
    if external_id is None:
        hints = MatchHints(title=title, year=year, authors=_author_names(authors)[:1])
    item = ItemRef(Entity.SERIES, series_id, series_id, title, external_id, synced, hints)
    return _series_key(title_sort, title, series_id), item


def _book_item(row: Any) -> tuple[tuple[str, str], ItemRef]:
    stem = PurePosixPath(row.file_name).stem
    title = row.title or stem
    sort = row.title_sort or row.title or stem
    hints = None
    if row.external_id is None:
        isbns = row.isbns or []
        hints = MatchHints(
            title=title,
            year=row.year,
            authors=_author_names(row.authors),
            isbn=str(isbns[0]) if isbns else None,
            publisher=row.publisher,
        )
    item = ItemRef(
        Entity.BOOK, row.id, row.series_id, title, row.external_id, row.last_synced_at, hints
    )
    return (sort.casefold(), str(row.id)), item


def _author_names(authors: Any) -> tuple[str, ...]:
    if not isinstance(authors, list):
        return ()
    names = (entry.get("name") if isinstance(entry, dict) else entry for entry in authors)
    return tuple(name for name in names if isinstance(name, str) and name)
