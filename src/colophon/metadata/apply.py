"""The metadata applier (metadata §4): one provider payload onto one series or book.

Plan outside any transaction, download the cover, then re-read, re-plan and write everything
in one transaction. A dry run stops after the first plan: same gates, zero writes, zero
downloads (§4.11). Without a cover to fetch the first plan is skipped: the transaction's plan
is the one that counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.db.database import Database, queue_after_commit
from colophon.errors import NotFound
from colophon.metadata.audit import AuditContext, AuditEntry, plugin_source, record_changes
from colophon.metadata.catalog import Entity, FieldSpec
from colophon.metadata.cover_rows import store_plugin_cover, unreferenced_paths
from colophon.metadata.covers import CoverDownloadFailed, CoverStore, DownloadedCover
from colophon.metadata.entity_tables import BOOK_TABLES, SERIES_TABLES, EntityTables, tables_for
from colophon.metadata.payloads import NormalisedPayload
from colophon.metadata.permissions import PluginPermissions
from colophon.metadata.plan import (
    ApplyPlan,
    ApplyResult,
    FieldStatus,
    cover_failed_reason,
    plan_apply,
)
from colophon.metadata.state import EntityState, StoredExternalId, read_state
from colophon.metadata.values import (
    AlternateTitle,
    ExternalId,
    ExternalLink,
    ExternalRating,
    FieldValue,
)
from colophon.metadata.writes import (
    column_value,
    column_values,
    replace_alternate_titles,
    replace_taxonomy,
    update_metadata_row,
    upsert_external_ids,
    upsert_links,
    upsert_ratings,
)

COVER_CHANGED_DURING_APPLY = "changed during apply"
Download = DownloadedCover | CoverDownloadFailed | None


@dataclass(frozen=True, slots=True)
class ApplyingPlugin:
    """The plugin row's name and permissions; its writes carry the source `plugin:<name>`."""

    name: str
    permissions: PluginPermissions

    @property
    def source(self) -> str:
        """`plugin:<name>`."""
        return plugin_source(self.name)


async def apply_series_metadata(
    db: Database,
    series_id: uuid.UUID,
    plugin: ApplyingPlugin,
    payload: NormalisedPayload,
    *,
    fields: frozenset[str] | None,
    dry_run: bool,
    run_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    covers: CoverStore | None = None,
) -> ApplyResult:
    """Apply a normalised series payload; raise NotFound `series not found`.

    `covers` is required when the plan may download a cover (a real run including coverUrl).
    """
    item = _Item(SERIES_TABLES, series_id, plugin, payload, fields)
    return await _apply(db, item, dry_run=dry_run, run_id=run_id, user_id=user_id, covers=covers)


async def apply_book_metadata(
    db: Database,
    book_id: uuid.UUID,
    plugin: ApplyingPlugin,
    payload: NormalisedPayload,
    *,
    fields: frozenset[str] | None,
    dry_run: bool,
    run_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    covers: CoverStore | None = None,
) -> ApplyResult:
    """Apply a normalised book payload; raise NotFound `book not found`."""
    item = _Item(BOOK_TABLES, book_id, plugin, payload, fields)
    return await _apply(db, item, dry_run=dry_run, run_id=run_id, user_id=user_id, covers=covers)


async def plan_metadata_update(
    db: Database,
    entity: Entity,
    entity_id: uuid.UUID,
    plugin: ApplyingPlugin,
    payload: NormalisedPayload,
    *,
    fields: frozenset[str] | None,
) -> ApplyPlan:
    """The dry-run plan with every field's status and projections, for the preview (§8.2)."""
    item = _Item(tables_for(entity), entity_id, plugin, payload, fields)
    return await _first_plan(db, item)


@dataclass(frozen=True, slots=True)
class _Item:
    tables: EntityTables
    entity_id: uuid.UUID
    plugin: ApplyingPlugin
    payload: NormalisedPayload
    fields: frozenset[str] | None

    def plan(self, state: EntityState) -> ApplyPlan:
        catalog, permissions = self.tables.catalog, self.plugin.permissions
        return plan_apply(catalog, state, self.payload, permissions, fields=self.fields)

    @property
    def offers_cover(self) -> bool:
        """True when the payload brings a cover the filter lets through."""
        in_filter = self.fields is None or "coverUrl" in self.fields
        return in_filter and "coverUrl" in self.payload.values

    def not_found(self) -> NotFound:
        return NotFound(f"{self.tables.entity.value} not found")


async def _first_plan(db: Database, item: _Item) -> ApplyPlan:
    async with db.read() as session:
        state = await read_state(
            session, item.tables, item.entity_id, cover_source=item.plugin.source
        )
    if state is None:
        raise item.not_found()
    return item.plan(state)


async def _apply(
    db: Database,
    item: _Item,
    *,
    dry_run: bool,
    run_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    covers: CoverStore | None,
) -> ApplyResult:
    if dry_run:
        return (await _first_plan(db, item)).result()
    # The first plan only decides whether to download a cover before the transaction opens.
    download = (
        await _download_cover(await _first_plan(db, item), covers) if item.offers_cover else None
    )
    writer = _Writer(db, item, covers, download)
    try:
        async with db.write() as session:
            return await writer.write(session, run_id=run_id, user_id=user_id)
    except BaseException:
        await writer.discard_created_files()  # the rollback left no row pointing at them
        raise


async def _download_cover(plan: ApplyPlan, covers: CoverStore | None) -> Download:
    decision = plan.decision("coverUrl")
    if decision is None or decision.status is not FieldStatus.APPLIED:
        return None
    if covers is None:
        raise ValueError("a CoverStore is required to apply coverUrl")
    try:
        return await covers.download(str(decision.value))
    except CoverDownloadFailed as failure:
        return failure


