"""The in-process event bus: fan-out to SSE subscribers and internal listeners (platform §4).

On PostgreSQL a :class:`Transport` also carries every event to the other processes
(``tasks/notify.py``); on SQLite the bus is the only transport.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.db.database import queue_after_commit
from colophon.wire import format_instant

log = structlog.get_logger(__name__)

Stream = Literal["tasks", "entities", "internal"]
SUBSCRIBER_QUEUE_SIZE = 1000
RESYNC = "resync"


@dataclass(frozen=True, slots=True)
class Event:
    """One event: its stream, its name (``task.progress``) and a camelCase JSON payload."""

    stream: Stream
    name: str
    data: dict[str, Any]


# Put on a subscriber's queue when its stream is closed; never sent to a client.
CLOSED = Event("internal", "stream.closed", {})


def entity_event(name: str, *, user_id: object | None = None, **fields: Any) -> Event:
    """An entity event (§4.3) with its timestamp and acting user."""
    payload = {"type": name, "timestamp": format_instant(utcnow()), "userId": _text(user_id)}
    payload.update({key: _text(value) for key, value in fields.items()})
    return Event("entities", name, payload)


def internal_message(name: str, **data: Any) -> Event:
    """A message between processes (§4.4 rule 4): ``tasks.ready``, ``jobs.changed``…"""
    return Event("internal", name, {key: _text(value) for key, value in data.items()})


def _text(value: object) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def _accept_all(_: Event) -> bool:
    return True


@dataclass(eq=False)
class Subscription:
    """One SSE subscriber's bounded queue.

    ``overflowed`` ends the stream instead of losing events silently (§4.1 rule 5); ``closed``
    ends it at shutdown. ``accepts`` filters before queueing, so events the client did not ask
    for never fill its queue.
    """

    streams: frozenset[Stream]
    accepts: Callable[[Event], bool] = _accept_all
    queue: asyncio.Queue[Event] = field(
        default_factory=lambda: asyncio.Queue(SUBSCRIBER_QUEUE_SIZE)
    )
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def close(self) -> None:
        """End the stream; the sentinel wakes a consumer waiting on an empty queue."""
        self.closed.set()
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(CLOSED)

    def offer(self, event: Event) -> None:
        if event.name != RESYNC and (event.stream not in self.streams or not self.accepts(event)):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed.set()


Listener = Callable[[Event], Awaitable[None]]


class Transport(Protocol):
    """Carries events to the other processes."""

    async def send(self, event: Event) -> None:
        """Send now, outside any transaction (progress events)."""

    def send_in_transaction(self, session: AsyncSession, event: Event) -> None:
        """Send as part of ``session``'s transaction: delivered exactly when it commits."""


class EventBus:
    """Fan-out of events inside one process; a transport forwards them across processes."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._listeners: list[Listener] = []
        self.transport: Transport | None = None

    def subscribe(
        self, streams: set[Stream], accepts: Callable[[Event], bool] = _accept_all
    ) -> Subscription:
        subscription = Subscription(frozenset(streams), accepts)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def subscriber_count(self, stream: Stream | None = None) -> int:
        """Open SSE subscriptions, all of them or those of one stream."""
        return sum(1 for sub in self._subscriptions if stream is None or stream in sub.streams)

    async def publish(self, event: Event) -> None:
        """Deliver locally now, then send to the other processes (used for progress)."""
        await self.deliver_locally(event)
        if self.transport is None:
            return
        try:
            await self.transport.send(event)
        except (SQLAlchemyError, OSError) as exc:
            # Progress is advisory: a lost cross-process copy must not fail the task.
            log.warning("event_not_forwarded", name=event.name, error=str(exc))

    def publish_after_commit(self, session: AsyncSession, event: Event) -> None:
        """Publish with ``session``'s commit; a rollback publishes nothing (§4.4)."""
        if self.transport is not None:
            self.transport.send_in_transaction(session, event)

        async def _deliver() -> None:
            await self.deliver_locally(event)

        queue_after_commit(session, _deliver)

    async def deliver_locally(self, event: Event) -> None:
        """Hand ``event`` to this process's subscribers and listeners only."""
        for subscription in list(self._subscriptions):
            subscription.offer(event)
        for listener in list(self._listeners):
            await listener(event)

    async def resync(self) -> None:
        """Tell every subscriber and listener that events may have been missed (§4.4 rule 5)."""
        await self.deliver_locally(Event("internal", RESYNC, {}))

    def close_streams(self) -> None:
        """End every open SSE stream (shutdown, §1.3 rule 1)."""
        for subscription in list(self._subscriptions):
            subscription.close()
