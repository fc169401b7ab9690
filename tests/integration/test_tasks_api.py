"""The task API (platform §3.11) and /metrics (§9.3), on both databases."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from colophon.db.clock import utcnow
from colophon.runtime import Runtime
from colophon.tasks import queue
from colophon.tasks.models import Task
from colophon.tasks.queue import Targets
from colophon.tasks.service import submit
from tests.conftest import ApiClient, user_client
from tests.tasks.handlers import FAIL, NOOP, SLEEP

LEASE = timedelta(seconds=60)


@pytest.fixture
def roles() -> frozenset[str]:
    """API only: tasks stay where the test puts them."""
    return frozenset({"api"})


async def enqueue(runtime: Runtime, task_type: str = NOOP, **options: Any) -> str:
    async with runtime.db.write() as session:
        enqueued = await submit(session, runtime.bus, task_type, **options)
    return str(enqueued.task.id)


async def start(runtime: Runtime, task_type: str = NOOP) -> Task:
    task = await queue.claim_next(runtime.db, "test-worker", frozenset({task_type}), LEASE)
    assert task is not None
    return task


async def create_library(admin: ApiClient, tmp_path: Any, name: str) -> str:
    root = tmp_path / name
    root.mkdir()
    response = await admin.post(
        "/api/v1/libraries", json={"name": name, "rootPath": str(root), "scan": False}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_task_reads_back_with_its_title_and_camelcase_params(
    admin: ApiClient, app_runtime: Runtime, tmp_path: Any
) -> None:
    library_id = await create_library(admin, tmp_path, "Comics")
    task_id = await enqueue(
        app_runtime,
        SLEEP,
        params={"step_s": 0.5, "block_first_attempt": False},
        targets=Targets(library_id=uuid.UUID(library_id)),
        created_by="cli",
    )

    body = (await admin.get(f"/api/v1/tasks/{task_id}")).json()

    assert body["title"] == "Sleep · Comics"  # resolved at read time (§3.9)
    assert body["libraryName"] == "Comics"
    assert body["params"] == {"stepS": 0.5, "blockFirstAttempt": False}
    assert (body["status"], body["attempts"], body["maxAttempts"]) == ("pending", 0, 3)
    assert body["createdBy"] == "cli" and body["jobName"] is None
    assert body["createdAt"].endswith("Z")

    await admin.patch(f"/api/v1/libraries/{library_id}", json={"name": "Manga"})
    assert (await admin.get(f"/api/v1/tasks/{task_id}")).json()["title"] == "Sleep · Manga"


async def test_an_unknown_task_is_404(admin: ApiClient) -> None:
    response = await admin.get(f"/api/v1/tasks/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "task not found"}


async def test_the_list_filters_by_status_type_and_library(
    admin: ApiClient, app_runtime: Runtime, tmp_path: Any
) -> None:
    library_id = await create_library(admin, tmp_path, "Comics")
    in_library = await enqueue(app_runtime, NOOP, targets=Targets(uuid.UUID(library_id)))
    failing = await enqueue(app_runtime, FAIL)
    running = await enqueue(app_runtime, SLEEP)
    await start(app_runtime, SLEEP)

    async def ids(query: str) -> list[str]:
        response = await admin.get(f"/api/v1/tasks?{query}")
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids("") == [running, failing, in_library]  # newest first
    assert await ids("status=processing") == [running]
    assert await ids("status=pending,processing&type=test_fail,test_sleep") == [running, failing]
    assert await ids(f"libraryId={library_id}") == [in_library]
    assert await ids("active=false") == []
    assert await ids(f"jobId={uuid.uuid4()}") == []


async def test_unknown_statuses_and_types_are_400(admin: ApiClient) -> None:
    response = await admin.get("/api/v1/tasks?status=running&type=nope")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "query.status", "message": "unknown status 'running'"},
        {"field": "query.type", "message": "unknown task type 'nope'"},
    ]


async def test_the_list_paginates_with_next_cursor(admin: ApiClient, app_runtime: Runtime) -> None:
    created = [await enqueue(app_runtime) for _ in range(5)]
    seen: list[str] = []
    cursor = ""
    while True:
        page = (await admin.get(f"/api/v1/tasks?limit=2{cursor}")).json()
        seen += [item["id"] for item in page["items"]]
        if page["nextCursor"] is None:
            break
        cursor = f"&cursor={page['nextCursor']}"
    assert seen == list(reversed(created))
    assert (await admin.get("/api/v1/tasks?cursor=garbage")).status_code == 400


async def test_cancel_of_a_pending_task_is_immediate(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    task_id = await enqueue(app_runtime)
    response = await admin.post(f"/api/v1/tasks/{task_id}/cancel")
    assert response.status_code == 200
    assert response.json()["message"] == "Task cancelled"
    assert response.json()["task"]["status"] == "cancelled"


async def test_cancel_of_a_processing_task_is_requested(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    task_id = await enqueue(app_runtime)
    await start(app_runtime)
    response = await admin.post(f"/api/v1/tasks/{task_id}/cancel")
    assert response.json()["message"] == "Cancellation requested"
    assert response.json()["task"]["status"] == "processing"
    assert response.json()["task"]["cancelRequested"] is True


async def test_cancel_or_retry_of_a_finished_task_is_409(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    task = uuid.UUID(await enqueue(app_runtime))
    await start(app_runtime)
    async with app_runtime.db.write() as session:
        await queue.finish(session, task, "test-worker", result={})

    cancel = await admin.post(f"/api/v1/tasks/{task}/cancel")
    retry = await admin.post(f"/api/v1/tasks/{task}/retry")
    assert (cancel.status_code, retry.status_code) == (409, 409)
    assert cancel.json() == {
        "error": "conflict",
        "message": "task already finished",
        "taskId": str(task),
    }
    assert retry.json()["message"] == "only failed or cancelled tasks can be retried"


async def test_retry_of_a_cancelled_task_queues_it_again(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    task_id = await enqueue(app_runtime, dedup_key="k")
    await admin.post(f"/api/v1/tasks/{task_id}/cancel")

    response = await admin.post(f"/api/v1/tasks/{task_id}/retry")
    assert response.status_code == 200
    assert response.json()["message"] == "Task queued for retry"
    assert (response.json()["task"]["status"], response.json()["task"]["attempts"]) == (
        "pending",
        0,
    )


async def test_retry_conflicts_with_an_active_duplicate(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    first = await enqueue(app_runtime, dedup_key="k")
    await admin.post(f"/api/v1/tasks/{first}/cancel")
    second = await enqueue(app_runtime, dedup_key="k")

    response = await admin.post(f"/api/v1/tasks/{first}/retry")
    assert response.status_code == 409
    assert response.json()["taskId"] == second


async def test_purge_removes_finished_tasks_only(admin: ApiClient, app_runtime: Runtime) -> None:
    """§3.8 / checklist: olderThanDays=0 removes all finished and no active task."""
    finished = [await enqueue(app_runtime) for _ in range(2)]
    active = await enqueue(app_runtime)
    for task_id in finished:
        await admin.post(f"/api/v1/tasks/{task_id}/cancel")
    async with app_runtime.db.write() as session:
        await session.execute(
            update(Task)
            .where(Task.id == uuid.UUID(finished[0]))
            .values(completed_at=utcnow() - timedelta(days=3))
        )

    assert (await admin.delete("/api/v1/tasks/finished?olderThanDays=2")).json() == {"deleted": 1}
    assert (await admin.delete("/api/v1/tasks/finished")).json() == {"deleted": 1}
    assert (await admin.get(f"/api/v1/tasks/{active}")).status_code == 200
    negative = await admin.delete("/api/v1/tasks/finished?olderThanDays=-1")
    assert negative.status_code == 400
    assert negative.json()["errors"] == [
        {"field": "query.olderThanDays", "message": "must be 0 or more"}
    ]


async def test_stats_count_by_status_and_type(admin: ApiClient, app_runtime: Runtime) -> None:
    await enqueue(app_runtime, NOOP)
    stale = await enqueue(app_runtime, SLEEP)
    await start(app_runtime, SLEEP)
    async with app_runtime.db.write() as session:
        await session.execute(
            update(Task)
            .where(Task.id == uuid.UUID(stale))
            .values(locked_until=utcnow() - timedelta(seconds=5))
        )

    stats = (await admin.get("/api/v1/tasks/stats")).json()

    assert stats["counts"] == {
        "pending": 1,
        "processing": 1,
        "completed": 0,
        "failed": 0,
        "cancelled": 0,
    }
    assert stats["byType"][NOOP]["pending"] == 1
    assert stats["byType"][SLEEP]["processing"] == 1
    assert stats["stale"] == 1
    assert stats["oldestPendingAgeS"] >= 0
    assert stats["aliveWorkers"] == 0  # this app runs the api role only
    assert stats["retentionDays"] == 7


@pytest.mark.parametrize(
    ("role", "read_status", "write_status"), [("reader", 403, 403), ("maintainer", 200, 200)]
)
async def test_the_permission_matrix_guards_tasks(
    admin: ApiClient, app_runtime: Runtime, role: str, read_status: int, write_status: int
) -> None:
    """§5.1: tasks:read and tasks:write belong to maintainers and admins, not readers."""
    task_id = await enqueue(app_runtime)
    caller = await user_client(admin, f"{role}1", role)
    caller.headers["X-Colophon-Csrf"] = "1"

    reads = [
        await caller.get("/api/v1/tasks"),
        await caller.get(f"/api/v1/tasks/{task_id}"),
        await caller.get("/api/v1/tasks/stats"),
    ]
    writes = [
        await caller.post(f"/api/v1/tasks/{task_id}/cancel"),
        await caller.delete("/api/v1/tasks/finished"),
    ]
    assert [r.status_code for r in reads] == [read_status] * 3
    assert [w.status_code for w in writes] == [write_status] * 2
    if read_status == 403:
        assert reads[0].json() == {
            "error": "forbidden",
            "message": "missing permission 'tasks:read'",
            "requiredPermission": "tasks:read",
        }
        assert writes[0].json()["requiredPermission"] == "tasks:write"


async def test_tasks_need_authentication(client: ApiClient) -> None:
    response = await client.get("/api/v1/tasks")
    assert response.status_code == 401


async def test_metrics_need_metrics_read_and_list_the_catalogue(
    admin: ApiClient, app_runtime: Runtime
) -> None:
    """§9.3: admins only; the task gauges come from the database."""
    await enqueue(app_runtime, NOOP)
    maintainer = await user_client(admin, "maint", "maintainer")

    anonymous = ApiClient(transport=admin._transport, base_url=str(admin.base_url))
    assert (await anonymous.get("/metrics")).status_code == 401
    denied = await maintainer.get("/metrics")
    assert denied.status_code == 403
    assert denied.json()["requiredPermission"] == "metrics:read"

    response = await admin.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'colophon_tasks{status="pending",type="test_noop"} 1.0' in text
    for name in (
        "colophon_build_info",
        "colophon_tasks_oldest_pending_age_seconds",
        "colophon_sse_subscribers",
        "colophon_http_requests_total",
        "colophon_http_request_duration_seconds",
    ):
        assert name in text
