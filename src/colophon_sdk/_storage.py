"""``ctx.storage``: the plugin's key-value bucket kept by the host (plugins.md §3.10)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

ReverseCall = Callable[[str, dict[str, Any]], Awaitable[Any]]


class Storage:
    """Sends ``storage/*`` requests to the host; usable while a host request is pending."""

    def __init__(self, call: ReverseCall) -> None:
        self._call = call

    async def get(self, key: str) -> Any:
        """The stored value, or None when the key is absent or expired."""
        result = await self._call("storage/get", {"key": key})
        return result.get("data") if isinstance(result, dict) else None

    async def set(self, key: str, data: Any, expires_at: datetime | None = None) -> None:
        """Store ``data`` (any JSON value) under ``key``, optionally until ``expires_at``."""
        params: dict[str, Any] = {"key": key, "data": data}
        if expires_at is not None:
            params["expiresAt"] = expires_at.isoformat()
        await self._call("storage/set", params)

    async def delete(self, key: str) -> bool:
        """Remove ``key``; True when it existed."""
        result = await self._call("storage/delete", {"key": key})
        return bool(isinstance(result, dict) and result.get("deleted"))

    async def list(self) -> list[dict[str, Any]]:
        """The live keys with their ``expiresAt``/``updatedAt``, sorted by key."""
        result = await self._call("storage/list", {})
        keys = result.get("keys") if isinstance(result, dict) else None
        return list(keys) if isinstance(keys, list) else []

    async def clear(self) -> int:
        """Delete every key; the number deleted."""
        result = await self._call("storage/clear", {})
        count = result.get("deletedCount") if isinstance(result, dict) else None
        return count if isinstance(count, int) else 0
