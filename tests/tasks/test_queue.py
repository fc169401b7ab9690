"""The queue's statements on both databases (platform §3.2–§3.8)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from colophon.db.clock import utcnow
from colophon.errors import Conflict
from colophon.runtime import Runtime
from colophon.tasks import queue
from colophon.tasks.models import Task
from colophon.tasks.service import submit
from tests.tasks.handlers import FAIL, NOOP, SLEEP

LEASE = timedelta(seconds=60)
ME = "host:1:abcdefgh/0"


async def enqueue(runtime: Runtime, task_type: str = NOOP, **options: Any) -> uuid.UUID:
    async with runtime.db.write() as session:
        enqueued = await submit(session, runtime.bus, task_type, **options)
    return enqueued.task.id


async def claim(runtime: Runtime, types: frozenset[str] = frozenset({NOOP})) -> Task | None:
    return await queue.claim_next(runtime.db, ME, types, LEASE)


async def read(runtime: Runtime, task_id: uuid.UUID) -> Task:
    async with runtime.db.read() as session:
        return await queue.get_task(session, task_id)


async def set_columns(runtime: Runtime, task_id: uuid.UUID, **values: Any) -> None:
    async with runtime.db.write() as session:
        await session.execute(update(Task).where(Task.id == task_id).values(**values))


async def test_a_claim_takes_the_highest_priority_then_the_earliest_due(runtime: Runtime) -> None:
    """§3.4: priority DESC, then scheduled_for; a future task is not claimable."""
    now = utcnow()
    async with runtime.db.write() as session:
        low = await queue.enqueue(session, NOOP, priority=1, scheduled_for=now)
        later = await queue.enqueue(session, NOOP, priority=5, scheduled_for=now)
        earlier = await queue.enqueue(
            session, NOOP, priority=5, scheduled_for=now - timedelta(seconds=5)
        )
        future = await queue.enqueue(
            session, NOOP, priority=9, scheduled_for=now + timedelta(hours=1)
        )
    order = [(await claim(runtime)) for _ in range(4)]

    assert [task.id if task else None for task in order] == [
        earlier.task.id,
        later.task.id,
        low.task.id,
        None,
    ]
    assert (await read(runtime, future.task.id)).status == "pending"


async def test_a_claim_sets_the_lease_and_counts_the_attempt(runtime: Runtime) -> None:
    task_id = await enqueue(runtime)
    claimed = await claim(runtime)

    assert claimed is not None and claimed.id == task_id
    assert claimed.status == "processing"
    assert claimed.locked_by == ME
    assert claimed.attempts == 1
    assert claimed.started_at is not None and claimed.heartbeat_at is not None
    assert claimed.locked_until is not None and claimed.locked_until > claimed.heartbeat_at


async def test_a_worker_never_claims_a_type_it_has_no_handler_for(runtime: Runtime) -> None:
    """§3.4 rule 3: safe rolling upgrades."""
    await enqueue(runtime, SLEEP)
    assert await claim(runtime, frozenset({NOOP})) is None
    assert await claim(runtime, frozenset()) is None


async def test_a_second_enqueue_with_the_same_key_returns_the_active_task(
    runtime: Runtime,
) -> None:
    """§3.3: dedup among active tasks; once finished the key is free again."""
    async with runtime.db.write() as session:
        first = await submit(session, runtime.bus, NOOP, dedup_key="k")
        second = await submit(session, runtime.bus, NOOP, dedup_key="k")
    assert (first.created, second.created) == (True, False)
    assert second.task.id == first.task.id

    claimed = await claim(runtime)
    assert claimed is not None
    async with runtime.db.write() as session:
        await queue.finish(session, claimed.id, ME, result={})
    async with runtime.db.write() as session:
        third = await submit(session, runtime.bus, NOOP, dedup_key="k")
    assert third.created and third.task.id != first.task.id


async def test_a_heartbeat_extends_the_lease_and_reports_a_cancel(runtime: Runtime) -> None:
    """§3.5 rule 1."""
    await enqueue(runtime)
    claimed = await claim(runtime)
    assert claimed is not None and claimed.locked_until is not None
    await set_columns(runtime, claimed.id, locked_until=utcnow(), cancel_requested=True)

    assert await queue.heartbeat(runtime.db, claimed.id, ME, LEASE) is True
    assert (await read(runtime, claimed.id)).locked_until > utcnow() + timedelta(seconds=30)


async def test_an_outcome_after_a_lost_lease_is_discarded(runtime: Runtime) -> None:
    """§3.2: every transition out of processing is guarded by the lease owner."""
    await enqueue(runtime)
    claimed = await claim(runtime)
    assert claimed is not None
    await set_columns(runtime, claimed.id, locked_by="someone-else")

    assert await queue.heartbeat(runtime.db, claimed.id, ME, LEASE) is None
    async with runtime.db.write() as session:
        assert await queue.finish(session, claimed.id, ME, result={"x": 1}) is None
    task = await read(runtime, claimed.id)
    assert (task.status, task.result, task.locked_by) == ("processing", None, "someone-else")


async def test_failures_back_off_60_then_120_seconds_then_fail(runtime: Runtime) -> None:
    """§3.6 rule 2: max_attempts=3 → retried after 60 s and 120 s, then failed."""
    task_id = await enqueue(runtime, FAIL)
    delays = []
    for _ in range(3):
        await set_columns(runtime, task_id, scheduled_for=utcnow())  # the backoff has passed
        claimed = await claim(runtime, frozenset({FAIL}))
        assert claimed is not None
        before = utcnow()
        async with runtime.db.write() as session:
            task = await queue.fail(
                session, task_id, ME, error="boom", permanent=False, backoff=(60, 3600)
            )
        assert task is not None
        if task.status == "pending":
            delays.append(round((task.scheduled_for - before).total_seconds()))

    final = await read(runtime, task_id)
    assert delays == [60, 120]
    assert (final.status, final.attempts, final.last_error) == ("failed", 3, "boom")
    assert final.completed_at is not None


async def test_a_permanent_error_fails_at_once(runtime: Runtime) -> None:
    task_id = await enqueue(runtime, FAIL)
    await claim(runtime, frozenset({FAIL}))
    async with runtime.db.write() as session:
        task = await queue.fail(
            session, task_id, ME, error="no", permanent=True, backoff=(60, 3600)
        )
    assert task is not None and (task.status, task.attempts) == ("failed", 1)


async def test_retry_later_keeps_attempts_and_fails_after_ten_reschedules(
    runtime: Runtime,
) -> None:
    """§3.6 rule 3."""
    task_id = await enqueue(runtime, FAIL)
    statuses = []
    for _ in range(11):
        await set_columns(runtime, task_id, scheduled_for=utcnow())
        assert await claim(runtime, frozenset({FAIL})) is not None
        async with runtime.db.write() as session:
            task = await queue.reschedule(session, task_id, ME, delay=timedelta(seconds=30))
        assert task is not None
        statuses.append((task.status, task.attempts))

    assert statuses[:10] == [("pending", 0)] * 10
    final = await read(runtime, task_id)
    assert (final.status, final.last_error) == ("failed", "exceeded 10 reschedules")


async def test_a_shutdown_release_does_not_use_an_attempt(runtime: Runtime) -> None:
    """§1.3 rule 4."""
    task_id = await enqueue(runtime)
    await claim(runtime)
    async with runtime.db.write() as session:
        released = await queue.release(session, task_id, ME)
    assert released is not None
    assert (released.status, released.attempts, released.locked_by) == ("pending", 0, None)


async def test_the_sweeper_returns_expired_leases_or_fails_exhausted_ones(
    runtime: Runtime,
) -> None:
    """§3.7: the dead claim's attempt stays used."""
    retried = await enqueue(runtime, SLEEP)  # max_attempts 3
    exhausted = await enqueue(runtime, NOOP)  # max_attempts 1
    for _ in range(2):
        assert await claim(runtime, frozenset({SLEEP, NOOP})) is not None
    expired = utcnow() - timedelta(seconds=1)
    await set_columns(runtime, retried, locked_until=expired)
    await set_columns(runtime, exhausted, locked_until=expired)

    async with runtime.db.write() as session:
        recovered = await queue.recover_stale(session)

    assert {task.id for task in recovered} == {retried, exhausted}
    back, failed = await read(runtime, retried), await read(runtime, exhausted)
    assert (back.status, back.attempts, back.last_error) == (
        "pending",
        1,
        f"lease expired (worker {ME})",
    )
    assert (failed.status, failed.last_error) == ("failed", "lease expired after 1 attempts")


