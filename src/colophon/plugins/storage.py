"""``storage/*`` reverse calls (plugins.md §3.10): validation, limits and result shapes.

The rules live here; where the data lives is a ``StorageBackend``: the DB layer implements it
on ``plugin_storage``, ``MemoryStorage`` serves tests and throwaway probe processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from colophon.plugins.errors import INVALID_PARAMS, METHOD_NOT_FOUND
from colophon.plugins.protocol import JsonObject
from colophon.plugins.rpc import ReverseCallError, ReverseHandler

MAX_KEY_CHARS = 256
DEFAULT_MAX_KEYS = 100
DEFAULT_MAX_VALUE_BYTES = 1024 * 1024

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One live key of a plugin's bucket."""

    key: str
    data: Any
    expires_at: datetime | None
    updated_at: datetime


class StorageFull(Exception):
    """Adding a new key would exceed the live-key limit."""


class StorageBackend(Protocol):
    """One plugin's bucket. Expired entries must behave as absent everywhere."""

    async def get(self, key: str, *, now: datetime) -> StoredEntry | None: ...

    async def put(
        self, key: str, data: Any, *, expires_at: datetime | None, now: datetime, max_keys: int
    ) -> None:
        """Insert or replace; raise ``StorageFull`` when a *new* key would exceed ``max_keys``."""
        ...

    async def delete(self, key: str, *, now: datetime) -> bool: ...

    async def list(self, *, now: datetime) -> list[StoredEntry]:
        """Live entries sorted by key."""
        ...

    async def clear(self) -> int:
        """Delete every row of the plugin (expired ones too); the number deleted."""
        ...


def _invalid(field: str, message: str) -> ReverseCallError:
    return ReverseCallError(INVALID_PARAMS, message, {"field": field})


def _key(params: JsonObject) -> str:
    key = params.get("key")
    if not isinstance(key, str) or not key:
        raise _invalid("key", "Invalid params: key must be a non-empty string")
    if len(key) > MAX_KEY_CHARS:
        raise _invalid("key", f"Invalid params: key is longer than {MAX_KEY_CHARS} characters")
    return key


def parse_expires_at(raw: Any) -> datetime | None:
    """An ISO-8601 instant (naive means UTC); raises the -32602 error for anything else."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise _invalid("expiresAt", "Invalid params: expiresAt must be an ISO-8601 timestamp")
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise _invalid(
            "expiresAt", "Invalid params: expiresAt must be an ISO-8601 timestamp"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _format_instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _value_size(data: Any) -> int:
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise _invalid("data", "Invalid params: data must be JSON") from None
    return len(text.encode("utf-8"))


class StorageCalls:
    """Answers ``storage/*`` for one plugin against a backend."""

    def __init__(
        self,
        backend: StorageBackend,
        *,
        max_keys: int = DEFAULT_MAX_KEYS,
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
        clock: Clock = _utcnow,
    ) -> None:
        self.backend = backend
        self.max_keys = max_keys
        self.max_value_bytes = max_value_bytes
        self._clock = clock

    async def __call__(self, method: str, params: JsonObject) -> Any:
        """The reverse-call handler: storage methods, ``-32601`` for anything else."""
        now = self._clock()
        if method == "storage/get":
            return await self._get(params, now)
        if method == "storage/set":
            return await self._set(params, now)
        if method == "storage/delete":
            return {"deleted": await self.backend.delete(_key(params), now=now)}
        if method == "storage/list":
            return {"keys": [self._listed(entry) for entry in await self.backend.list(now=now)]}
        if method == "storage/clear":
            return {"deletedCount": await self.backend.clear()}
        raise ReverseCallError(METHOD_NOT_FOUND, f"Method not found: {method}")

    async def _get(self, params: JsonObject, now: datetime) -> JsonObject:
        entry = await self.backend.get(_key(params), now=now)
        if entry is None:
            return {"data": None}
        result: JsonObject = {"data": entry.data}
        if entry.expires_at is not None:
            result["expiresAt"] = _format_instant(entry.expires_at)
        return result

    async def _set(self, params: JsonObject, now: datetime) -> JsonObject:
        key = _key(params)
        expires_at = parse_expires_at(params.get("expiresAt"))
        data = params.get("data")
        size = _value_size(data)
        if size > self.max_value_bytes:
            message = f"storage value too large: {size} bytes > {self.max_value_bytes}"
            raise _invalid("data", message)
        try:
            await self.backend.put(
                key, data, expires_at=expires_at, now=now, max_keys=self.max_keys
            )
        except StorageFull:
            raise _invalid("key", f"storage limit reached: at most {self.max_keys} keys") from None
        return {"success": True}

    @staticmethod
    def _listed(entry: StoredEntry) -> JsonObject:
        listed: JsonObject = {"key": entry.key, "updatedAt": _format_instant(entry.updated_at)}
        if entry.expires_at is not None:
            listed["expiresAt"] = _format_instant(entry.expires_at)
        return listed


class MemoryStorage:
    """A ``StorageBackend`` in memory: tests, benchmarks and throwaway test-endpoint processes."""

    def __init__(self) -> None:
        self._entries: dict[str, StoredEntry] = {}

    def _live(self, now: datetime) -> dict[str, StoredEntry]:
        expired = [k for k, e in self._entries.items() if e.expires_at and e.expires_at <= now]
        for key in expired:
            del self._entries[key]  # purged lazily, like the database's daily cleanup
        return self._entries

    async def get(self, key: str, *, now: datetime) -> StoredEntry | None:
        return self._live(now).get(key)

    async def put(
        self, key: str, data: Any, *, expires_at: datetime | None, now: datetime, max_keys: int
    ) -> None:
        live = self._live(now)
        if key not in live and len(live) >= max_keys:
            raise StorageFull(key)
        live[key] = StoredEntry(key, data, expires_at, now)

    async def delete(self, key: str, *, now: datetime) -> bool:
        return self._live(now).pop(key, None) is not None

    async def list(self, *, now: datetime) -> list[StoredEntry]:
        return [entry for _, entry in sorted(self._live(now).items())]

    async def clear(self) -> int:
        count = len(self._entries)
        self._entries.clear()
        return count


def memory_storage_handler(**limits: Any) -> ReverseHandler:
    """A reverse-call handler backed by a fresh ``MemoryStorage``."""
    return StorageCalls(MemoryStorage(), **limits)