def settle_cover(plan: ApplyPlan, download: Download) -> ApplyPlan:
    """Use the download only for the URL the second plan still applies (§4.9 step 5)."""
    decision = plan.decision("coverUrl")
    if decision is None or decision.status is not FieldStatus.APPLIED:
        return plan
    if isinstance(download, CoverDownloadFailed):
        return plan.with_skip("coverUrl", cover_failed_reason(download.detail))
    if download is None or download.url != decision.value:
        return plan.with_skip("coverUrl", cover_failed_reason(COVER_CHANGED_DURING_APPLY))
    return plan


class _Writer:
    """Performs one item's plan inside its transaction and remembers the files it created."""

    def __init__(
        self, db: Database, item: _Item, covers: CoverStore | None, download: Download
    ) -> None:
        self.db, self.item, self.covers, self.download = db, item, covers, download
        self.created_files: list[str] = []

    async def write(
        self, session: AsyncSession, *, run_id: uuid.UUID | None, user_id: uuid.UUID | None
    ) -> ApplyResult:
        item, now = self.item, utcnow()
        # Re-plan under the row lock: a lock set or a value changed since the first plan wins.
        state = await read_state(
            session, item.tables, item.entity_id, cover_source=item.plugin.source, for_update=True
        )
        if state is None:
            raise item.not_found()
        plan = settle_cover(item.plan(state), self.download)
        writes = _RowWrites()
        selection_changed = False
        for decision in plan.applied:
            if decision.field == "coverUrl":
                selection_changed = await self._store_cover(
                    session, select_it=not plan.cover_locked
                )
            else:
                spec = item.tables.catalog.field(decision.field)
                await writes.add(session, item.tables, state, spec, decision.value)
        await writes.flush(session, item, state, now=now)
        result = plan.result(cover_selection_changed=selection_changed)
        context = AuditContext(
            item.tables.entity,
            item.entity_id,
            state.library_id,
            item.plugin.source,
            run_id,
            user_id,
        )
        entries = [AuditEntry(c.field, c.before, c.after) for c in result.changes]
        await record_changes(session, context, entries, now=now)
        return result

    async def _store_cover(self, session: AsyncSession, *, select_it: bool) -> bool:
        cover, covers = self.download, self.covers
        if not isinstance(cover, DownloadedCover) or covers is None:
            raise ValueError("settle_cover lets only a downloaded cover through")
        item = self.item
        path = covers.relative_path(item.tables.cover_dir, item.entity_id, cover)
        if await covers.write_file(path, cover.data):
            self.created_files.append(path)
        stored = await store_plugin_cover(
            session,
            item.tables,
            item.entity_id,
            source=item.plugin.source,
            cover=cover,
            path=path,
            select_it=select_it,
        )
        if stored.released_paths:
            queue_after_commit(session, self._cleanup(stored.released_paths))
        return stored.selection_changed

    def _cleanup(self, paths: tuple[str, ...]) -> Callable[[], Awaitable[None]]:
        async def delete_orphans() -> None:
            covers = self.covers
            if covers is None:
                return
            async with self.db.read() as session:
                orphans = await unreferenced_paths(session, self.item.tables, paths)
            for path in orphans:
                await covers.delete_file(path)

        return delete_orphans

    async def discard_created_files(self) -> None:
        if self.covers is not None:
            for path in self.created_files:
                await self.covers.delete_file(path)


@dataclass
class _RowWrites:
    """One item's applied values, gathered so each table is written with as few statements as
    possible: every column in one UPDATE, each by-source table in one upsert."""

    columns: dict[str, Any] = field(default_factory=dict)
    external_ids: list[ExternalId] = field(default_factory=list)
    links: list[ExternalLink] = field(default_factory=list)
    ratings: list[ExternalRating] = field(default_factory=list)

    async def add(
        self,
        session: AsyncSession,
        tables: EntityTables,
        state: EntityState,
        spec: FieldSpec,
        value: FieldValue | None,
    ) -> None:
        """Queue one applied field; replace lists (their own tables) are written at once."""
        entries = value if isinstance(value, tuple) else (value,)
        if spec.column is not None:
            self.columns.update(column_values(spec, column_value(value)))
        elif spec.key in ("genres", "tags"):
            names = [str(v) for v in entries]
            await replace_taxonomy(session, tables, state.entity_id, spec, names)
        elif spec.key == "alternateTitles":
            titles = [v for v in entries if isinstance(v, AlternateTitle)]
            await replace_alternate_titles(session, tables, state.entity_id, titles)
        elif spec.key == "externalIds":
            self.external_ids += [v for v in entries if isinstance(v, ExternalId)]
        elif spec.key == "externalLinks":
            self.links += [v for v in entries if isinstance(v, ExternalLink)]
        elif spec.key in ("rating", "externalRatings"):
            self.ratings += [v for v in entries if isinstance(v, ExternalRating)]
        else:
            raise ValueError(f"the applier cannot write {spec.key}")

    async def flush(
        self, session: AsyncSession, item: _Item, state: EntityState, *, now: datetime
    ) -> None:
        """Write the queued values, the match's provenance id and `updated_at`."""
        tables, entity_id = item.tables, item.entity_id
        await update_metadata_row(session, tables, entity_id, self.columns, now=now)
        if self.links:
            await upsert_links(session, tables, entity_id, state.links, self.links)
        if self.ratings:
            await upsert_ratings(session, tables, entity_id, state.ratings, self.ratings, now=now)
        match = StoredExternalId(item.payload.external_id, item.payload.external_url)
        await upsert_external_ids(
            session,
            tables,
            entity_id,
            state.external_ids,
            self.external_ids,
            match_source=item.plugin.source,
            match=match,
            now=now,
        )