async def test_the_sweeper_leaves_live_leases_alone(runtime: Runtime) -> None:
    await enqueue(runtime)
    await claim(runtime)
    async with runtime.db.write() as session:
        assert await queue.recover_stale(session) == []


async def test_cancel_of_a_pending_task_is_immediate(runtime: Runtime) -> None:
    """§3.5 rule 3."""
    task_id = await enqueue(runtime)
    async with runtime.db.write() as session:
        task = await queue.request_cancel(session, task_id)
    assert (task.status, task.cancel_requested) == ("cancelled", False)
    assert task.completed_at is not None


async def test_a_processing_task_with_a_cancel_request_ends_cancelled(runtime: Runtime) -> None:
    """§3.5 rule 4: a handler returning while cancel_requested is set ends cancelled."""
    task_id = await enqueue(runtime)
    await claim(runtime)
    async with runtime.db.write() as session:
        requested = await queue.request_cancel(session, task_id)
    assert (requested.status, requested.cancel_requested) == ("processing", True)
    async with runtime.db.write() as session:
        finished = await queue.finish(session, task_id, ME, result={"partial": True})
    assert finished is not None
    assert (finished.status, finished.result) == ("cancelled", {"partial": True})


async def test_cancel_or_retry_of_a_completed_task_conflicts(runtime: Runtime) -> None:
    task_id = await enqueue(runtime)
    await claim(runtime)
    async with runtime.db.write() as session:
        await queue.finish(session, task_id, ME, result={})
    with pytest.raises(Conflict, match="task already finished"):
        async with runtime.db.write() as session:
            await queue.request_cancel(session, task_id)
    with pytest.raises(Conflict, match="only failed or cancelled tasks can be retried"):
        async with runtime.db.write() as session:
            await queue.retry(session, task_id)


