"""Events across processes: the NOTIFY envelope and the LISTEN connection (platform §4.4)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import psycopg
import pytest

import tests.tasks.handlers  # noqa: F401  (registers test_noop)
from colophon.config import Settings
from colophon.runtime import Runtime
from colophon.tasks.events import Event, entity_event
from colophon.tasks.models import Task
from colophon.tasks.notify import (
    MAX_PAYLOAD_BYTES,
    PgListener,
    decode,
    encode,
    listen_conninfo,
)
from colophon.tasks.service import task_event_rebuilder
from colophon.tasks.task_events import lifecycle_event

ORIGIN = uuid.UUID("00000000-0000-4000-8000-000000000001")


def test_the_envelope_carries_version_origin_stream_name_and_data() -> None:
    event = Event("tasks", "task.started", {"taskId": "t1", "status": "processing"})
    envelope = json.loads(encode(event, ORIGIN))
    assert envelope == {
        "v": 1,
        "o": str(ORIGIN),
        "s": "tasks",
        "t": "task.started",
        "d": {"taskId": "t1", "status": "processing"},
    }
    decoded = decode(encode(event, ORIGIN))
    assert decoded is not None and (decoded.name, decoded.data) == (event.name, event.data)


def test_a_large_task_event_travels_as_a_reference() -> None:
    """§4.4 rule 3: above 7500 bytes ``d`` is replaced by a reference to the task."""
    event = Event("tasks", "task.completed", {"taskId": "t1", "title": "x" * 8000})
    payload = encode(event, ORIGIN)
    assert len(payload.encode()) <= MAX_PAYLOAD_BYTES
    envelope = decode(payload)
    assert envelope is not None
    assert (envelope.data, envelope.ref) == (None, {"kind": "task", "id": "t1"})


def test_a_large_entity_event_drops_variable_fields_and_says_truncated() -> None:
    event = entity_event("series.metadata_updated", seriesId="s1", fieldsUpdated=["f" * 100] * 100)
    envelope = decode(encode(event, ORIGIN))
    assert envelope is not None and envelope.data is not None
    assert envelope.data["seriesId"] == "s1" and envelope.data["truncated"] is True
    assert "fieldsUpdated" not in envelope.data


@pytest.mark.parametrize("payload", ["not json", '{"v": 2}', '{"v": 1, "s": "x", "t": "y"}'])
def test_foreign_payloads_are_ignored(payload: str) -> None:
    assert decode(payload) is None


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
async def two_processes(settings: Settings) -> AsyncIterator[tuple[Runtime, Runtime]]:
    """Two runtimes with their own origins and LISTEN connections, as two processes have."""
    runtimes = [Runtime.from_settings(settings, roles=frozenset()) for _ in range(2)]
    listeners = [
        PgListener(
            listen_conninfo(settings.database_url),
            rt.bus,
            origin=rt.instance_id,
            rebuild=task_event_rebuilder(rt.db),
        )
        for rt in runtimes
    ]
    for listener in listeners:
        await listener.start()
    runtimes[1].listener = listeners[1]  # type: ignore[attr-defined]
    yield runtimes[0], runtimes[1]
    for listener in listeners:
        await listener.stop()
    for rt in runtimes:
        await rt.db.dispose()


def collect(runtime: Runtime) -> list[Event]:
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    runtime.bus.add_listener(record)
    return seen


async def until(check: object, timeout_s: float = 10) -> None:
    async with asyncio.timeout(timeout_s):
        while True:
            if check():  # type: ignore[operator]
                return
            await asyncio.sleep(0.01)


@pytest.mark.pg_only
async def test_an_event_reaches_the_other_process_on_commit_only(
    two_processes: tuple[Runtime, Runtime],
) -> None:
    """§4.4 rule 1: pg_notify inside the transaction; a rollback publishes nothing."""
    sender, receiver = two_processes
    received, own = collect(receiver), collect(sender)

    with pytest.raises(RuntimeError):
        async with sender.db.write() as session:
            sender.bus.publish_after_commit(session, entity_event("library.deleted", libraryId="a"))
            raise RuntimeError("roll back")
    async with sender.db.write() as session:
        sender.bus.publish_after_commit(session, entity_event("library.created", libraryId="b"))

    await until(lambda: received)
    assert [e.name for e in received] == ["library.created"]
    assert [e.name for e in own] == ["library.created"]  # local copy, not echoed back


@pytest.mark.pg_only
async def test_a_referenced_task_event_is_rebuilt_from_the_row(
    two_processes: tuple[Runtime, Runtime],
) -> None:
    """Checklist: an envelope over 7500 bytes arrives complete via a reference."""
    sender, receiver = two_processes
    received = collect(receiver)
    async with sender.db.write() as session:
        task = Task(task_type="test_noop", params={}, last_error="e" * 300)
        session.add(task)
        await session.flush()
        sender.bus.publish_after_commit(
            session, lifecycle_event("task.failed", task, title="T" * 8000)
        )

    await until(lambda: received)
    rebuilt = received[0]
    assert rebuilt.name == "task.failed" and rebuilt.data["taskId"] == str(task.id)
    assert rebuilt.data["error"] == "e" * 300 and rebuilt.data["title"] == "No-op"


@pytest.mark.pg_only
async def test_a_lost_listen_connection_reconnects_and_sends_resync(
    two_processes: tuple[Runtime, Runtime], settings: Settings
) -> None:
    """§4.4 rule 5."""
    sender, receiver = two_processes
    received = collect(receiver)
    listener: PgListener = receiver.listener  # type: ignore[attr-defined]
    pid = listener._connection.info.backend_pid  # type: ignore[union-attr]
    with psycopg.connect(listen_conninfo(settings.database_url), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    await until(lambda: any(e.name == "resync" for e in received), timeout_s=15)
    async with sender.db.write() as session:
        sender.bus.publish_after_commit(session, entity_event("library.created", libraryId="c"))
    await until(lambda: any(e.name == "library.created" for e in received))
    assert listener.reconnects == 1
