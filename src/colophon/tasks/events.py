"""The in-process event bus: fan-out to SSE subscribers and internal listeners (platform §4)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.db.database import queue_after_commit
from colophon.wire import format_instant

Stream = Literal["tasks", "entities", "internal"]
SUBSCRIBER_QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Event:
    """One event: its stream, its name (``task.progress``) and a camelCase JSON payload."""

    stream: Stream
    name: str
    data: dict[str, Any]


def entity_event(name: str, *, user_id: object | None = None, **fields: Any) -> Event:
    """An entity event (§4.3) with its timestamp and acting user."""
    payload = {"type": name, "timestamp": format_instant(utcnow()), "userId": _text(user_id)}
    payload.update({key: _text(value) for key, value in fields.items()})
    return Event("entities", name, payload)


def _text(value: object) -> Any:
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


@dataclass(eq=False)
class Subscription:
    """One subscriber's bounded queue; ``overflowed`` ends its stream instead of losing events."""

    streams: frozenset[Stream]
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(SUBSCRIBER_QUEUE_SIZE))
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)


Listener = Callable[[Event], Awaitable[None]]


class EventBus:
    """Fan-out of events inside one process; a transport may forward them across processes."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._listeners: list[Listener] = []
        self.forward: Callable[[Event], Awaitable[None]] | None = None

    def subscribe(self, streams: set[Stream]) -> Subscription:
        subscription = Subscription(frozenset(streams))
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    async def publish(self, event: Event) -> None:
        """Deliver locally, then hand to the cross-process transport when there is one."""
        await self.deliver_locally(event)
        if self.forward is not None:
            await self.forward(event)

    async def deliver_locally(self, event: Event) -> None:
        for subscription in list(self._subscriptions):
            if event.stream not in subscription.streams:
                continue
            try:
                subscription.queue.put_nowait(event)
            except asyncio.QueueFull:
                subscription.overflowed.set()
        for listener in list(self._listeners):
            await listener(event)

    def publish_after_commit(self, session: AsyncSession, event: Event) -> None:
        """Publish once the session's transaction commits; a rollback publishes nothing."""

        async def _publish() -> None:
            await self.publish(event)

        queue_after_commit(session, _publish)
