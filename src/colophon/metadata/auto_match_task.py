"""Auto-match of a whole library or a selection as an ``auto_match`` task (platform §3.9).

The request checks the library, the plugin and the selection, then queues one task whose
params name the plugin by its registered name. The handler auto-matches item by item, each
with the per-item steps of metadata §8.4, and reports progress.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select

from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.errors import ColophonError, FieldError, NotFound, PermissionDenied, ValidationFailed
from colophon.library.models import Book, Library, Series
from colophon.metadata.auto_match import auto_match
from colophon.metadata.catalog import Entity
from colophon.metadata.fetch import fetch_target
from colophon.metadata.fetch_schemas import LibraryAutoMatchBody, TaskAccepted
from colophon.plugins.errors import PluginError, PluginUnavailable
from colophon.plugins.qualification import Scope
from colophon.plugins.records import PLUGIN_NOT_FOUND, PluginRecord
from colophon.plugins.supervisor import supervisor_of
from colophon.runtime import Runtime
from colophon.tasks.context import PermanentTaskError, TaskContext
from colophon.tasks.models import Task
from colophon.tasks.queue import Targets
from colophon.tasks.service import submit

log = structlog.get_logger(__name__)
TASK_TYPE = "auto_match"
MAX_ERROR_SAMPLES = 20


@dataclass(frozen=True, slots=True)
class _Item:
    entity: Entity
    id: uuid.UUID


async def _plugin(runtime: Runtime, plugin_id: uuid.UUID) -> PluginRecord:
    try:
        record = await supervisor_of(runtime).record(plugin_id)
    except PluginUnavailable:
        raise NotFound(PLUGIN_NOT_FOUND) from None
    if not record.enabled:
        raise ValidationFailed(FieldError("pluginId", f"plugin '{record.name}' is disabled"))
    return record


def _check_scopes(record: PluginRecord, library_id: uuid.UUID, body: LibraryAutoMatchBody) -> None:
    wanted = []
    if body.series_ids or not body.book_ids:
        wanted.append(Scope.SERIES_DETAIL)
    if body.book_ids or not body.series_ids:
        wanted.append(Scope.BOOK_DETAIL)
    if not any(record.qualifies(scope, library_id) for scope in wanted):
        scopes = " or ".join(scope.value for scope in wanted)
        message = f"plugin '{record.name}' is not available for {scopes} in this library"
        raise ValidationFailed(FieldError("pluginId", message))


async def _check_selection(
    runtime: Runtime, library_id: uuid.UUID, body: LibraryAutoMatchBody
) -> None:
    async with runtime.db.read() as session:
        if await session.get(Library, library_id) is None:
            raise NotFound("library not found")
        errors: list[FieldError] = []
        for field, model, ids in (
            ("seriesIds", Series, body.series_ids or []),
            ("bookIds", Book, body.book_ids or []),
        ):
            found = set(
                await session.scalars(
                    select(model.id).where(model.id.in_(ids), model.library_id == library_id)
                )
            )
            errors += [
                FieldError(f"{field}[{i}]", f"'{item}' is not in this library")
                for i, item in enumerate(ids)
                if item not in found
            ]
    if errors:
        raise ValidationFailed(errors)


async def start_library_auto_match(
    runtime: Runtime, principal: Principal, library_id: uuid.UUID, body: LibraryAutoMatchBody
) -> TaskAccepted:
    """Queue the task (202); an identical active request returns the queued task."""
    if body.book_ids and not principal.has(Permission.BOOKS_WRITE):
        raise PermissionDenied(Permission.BOOKS_WRITE.value)
    await _check_selection(runtime, library_id, body)
    record = await _plugin(runtime, body.plugin_id)
    _check_scopes(record, library_id, body)
    threshold = body.min_confidence
    params: dict[str, Any] = {
        "plugin": record.name,
        "library_id": str(library_id),
        "series_ids": [str(i) for i in body.series_ids] if body.series_ids else None,
        "book_ids": [str(i) for i in body.book_ids] if body.book_ids else None,
        "min_confidence": (
            threshold if threshold is not None else runtime.settings.metadata.auto_match_threshold
        ),
    }
    whole_library = not body.series_ids and not body.book_ids
    dedup = f"auto_match:{library_id}:{record.name}" if whole_library else None
    async with runtime.db.write() as session:
        enqueued = await submit(
            session,
            runtime.bus,
            TASK_TYPE,
            params=params,
            targets=Targets(library_id=library_id),
            dedup_key=dedup,
            created_by=principal.actor,
        )
        return TaskAccepted(task_id=enqueued.task.id)


# --- the handler ------------------------------------------------------------------------------


def _ids(raw: Any) -> list[uuid.UUID]:
    return [uuid.UUID(str(value)) for value in raw or []]


async def _items(
    ctx: TaskContext, record: PluginRecord, library_id: uuid.UUID, params: dict[str, Any]
) -> list[_Item]:
    series_ids, book_ids = _ids(params.get("series_ids")), _ids(params.get("book_ids"))
    if series_ids or book_ids:
        return [_Item(Entity.SERIES, i) for i in series_ids] + [
            _Item(Entity.BOOK, i) for i in book_ids
        ]
    items: list[_Item] = []
    async with ctx.db.read() as session:
        if record.qualifies(Scope.SERIES_DETAIL, library_id):
            rows = await session.scalars(
                select(Series.id)
                .where(Series.library_id == library_id, Series.deleted_at.is_(None))
                .order_by(Series.name)
            )
            items += [_Item(Entity.SERIES, i) for i in rows]
        if record.qualifies(Scope.BOOK_DETAIL, library_id):
            rows = await session.scalars(
                select(Book.id)
                .where(Book.library_id == library_id, Book.deleted_at.is_(None))
                .order_by(Book.path)
            )
            items += [_Item(Entity.BOOK, i) for i in rows]
    return items


async def run_auto_match(ctx: TaskContext, task: Task) -> dict[str, Any]:
    """Auto-match every selected item; counts ``matched``, ``skipped`` (no or low candidate)
    and ``failed`` per item; a missing plugin or library fails the task at once."""
    params = task.params or {}
    runtime = ctx.runtime
    if task.library_id is None:
        raise PermanentTaskError("library not found")
    try:
        record = await supervisor_of(runtime).record_by_name(str(params.get("plugin")))
    except PluginUnavailable as exc:
        raise PermanentTaskError(exc.message) from exc
    items = await _items(ctx, record, task.library_id, params)
    threshold = float(params.get("min_confidence", runtime.settings.metadata.auto_match_threshold))
    tally = _Tally()
    for index, item in enumerate(items):
        if ctx.cancelled.is_set() or ctx.stopping.is_set():
            break
        await _match_one(ctx, record, item, threshold, tally, created_by=task.created_by)
        await ctx.progress(
            index + 1, len(items), f"Auto-match {index + 1}/{len(items)}", tally.counts()
        )
    return tally.result(len(items))


class _Tally:
    def __init__(self) -> None:
        self.matched = self.skipped = self.failed = 0
        self.errors: list[dict[str, str]] = []

    def counts(self) -> dict[str, int]:
        return {"succeeded": self.matched, "failed": self.failed, "skipped": self.skipped}

    def fail(self, item: _Item, message: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_ERROR_SAMPLES:
            self.errors.append(
                {"entityType": item.entity.value, "id": str(item.id), "message": message}
            )

    def result(self, total: int) -> dict[str, Any]:
        return {"total": total, **self.counts(), "errors": self.errors}


def _user_of(created_by: str | None) -> uuid.UUID | None:
    if created_by and created_by.startswith("user:"):
        return uuid.UUID(created_by.removeprefix("user:"))
    return None


async def _match_one(
    ctx: TaskContext,
    record: PluginRecord,
    item: _Item,
    threshold: float,
    tally: _Tally,
    *,
    created_by: str | None,
) -> None:
    runtime = ctx.runtime
    try:
        target = await fetch_target(
            runtime,
            item.entity,
            item.id,
            record.id,
            max_wait_s=runtime.settings.plugins.max_queue_wait_s,
        )
        outcome = await auto_match(
            target, query=None, threshold=threshold, dry_run=False, user_id=_user_of(created_by)
        )
    except (PluginError, ColophonError) as exc:
        # One item's failure is recorded and the run goes on with the next item.
        log.warning(
            "auto_match_item_failed", entity=item.entity.value, id=str(item.id), error=exc.message
        )
        tally.fail(item, exc.message)
        return
    if outcome.matched:
        tally.matched += 1
    else:
        tally.skipped += 1
