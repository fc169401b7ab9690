"""Server-sent event streams: ``/events/tasks`` and ``/events/stream`` (platform §4.1).

Each stream is one bus subscription with a bounded queue. There is no replay: clients
refetch after every ``ready`` and ``resync``.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from colophon.auth.deps import CanReadLibraries
from colophon.db.clock import utcnow
from colophon.errors import Unavailable
from colophon.runtime import Runtime, RuntimeDep
from colophon.tasks.events import CLOSED, Event, Stream, Subscription
from colophon.wire import format_instant

router = APIRouter(prefix="/events", tags=["events"])
RETRY_MS = 5000
KEEP_ALIVE_S = 15.0
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
PublicStream = Literal["tasks", "entities"]


def frame(name: str, data: dict[str, Any]) -> str:
    """One SSE message: ``event:``, a single compact ``data:`` line, a blank line."""
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"event: {name}\ndata: {payload}\n\n"


def _ready(stream: PublicStream, instance_id: uuid.UUID) -> str:
    data = {
        "stream": stream,
        "instanceId": str(instance_id),
        "serverTime": format_instant(utcnow()),
    }
    return frame("ready", data)


async def event_frames(
    subscription: Subscription,
    *,
    stream: PublicStream,
    instance_id: uuid.UUID,
    keep_alive_s: float = KEEP_ALIVE_S,
) -> AsyncIterator[str]:
    """The stream's text: ``retry:``, ``ready``, then events and keep-alive comments.

    Ends when the subscription overflowed (the client reconnects and refetches) or closed.
    """
    yield f"retry: {RETRY_MS}\n\n"
    yield _ready(stream, instance_id)
    while not (subscription.overflowed.is_set() or subscription.closed.is_set()):
        try:
            event = await asyncio.wait_for(subscription.queue.get(), timeout=keep_alive_s)
        except TimeoutError:
            yield ": keep-alive\n\n"
            continue
        if event is CLOSED or subscription.overflowed.is_set():
            return
        yield frame(event.name, event.data)


def _matches(field: str, wanted: uuid.UUID | None) -> Callable[[Event], bool]:
    if wanted is None:
        return lambda _: True
    text = str(wanted)
    return lambda event: event.data.get(field) == text


def _all_of(*tests: Callable[[Event], bool]) -> Callable[[Event], bool]:
    return lambda event: all(test(event) for test in tests)


def _open_stream(
    runtime: Runtime, stream: PublicStream, accepts: Callable[[Event], bool]
) -> StreamingResponse:
    bus = runtime.bus
    if bus.subscriber_count() >= runtime.settings.server.max_sse_clients:
        raise Unavailable("too many event streams; try again later")
    streams: set[Stream] = {stream}
    subscription = bus.subscribe(streams, accepts)

    async def body() -> AsyncIterator[str]:
        try:
            async for text in event_frames(
                subscription, stream=stream, instance_id=runtime.instance_id
            ):
                yield text
        finally:
            bus.unsubscribe(subscription)

    return StreamingResponse(body(), media_type="text/event-stream", headers=STREAM_HEADERS)


@router.get("/tasks", response_class=StreamingResponse)
async def task_events(
    principal: CanReadLibraries,
    runtime: RuntimeDep,
    task_id: uuid.UUID | None = Query(None, alias="taskId"),
    job_id: uuid.UUID | None = Query(None, alias="jobId"),
    library_id: uuid.UUID | None = Query(None, alias="libraryId"),
) -> StreamingResponse:
    """Task lifecycle and progress (§4.2), optionally for one task, job or library."""
    accepts = _all_of(
        _matches("taskId", task_id), _matches("jobId", job_id), _matches("libraryId", library_id)
    )
    return _open_stream(runtime, "tasks", accepts)


@router.get("/stream", response_class=StreamingResponse)
async def entity_events(
    principal: CanReadLibraries,
    runtime: RuntimeDep,
    library_id: uuid.UUID | None = Query(None, alias="libraryId"),
) -> StreamingResponse:
    """Entity and job events (§4.3), optionally for one library."""
    return _open_stream(runtime, "entities", _matches("libraryId", library_id))
