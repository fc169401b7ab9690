"""Persisted plugin health (plugins.md §4.5, §4.6): failure rows, health columns, auto-disable.

The host reports what happened; these functions write it. Start failures are counted from the
``plugin_failures`` rows of every server process since the last enable, so three processes
failing once each also disable a plugin.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.plugins import plugin_events
from colophon.plugins.errors import MAX_MESSAGE_CHARS
from colophon.plugins.health import PluginFailure, auto_disable_reason
from colophon.plugins.models import Plugin, PluginFailureRow
from colophon.runtime import Runtime

log = structlog.get_logger(__name__)

# Successes are frequent; the row needs them only for last_success_at (§4.5).
SUCCESS_WRITE_INTERVAL = timedelta(seconds=60)


def _details(runtime: Runtime, failure: PluginFailure) -> dict[str, Any]:
    return {
        "exitCode": failure.exit_code,
        "stderrTail": list(failure.stderr_tail),
        "server": {
            "roles": sorted(runtime.roles),
            "pid": os.getpid(),
            "host": runtime.hostname,
        },
    }


def _set_status(runtime: Runtime, session: AsyncSession, row: Plugin, status: str) -> None:
    if row.health_status == status:
        return
    row.health_status = status
    event = plugin_events.plugin_event(plugin_events.HEALTH_CHANGED, row.id, status=status)
    runtime.bus.publish_after_commit(session, event)


def _cache_manifest(
    runtime: Runtime, session: AsyncSession, row: Plugin, manifest: dict[str, Any], now: datetime
) -> None:
    # manifest_updated_at moves only when the manifest really changed (acceptance item 16);
    # the event makes every process re-read the row's capabilities at once.
    if row.manifest != manifest:
        row.manifest, row.manifest_updated_at = manifest, now
        event = plugin_events.plugin_event(plugin_events.UPDATED, row.id, manifest=True)
        runtime.bus.publish_after_commit(session, event)


async def cache_manifest(runtime: Runtime, plugin_id: uuid.UUID, manifest: dict[str, Any]) -> None:
    """Cache a probed manifest (§3.5) without touching the health columns (§7.2)."""
    async with runtime.db.write() as session:
        row = await session.get(Plugin, plugin_id)
        if row is not None:
            _cache_manifest(runtime, session, row, manifest, utcnow())


async def record_started(runtime: Runtime, plugin_id: uuid.UUID, manifest: dict[str, Any]) -> None:
    """A process initialised: cache the manifest when it changed (§3.5), mark it healthy."""
    async with runtime.db.write() as session:
        row = await session.get(Plugin, plugin_id)
        if row is None:
            return
        now = utcnow()
        _cache_manifest(runtime, session, row, manifest, now)
        row.health_checked_at = now
        if row.enabled:
            _set_status(runtime, session, row, "healthy")


async def record_success(runtime: Runtime, plugin_id: uuid.UUID) -> None:
    """A call succeeded: reset the counters; written at most once a minute when nothing changed."""
    async with runtime.db.write() as session:
        row = await session.get(Plugin, plugin_id)
        if row is None:
            return
        now = utcnow()
        recent = (
            row.last_success_at is not None and now - row.last_success_at < SUCCESS_WRITE_INTERVAL
        )
        if recent and row.health_status == "healthy" and row.consecutive_failures == 0:
            return
        row.consecutive_failures, row.failure_count = 0, 0
        row.last_success_at = row.health_checked_at = now
        if row.enabled:
            _set_status(runtime, session, row, "healthy")


async def record_failure(runtime: Runtime, plugin_id: uuid.UUID, failure: PluginFailure) -> None:
    """A liveness failure or a crash: one ``plugin_failures`` row, the plugin degraded."""
    async with runtime.db.write() as session:
        row = await session.get(Plugin, plugin_id)
        if row is None:
            return
        _add_failure_row(runtime, session, row, failure)
        row.consecutive_failures = max(failure.consecutive_failures, row.consecutive_failures + 1)
        if row.enabled:
            _set_status(runtime, session, row, "degraded")


def _add_failure_row(
    runtime: Runtime, session: AsyncSession, row: Plugin, failure: PluginFailure
) -> None:
    message = failure.message[:MAX_MESSAGE_CHARS]
    session.add(
        PluginFailureRow(
            plugin_id=row.id,
            kind=failure.kind,
            method=failure.method,
            code=failure.code,
            message=message,
            details=_details(runtime, failure),
            created_at=failure.at,
        )
    )
    row.failure_count += 1
    row.last_error, row.last_failure_at = message, failure.at
    row.health_checked_at = failure.at


async def record_start_failure(
    runtime: Runtime,
    plugin_id: uuid.UUID,
    failure: PluginFailure,
    *,
    disable_after: int,
    window_s: float,
) -> str | None:
    """An ``init_error``: row, ``unhealthy``, and auto-disable at the threshold (§4.6).

    Returns the ``disabled_reason`` when this failure disabled the plugin.
    """
    async with runtime.db.write() as session:
        row = await session.get(Plugin, plugin_id, with_for_update=True)
        if row is None or not row.enabled:
            return None
        _add_failure_row(runtime, session, row, failure)
        await session.flush()
        failed_starts = await _count_start_failures(session, row, window_s, now=failure.at)
        if failed_starts < disable_after:
            _set_status(runtime, session, row, "unhealthy")
            return None
        reason = auto_disable_reason(failed_starts, window_s, failure.message[:MAX_MESSAGE_CHARS])
        row.enabled, row.disabled_reason = False, reason
        row.revision += 1
        _set_status(runtime, session, row, "disabled")
        runtime.bus.publish_after_commit(
            session, plugin_events.plugin_event(plugin_events.DISABLED, row.id, automatic=True)
        )
        log.error("plugin_auto_disabled", plugin=row.name, reason=reason)
        return reason


async def _count_start_failures(
    session: AsyncSession, row: Plugin, window_s: float, *, now: datetime
) -> int:
    since = max(row.enabled_changed_at, now - timedelta(seconds=window_s))
    count = await session.scalar(
        select(func.count())
        .select_from(PluginFailureRow)
        .where(
            PluginFailureRow.plugin_id == row.id,
            PluginFailureRow.kind == "init_error",
            PluginFailureRow.created_at >= since,
        )
    )
    return int(count or 0)


async def record_unstartable(runtime: Runtime, plugin_id: uuid.UUID, message: str) -> None:
    """Credentials that cannot be decrypted: ``unhealthy`` with the reason, never counted."""
    async with runtime.db.write() as session:
        row = await session.get(Plugin, plugin_id)
        if row is None:
            return
        now = utcnow()
        row.last_error, row.last_failure_at, row.health_checked_at = message, now, now
        if row.enabled:
            _set_status(runtime, session, row, "unhealthy")


async def purge_old_failures(runtime: Runtime, *, retention_days: int) -> int:
    """Delete failure rows older than ``plugins.failureRetentionDays`` (the daily cleanup)."""
    cutoff = utcnow() - timedelta(days=retention_days)
    async with runtime.db.write() as session:
        result = await session.execute(
            delete(PluginFailureRow).where(PluginFailureRow.created_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0))
