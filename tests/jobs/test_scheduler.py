"""The scheduler (library-jobs §5.5, §5.6): slot decisions, claims, misfires, backstops."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine
from sqlalchemy import func, select, update
from tests.jobs.conftest import Catalogue, add_plugin

from colophon.app import task_abandoned_hooks
from colophon.config import Settings
from colophon.jobs.cron import Schedule
from colophon.jobs.models import LibraryJob, LibraryJobRun
from colophon.jobs.run_summary import CANCELLED_BEFORE_START, TASK_ENDED, WORKER_LOST
from colophon.jobs.runs import start_run
from colophon.jobs.scheduler import JobScheduler, SlotDecision, claim_slot, decide_slot
from colophon.runtime import Runtime
from colophon.system import metrics
from colophon.tasks.models import Task
from colophon.tasks.worker import Worker

HOUR = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-05-04 {text}").replace(tzinfo=UTC)


def test_a_missed_hourly_slot_within_the_grace_fires_one_catch_up_run() -> None:
    """SCH-6: scheduler down 02:10–09:30 → one run for 09:00, next at 10:00."""
    hourly = Schedule.of("0 * * * *", "UTC")
    assert decide_slot(hourly, now=at("09:30"), grace=HOUR) == SlotDecision(
        True, at("09:00"), at("10:00")
    )


def test_a_daily_slot_beyond_the_grace_misfires() -> None:
    """SCH-6: daily 04:00, back at 09:30 → no run, next tomorrow 04:00."""
    daily = Schedule.of("0 4 * * *", "UTC")
    decision = decide_slot(daily, now=at("09:30"), grace=HOUR)
    assert decision == SlotDecision(False, None, at("04:00") + timedelta(days=1))


def fires(outcome: str) -> float:
    return float(metrics.SCHEDULER_FIRES.labels(outcome=outcome)._value.get())


async def enabled_job(
    runtime: Runtime, library_id: uuid.UUID, cron: str, due: datetime
) -> uuid.UUID:
    async with runtime.db.write() as session:
        job = LibraryJob(
            library_id=library_id,
            type="metadata_refresh",
            name="scheduled",
            enabled=True,
            cron_schedule=cron,
            config={"type": "metadata_refresh", "provider": "plugin:echo"},
            next_run_at=due,
        )
        session.add(job)
        await session.flush()
        return job.id


async def runs_of(runtime: Runtime, job_id: uuid.UUID) -> list[LibraryJobRun]:
    async with runtime.db.read() as session:
        return list(
            await session.scalars(select(LibraryJobRun).where(LibraryJobRun.job_id == job_id))
        )


async def next_run_at(runtime: Runtime, job_id: uuid.UUID) -> datetime | None:
    async with runtime.db.read() as session:
        return await session.scalar(select(LibraryJob.next_run_at).where(LibraryJob.id == job_id))


async def library(runtime: Runtime, tmp_path: Path) -> uuid.UUID:
    await add_plugin(runtime.db)
    return await Catalogue(runtime.db, tmp_path / "lib").library()


async def test_a_due_slot_enqueues_one_scheduled_run_and_moves_next_run_at(
    runtime: Runtime, tmp_path: Path
) -> None:
    """SCH-3, SCH-4: trigger schedule, scheduled_for = the slot, task created by the scheduler."""
    library_id = await library(runtime, tmp_path)
    job_id = await enabled_job(runtime, library_id, "0 * * * *", at("09:00"))
    scheduler = JobScheduler(runtime)
    enqueued = fires("enqueued")
    with time_machine.travel(at("09:00") + timedelta(seconds=1), tick=False):
        assert await scheduler.fire_due(at("09:00") + timedelta(seconds=1)) == 1
        assert await scheduler.fire_due(at("09:00") + timedelta(seconds=1)) == 0
    [run] = await runs_of(runtime, job_id)
    assert (run.trigger, run.status, run.scheduled_for) == ("schedule", "pending", at("09:00"))
    assert await next_run_at(runtime, job_id) == at("10:00")
    async with runtime.db.read() as session:
        task = await session.get(Task, run.task_id)
    assert task is not None and task.created_by == "scheduler"
    assert fires("enqueued") == enqueued + 1


async def test_missed_slots_fire_at_most_one_catch_up_run(runtime: Runtime, tmp_path: Path) -> None:
    """SCH-6 through the claim: several missed hourly slots, one run for the newest."""
    library_id = await library(runtime, tmp_path)
    job_id = await enabled_job(runtime, library_id, "0 * * * *", at("03:00"))
    now = at("09:30")
    assert await JobScheduler(runtime).fire_due(now) == 1
    [run] = await runs_of(runtime, job_id)
    assert run.scheduled_for == at("09:00")
    assert await next_run_at(runtime, job_id) == at("10:00")


async def test_a_slot_beyond_the_grace_is_consumed_without_a_run(
    runtime: Runtime, tmp_path: Path
) -> None:
    """SCH-5, SCH-6: misfire counted, next future slot stored."""
    library_id = await library(runtime, tmp_path)
    job_id = await enabled_job(runtime, library_id, "0 4 * * *", at("04:00"))
    misfires = fires("misfire")
    assert await JobScheduler(runtime).fire_due(at("09:30")) == 0
    assert await runs_of(runtime, job_id) == []
    assert await next_run_at(runtime, job_id) == at("04:00") + timedelta(days=1)
    assert fires("misfire") == misfires + 1


async def test_a_slot_arriving_during_an_active_run_is_consumed_without_a_second_run(
    runtime: Runtime, tmp_path: Path
) -> None:
    """SCH-5: skipped_active."""
    library_id = await library(runtime, tmp_path)
    job_id = await enabled_job(runtime, library_id, "0 * * * *", at("09:00"))
    async with runtime.db.write() as session:
        job = await session.get(LibraryJob, job_id)
        assert job is not None
        await start_run(session, runtime.bus, job, trigger="manual", created_by="cli")
    skipped = fires("skipped_active")
    assert await JobScheduler(runtime).fire_due(at("09:00") + timedelta(seconds=1)) == 0
    assert len(await runs_of(runtime, job_id)) == 1
    assert await next_run_at(runtime, job_id) == at("10:00")
    assert fires("skipped_active") == skipped + 1


async def test_a_lost_compare_and_set_creates_nothing(runtime: Runtime, tmp_path: Path) -> None:
    """SCH-4: the stored slot moved (another scheduler or an edit); 0 rows, no run."""
    library_id = await library(runtime, tmp_path)
    job_id = await enabled_job(runtime, library_id, "0 * * * *", at("10:00"))
    async with runtime.db.write() as session:
        assert not await claim_slot(session, job_id, at("09:00"), at("11:00"))
    assert await next_run_at(runtime, job_id) == at("10:00")
    assert await runs_of(runtime, job_id) == []


async def test_scheduler_start_recomputes_future_slots_after_the_default_zone_changed(
    runtime: Runtime, tmp_path: Path, settings: Settings
) -> None:
    """§5.5: a changed scheduler.timezone moves future next_run_at of zone-less jobs."""
    library_id = await library(runtime, tmp_path)
    now = at("01:00")
    job_id = await enabled_job(runtime, library_id, "0 4 * * *", at("04:00"))
    zoned = settings.model_copy(
        update={"scheduler": settings.scheduler.model_copy(update={"timezone": "Asia/Tokyo"})}
    )
    tokyo = Runtime(settings=zoned, db=runtime.db)
    assert await JobScheduler(tokyo).recompute_future_slots(now) == 1
    # 04:00 in Tokyo is 19:00 UTC the day before; the first one after 01:00Z is that evening.
    assert await next_run_at(runtime, job_id) == at("19:00")


async def pending_run(runtime: Runtime, library_id: uuid.UUID, job_id: uuid.UUID) -> Any:
    async with runtime.db.write() as session:
        job = await session.get(LibraryJob, job_id)
        assert job is not None
        return await start_run(session, runtime.bus, job, trigger="manual", created_by="cli")


async def test_backstop_closes_runs_whose_task_ended(runtime: Runtime, tmp_path: Path) -> None:
    """SCH-7, RUN-15: a cancelled pending task closes its run `Cancelled before start`;
    a task that failed without finishing its run closes it as a failure."""
    library_id = await library(runtime, tmp_path)
    first = await enabled_job(runtime, library_id, "0 * * * *", at("09:00"))
    second = await enabled_job(runtime, library_id, "0 * * * *", at("09:00"))
    cancelled = await pending_run(runtime, library_id, first)
    failed = await pending_run(runtime, library_id, second)
    async with runtime.db.write() as session:
        await session.execute(
            update(Task).where(Task.id == cancelled.task_id).values(status="cancelled")
        )
        await session.execute(update(Task).where(Task.id == failed.task_id).values(status="failed"))
        await session.execute(
            update(LibraryJobRun).where(LibraryJobRun.id == failed.run_id).values(status="running")
        )
    scheduler = JobScheduler(runtime)
    scheduler.recomputed = True
    await scheduler.run_pass()
    async with runtime.db.read() as session:
        first_run = await session.get(LibraryJobRun, cancelled.run_id)
        second_run = await session.get(LibraryJobRun, failed.run_id)
        first_job = await session.get(LibraryJob, first)
    assert first_run is not None and second_run is not None and first_job is not None
    assert (first_run.status, first_run.message) == ("cancelled", CANCELLED_BEFORE_START)
    assert (second_run.status, second_run.message) == ("failure", TASK_ENDED)
    assert first_job.last_run_status == "cancelled"


async def test_a_run_whose_worker_died_ends_worker_lost(runtime: Runtime, tmp_path: Path) -> None:
    """RUN-17 through the real sweeper: lease expired, no attempts left → on_abandoned."""
    library_id = await library(runtime, tmp_path)
    job_id = await enabled_job(runtime, library_id, "0 * * * *", at("09:00"))
    started = await pending_run(runtime, library_id, job_id)
    past = datetime.now(UTC) - timedelta(minutes=5)
    async with runtime.db.write() as session:
        await session.execute(
            update(Task)
            .where(Task.id == started.task_id)
            .values(status="processing", attempts=1, locked_by="dead", locked_until=past)
        )
        await session.execute(
            update(LibraryJobRun).where(LibraryJobRun.id == started.run_id).values(status="running")
        )
    worker = Worker(runtime, {}, task_abandoned_hooks())
    await worker.sweep()
    async with runtime.db.read() as session:
        run = await session.get(LibraryJobRun, started.run_id)
        job = await session.get(LibraryJob, job_id)
        tasks = await session.scalar(select(func.count()).select_from(Task))
    assert run is not None and job is not None
    assert (run.status, run.message) == ("failure", WORKER_LOST)
    assert (job.last_run_status, job.last_run_message) == ("failure", WORKER_LOST)
    assert job.last_run_at == run.finished_at
    assert tasks == 1
