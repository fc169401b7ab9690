"""SSE endpoints on a live server, on both databases (platform §4.1–§4.3)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import uvicorn

from colophon.api.sse import event_frames
from colophon.app import create_app
from colophon.config import Settings
from colophon.runtime import Runtime
from colophon.tasks.events import EventBus, entity_event
from colophon.tasks.queue import Targets
from colophon.tasks.service import submit
from tests.conftest import ADMIN_PASSWORD
from tests.sse_client import EventLog, sse_stream
from tests.tasks.handlers import SLEEP

WAIT_S = 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """Two streams at most per process, so the limit is reachable in a test."""
    server = settings.server.model_copy(update={"max_sse_clients": 2})
    return settings.model_copy(update={"server": server})


@pytest.fixture
async def live(
    live_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    """A real uvicorn server (streaming needs one) with api + worker roles; admin logged in."""
    monkeypatch.setenv("COLOPHON_TEST_TASK_HANDLERS", "tests.tasks.handlers")
    runtime = Runtime.from_settings(live_settings, roles=frozenset({"api", "worker"}))
    app = create_app(runtime, admin=("admin", ADMIN_PASSWORD))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    await until(lambda: server.started)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        response = await client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        )
        assert response.status_code == 200
        client.headers["X-Colophon-Csrf"] = "1"
        yield client, runtime
    server.should_exit = True
    await serving


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT_S):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)


async def ready(stream: EventLog) -> None:
    await until(lambda: bool(stream.named("ready")))


async def test_a_stream_opens_with_headers_retry_and_ready(
    live: tuple[httpx.AsyncClient, Runtime],
) -> None:
    """§4.1 rules 1 and 3."""
    client, runtime = live
    async with sse_stream(client, "/api/v1/events/tasks") as stream:
        await ready(stream)
    assert stream.status_code == 200 and stream.headers is not None
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"] == "no-cache"
    assert stream.headers["x-accel-buffering"] == "no"
    assert stream.lines[:2] == ["retry: 5000", ""]
    assert stream.lines[2] == "event: ready"
    ready_data = stream.named("ready")[0]
    assert ready_data["stream"] == "tasks"
    assert ready_data["instanceId"] == str(runtime.instance_id)
    assert ready_data["serverTime"].endswith("Z")


async def test_task_events_follow_a_task_and_respect_the_task_filter(
    live: tuple[httpx.AsyncClient, Runtime],
) -> None:
    """Checklist: task.started, ≥ 1 task.progress, then task.completed, in order."""
    client, runtime = live
    async with runtime.db.write() as session:
        other = await submit(session, runtime.bus, SLEEP, params={"steps": 1, "step_s": 0})
    job_id = uuid.uuid4()  # a target known before the task exists, to filter on
    async with sse_stream(client, f"/api/v1/events/tasks?jobId={job_id}") as stream:
        await ready(stream)
        async with runtime.db.write() as session:
            enqueued = await submit(
                session,
                runtime.bus,
                SLEEP,
                params={"steps": 3, "step_s": 0},
                targets=Targets(job_id=job_id),
            )
        task_id = enqueued.task.id
        await until(lambda: "task.completed" in stream.of_task(str(task_id)))

    names = [name for name, _ in stream.events if name != "ready"]
    assert names[:2] == ["task.queued", "task.started"] and names[-1] == "task.completed"
    assert "task.progress" in names
    assert stream.of_task(str(other.task.id)) == []  # filtered out


async def test_entity_events_reach_the_entity_stream(
    live: tuple[httpx.AsyncClient, Runtime], tmp_path: object
) -> None:
    client, _ = live
    async with sse_stream(client, "/api/v1/events/stream") as stream:
        await ready(stream)
        root = tmp_path / "lib"  # type: ignore[operator]
        root.mkdir()
        created = await client.post(
            "/api/v1/libraries", json={"name": "Comics", "rootPath": str(root), "scan": False}
        )
        await until(lambda: bool(stream.named("library.created")))
    event = stream.named("library.created")[0]
    assert event["libraryId"] == created.json()["id"]
    assert event["type"] == "library.created" and event["userId"] is not None
    assert stream.named("ready")[0]["stream"] == "entities"


async def test_streams_need_credentials_and_accept_api_keys(
    live: tuple[httpx.AsyncClient, Runtime],
) -> None:
    """§4.1 rule 2: cookie, X-API-Key or Bearer; 401 JSON before the stream starts."""
    client, _ = live
    key = (await client.post("/api/v1/api-keys", json={"name": "sse"})).json()["key"]
    base = str(client.base_url)
    async with httpx.AsyncClient(base_url=base) as anonymous:
        for path in ("/api/v1/events/tasks", "/api/v1/events/stream"):
            refused = await anonymous.get(path)
            assert refused.status_code == 401
            assert refused.json()["error"] == "unauthenticated"
            for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
                anonymous.headers.update(headers)
                async with sse_stream(anonymous, path) as stream:
                    await ready(stream)
                anonymous.headers.pop(next(iter(headers)))
                assert stream.status_code == 200


async def test_streams_past_the_limit_get_503(live: tuple[httpx.AsyncClient, Runtime]) -> None:
    """§4.1 rule 5: server.maxSseClients streams per process (2 here)."""
    client, _ = live
    async with (
        sse_stream(client, "/api/v1/events/tasks") as first,
        sse_stream(client, "/api/v1/events/stream") as second,
    ):
        await ready(first)
        await ready(second)
        refused = await client.get("/api/v1/events/tasks")
    assert refused.status_code == 503
    assert refused.json()["error"] == "unavailable"


async def test_a_silent_stream_sends_keep_alive_comments() -> None:
    """§4.1 rule 4 (15 s in production; shortened here)."""
    bus = EventBus()
    subscription = bus.subscribe({"tasks"})
    frames = event_frames(subscription, stream="tasks", instance_id=uuid.uuid4(), keep_alive_s=0.05)
    received = [await anext(frames) for _ in range(3)]
    assert received[0] == "retry: 5000\n\n"
    assert received[1].startswith("event: ready\n")
    assert received[2] == ": keep-alive\n\n"
    await frames.aclose()


async def test_an_overflowing_subscriber_is_closed_not_silently_dropped() -> None:
    """§4.1 rule 5: a full queue ends the stream so the client reconnects and refetches."""
    bus = EventBus()
    subscription = bus.subscribe({"entities"})
    for number in range(1001):
        await bus.deliver_locally(entity_event("library.updated", libraryId=str(number)))
    frames = [
        frame
        async for frame in event_frames(subscription, stream="entities", instance_id=uuid.uuid4())
    ]
    assert subscription.overflowed.is_set()
    assert len(frames) == 2  # retry and ready, then the stream ends


async def test_a_rolled_back_change_emits_no_event(runtime: Runtime) -> None:
    received = []

    async def record(event: object) -> None:
        received.append(event)

    runtime.bus.add_listener(record)
    with pytest.raises(RuntimeError):
        async with runtime.db.write() as session:
            await submit(session, runtime.bus, SLEEP)
            raise RuntimeError("roll back")
    assert received == []
