"""``plugin_storage`` as a ``StorageBackend`` (plugins.md §3.10, §5.3).

One bucket per plugin row, shared by every server process; expired rows behave as absent and
are deleted when met, and the daily cleanup removes the rest.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select

from colophon.db.database import Database
from colophon.plugins.models import PluginStorageRow
from colophon.plugins.storage import StorageFull, StoredEntry


def _live(now: datetime) -> Any:
    return or_(PluginStorageRow.expires_at.is_(None), PluginStorageRow.expires_at > now)


def _entry(row: PluginStorageRow) -> StoredEntry:
    return StoredEntry(row.key, json.loads(row.data), row.expires_at, row.updated_at)


def _encode(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class DatabaseStorage:
    """The storage bucket of one plugin row."""

    def __init__(self, db: Database, plugin_id: uuid.UUID) -> None:
        self.db = db
        self.plugin_id = plugin_id

    def _of_plugin(self) -> Any:
        return PluginStorageRow.plugin_id == self.plugin_id

    async def get(self, key: str, *, now: datetime) -> StoredEntry | None:
        async with self.db.read() as session:
            row = await session.get(PluginStorageRow, (self.plugin_id, key))
            if row is None or (row.expires_at is not None and row.expires_at <= now):
                return None
            return _entry(row)

    async def put(
        self, key: str, data: Any, *, expires_at: datetime | None, now: datetime, max_keys: int
    ) -> None:
        async with self.db.write() as session:
            # Expired keys do not count toward the limit; drop them before counting.
            await session.execute(delete(PluginStorageRow).where(self._of_plugin(), ~_live(now)))
            row = await session.get(PluginStorageRow, (self.plugin_id, key))
            if row is None:
                live = await session.scalar(
                    select(func.count()).select_from(PluginStorageRow).where(self._of_plugin())
                )
                if (live or 0) >= max_keys:
                    raise StorageFull(key)
                session.add(
                    PluginStorageRow(
                        plugin_id=self.plugin_id,
                        key=key,
                        data=_encode(data),
                        expires_at=expires_at,
                        created_at=now,
                        updated_at=now,
                    )
                )
                return
            row.data, row.expires_at, row.updated_at = _encode(data), expires_at, now

    async def delete(self, key: str, *, now: datetime) -> bool:
        async with self.db.write() as session:
            result = await session.execute(
                delete(PluginStorageRow).where(
                    self._of_plugin(), PluginStorageRow.key == key, _live(now)
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def list(self, *, now: datetime) -> list[StoredEntry]:
        async with self.db.read() as session:
            rows = await session.scalars(
                select(PluginStorageRow)
                .where(self._of_plugin(), _live(now))
                .order_by(PluginStorageRow.key)
            )
            return [_entry(row) for row in rows]

    async def clear(self) -> int:
        async with self.db.write() as session:
            result = await session.execute(delete(PluginStorageRow).where(self._of_plugin()))
            return int(getattr(result, "rowcount", 0))


async def purge_expired_storage(db: Database, *, now: datetime) -> int:
    """Delete every expired key of every plugin (the daily cleanup)."""
    async with db.write() as session:
        result = await session.execute(delete(PluginStorageRow).where(~_live(now)))
        return int(getattr(result, "rowcount", 0))
