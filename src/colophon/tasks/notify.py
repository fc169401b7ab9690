"""Events across processes: PostgreSQL NOTIFY on one channel, one LISTEN connection (§4.4).

Senders put ``pg_notify`` inside the transaction that made the change, so other processes see
the event exactly when it commits. Each process listens on a dedicated connection, ignores its
own envelopes and republishes the rest on its local bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import psycopg
import structlog
from sqlalchemy import event as orm_event
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from colophon.db.database import Database
from colophon.tasks.events import Event, EventBus, Stream

log = structlog.get_logger(__name__)

CHANNEL = "colophon_events"
ENVELOPE_VERSION = 1
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; leave room for the envelope.
MAX_PAYLOAD_BYTES = 7500
RECONNECT_FIRST_S = 1.0
RECONNECT_MAX_S = 30.0
# How long the LISTEN connection may stay silent before we prove it is still alive.
LIVENESS_CHECK_S = 15.0
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
_PENDING = "colophon.pending_notifications"
_STREAMS: frozenset[str] = frozenset({"tasks", "entities", "internal"})


@dataclass(frozen=True, slots=True)
class Envelope:
    """A decoded notification: the event, or a reference to rebuild it from (§4.4 rule 3)."""

    origin: str
    stream: Stream
    name: str
    data: dict[str, Any] | None
    ref: dict[str, Any] | None = None


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def encode(event: Event, origin: uuid.UUID) -> str:
    """The envelope as JSON, shrunk by reference or truncation when above the limit."""
    envelope: dict[str, Any] = {
        "v": ENVELOPE_VERSION,
        "o": str(origin),
        "s": event.stream,
        "t": event.name,
        "d": event.data,
    }
    payload = _compact(envelope)
    if len(payload.encode()) <= MAX_PAYLOAD_BYTES:
        return payload
    if event.stream == "tasks" and event.data.get("taskId"):
        del envelope["d"]
        envelope["ref"] = {"kind": "task", "id": event.data["taskId"]}
    else:
        envelope["d"] = _scalars_only(event.data)
    return _compact(envelope)


def _scalars_only(data: dict[str, Any]) -> dict[str, Any]:
    """Keep ids and small scalars; receivers reload the entity when ``truncated`` is set."""
    kept = {
        key: value
        for key, value in data.items()
        if value is None
        or isinstance(value, (bool, int, float))
        or (isinstance(value, str) and len(value) <= 200)
    }
    kept["truncated"] = True
    return kept


def decode(payload: str) -> Envelope | None:
    """The envelope, or None for anything this version does not understand."""
    try:
        raw = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(raw, dict) or raw.get("v") != ENVELOPE_VERSION:
        return None
    stream, name = raw.get("s"), raw.get("t")
    if stream not in _STREAMS or not isinstance(name, str):
        return None
    data, ref = raw.get("d"), raw.get("ref")
    if not isinstance(data, dict) and not isinstance(ref, dict):
        return None
    return Envelope(
        str(raw.get("o")),
        stream,
        name,
        data if isinstance(data, dict) else None,
        ref if isinstance(ref, dict) else None,
    )


def listen_conninfo(database_url: str) -> str:
    """The libpq URI of the configured PostgreSQL database (query parameters kept)."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _flush_pending(session: Session) -> None:
    # Runs inside the commit (sync session, in SQLAlchemy's greenlet): the notifications
    # become part of the transaction and are delivered exactly when it commits.
    for payload in session.info.pop(_PENDING, []):
        session.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})


class PgNotifyTransport:
    """Sends this process's events to the others through ``pg_notify``."""

    def __init__(self, db: Database, origin: uuid.UUID) -> None:
        self.db = db
        self.origin = origin

    async def send(self, event: Event) -> None:
        async with self.db.write() as session:
            await session.execute(
                _NOTIFY, {"channel": CHANNEL, "payload": encode(event, self.origin)}
            )

    def send_in_transaction(self, session: AsyncSession, event: Event) -> None:
        if _PENDING not in session.info:
            session.info[_PENDING] = []
            # "before_commit" also fires when a savepoint is released; flushing there is
            # still inside the outer transaction, so delivery stays tied to the final commit.
            if not orm_event.contains(session.sync_session, "before_commit", _flush_pending):
                orm_event.listen(session.sync_session, "before_commit", _flush_pending)
        session.info[_PENDING].append(encode(event, self.origin))


Rebuild = Callable[[Envelope], Awaitable[Event | None]]


class PgListener:
    """The dedicated LISTEN connection: republishes other processes' events locally.

    When the connection drops it reconnects with backoff (1 → 30 s) and then sends ``resync``
    to every local subscriber, because events of the gap are lost (§4.4 rule 5).
    """

    def __init__(self, conninfo: str, bus: EventBus, *, origin: uuid.UUID, rebuild: Rebuild):
        self.conninfo = conninfo
        self.bus = bus
        self.origin = str(origin)
        self.rebuild = rebuild
        self.reconnects = 0
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._loop: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect and LISTEN; raises when PostgreSQL cannot be reached (startup step 9)."""
        self._connection = await self._connect()
        self._loop = asyncio.create_task(self._run(), name="colophon-event-listener")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        await self._close()

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        connection = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
        await connection.execute(f"LISTEN {CHANNEL}")
        return connection

    async def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await self._connection.close()
            self._connection = None

    async def _run(self) -> None:
        while True:
            try:
                await self._drain()
            except (psycopg.Error, OSError) as exc:
                log.warning("event_listener_lost", error=str(exc))
            await self._close()
            self._connection = await self._reconnect()
            self.reconnects += 1
            log.info("event_listener_reconnected")
            await self.bus.resync()

    async def _drain(self) -> None:
        connection = self._connection
        assert connection is not None
        while True:
            async for notify in connection.notifies(timeout=LIVENESS_CHECK_S):
                await self._receive(notify.payload)
            # A silent connection may be a dead one: prove it, or raise and reconnect.
            await connection.execute("SELECT 1")

    async def _reconnect(self) -> psycopg.AsyncConnection[Any]:
        delay = RECONNECT_FIRST_S
        while True:
            await asyncio.sleep(delay)
            try:
                return await self._connect()
            except (psycopg.Error, OSError) as exc:
                log.warning("event_listener_reconnect_failed", error=str(exc), retryS=delay)
                delay = min(delay * 2, RECONNECT_MAX_S)

    async def _receive(self, payload: str) -> None:
        envelope = decode(payload)
        if envelope is None or envelope.origin == self.origin:
            return
        try:
            event = await self._event_of(envelope)
            if event is not None:
                await self.bus.deliver_locally(event)
        except Exception:
            # The listener is a loop boundary: one bad event or listener must not stop
            # cross-process delivery for the whole process.
            log.exception("event_delivery_failed", name=envelope.name)

    async def _event_of(self, envelope: Envelope) -> Event | None:
        if envelope.data is not None:
            return Event(envelope.stream, envelope.name, envelope.data)
        return await self.rebuild(envelope)
