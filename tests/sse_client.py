"""A minimal SSE reader for tests: collects ``(event, data)`` pairs from a live stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class EventLog:
    """What one stream delivered so far: named events and raw lines (``retry:``, comments)."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    received_at: list[float] = field(default_factory=list)  # wall clock, one per event
    lines: list[str] = field(default_factory=list)
    headers: httpx.Headers | None = None
    status_code: int | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [data for event, data in self.events if event == name]

    def of_task(self, task_id: str) -> list[str]:
        return [event for event, data in self.events if data.get("taskId") == task_id]


async def _read(response: httpx.Response, log: EventLog) -> None:
    name, data = "message", ""
    async for line in response.aiter_lines():
        log.lines.append(line)
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
        elif line == "" and data:
            log.events.append((name, json.loads(data)))
            log.received_at.append(time.time())
            name, data = "message", ""


@contextlib.asynccontextmanager
async def sse_stream(client: httpx.AsyncClient, url: str) -> AsyncIterator[EventLog]:
    """Open ``url`` as an event stream and collect it in the background until exit."""
    log = EventLog()
    async with client.stream("GET", url, timeout=httpx.Timeout(10, read=None)) as response:
        log.headers, log.status_code = response.headers, response.status_code

        async def consume() -> None:
            try:
                if response.status_code == 200:
                    await _read(response, log)
            except httpx.HTTPError:
                pass
            finally:
                log.ended.set()

        reader = asyncio.create_task(consume())
        try:
            yield log
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