async def test_retry_resets_a_failed_task(runtime: Runtime) -> None:
    """§3.6 rule 4."""
    task_id = await enqueue(runtime, FAIL)
    await claim(runtime, frozenset({FAIL}))
    async with runtime.db.write() as session:
        await queue.fail(session, task_id, ME, error="x", permanent=True, backoff=(60, 3600))
    async with runtime.db.write() as session:
        task = await queue.retry(session, task_id)
    assert (task.status, task.attempts, task.last_error, task.completed_at) == (
        "pending",
        0,
        None,
        None,
    )
    assert (await claim(runtime, frozenset({FAIL}))) is not None


async def test_retry_conflicts_with_an_active_task_of_the_same_key(runtime: Runtime) -> None:
    first = await enqueue(runtime, dedup_key="scan:1")
    async with runtime.db.write() as session:
        await queue.request_cancel(session, first)
    second = await enqueue(runtime, dedup_key="scan:1")

    with pytest.raises(Conflict) as raised:
        async with runtime.db.write() as session:
            await queue.retry(session, first)
    assert raised.value.task_id == second


async def test_purge_deletes_only_finished_tasks_older_than_the_cutoff(runtime: Runtime) -> None:
    old, recent, active = [await enqueue(runtime) for _ in range(3)]
    for task_id in (old, recent):
        async with runtime.db.write() as session:
            await queue.request_cancel(session, task_id)
    await set_columns(runtime, old, completed_at=utcnow() - timedelta(days=8))

    async with runtime.db.write() as session:
        assert await queue.purge_finished(session, timedelta(days=7)) == 1
    async with runtime.db.write() as session:
        assert await queue.purge_finished(session, timedelta(0)) == 1
    assert (await read(runtime, active)).status == "pending"
