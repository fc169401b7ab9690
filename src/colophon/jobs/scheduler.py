"""The jobs scheduler: claim due slots exactly once, fire at most one catch-up run (§5.6).

The database is the schedule. A pass selects due jobs, decides each slot in a pure function,
then moves ``next_run_at`` by compare-and-set; only the process whose update changed the row
enqueues, in the same transaction. Any number of schedulers may run on PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.db.clock import utcnow
from colophon.jobs.cron import CronError, Schedule, TimezoneError
from colophon.jobs.job_types import find_job_type
from colophon.jobs.models import ACTIVE_RUN_STATUSES, LibraryJob, LibraryJobRun
from colophon.jobs.run_summary import CANCELLED_BEFORE_START, TASK_ENDED, RunCounters
from colophon.jobs.runs import JOBS_CHANGED, ActiveRun, RunEnd, record_run_end, start_run
from colophon.runtime import Runtime
from colophon.system import metrics
from colophon.system.scheduler_loop import PeriodicWork
from colophon.tasks.models import FINISHED_STATUSES, Task

log = structlog.get_logger(__name__)
BATCH_SIZE = 100  # SCH-2
MISSING_TASK_GRACE = timedelta(seconds=60)  # SCH-7
MIN_WAIT = timedelta(milliseconds=50)


@dataclass(frozen=True, slots=True)
class SlotDecision:
    """Whether the newest missed slot fires, which slot that is, and the next one to store."""

    fire: bool
    scheduled_for: datetime | None
    next_run_at: datetime


def decide_slot(schedule: Schedule, *, now: datetime, grace: timedelta) -> SlotDecision:
    """SCH-3: fire the newest slot ≤ now when it is within the grace, else count a misfire."""
    latest = schedule.latest_at_or_before(now)
    fire = latest is not None and now - latest <= grace
    return SlotDecision(fire, latest if fire else None, schedule.first_after(now))


async def claim_slot(
    session: AsyncSession, job_id: uuid.UUID, due: datetime, new_next: datetime | None
) -> bool:
    """Move next_run_at from ``due`` to ``new_next``; False when another process got there first."""
    result = await session.execute(
        update(LibraryJob)
        .where(LibraryJob.id == job_id, LibraryJob.enabled.is_(True))
        .where(LibraryJob.next_run_at == due)
        .values(next_run_at=new_next)
    )
    return getattr(result, "rowcount", 0) == 1  # SCH-4: 0 rows = another scheduler or an edit won


@dataclass(frozen=True, slots=True)
class DueJob:
    id: uuid.UUID
    type: str
    cron_schedule: str
    timezone: str | None
    next_run_at: datetime


def _due_job(
    job_id: uuid.UUID, kind: str, cron: str, timezone: str | None, next_run_at: datetime | None
) -> DueJob:
    assert next_run_at is not None  # both queries select rows whose next_run_at is set
    return DueJob(job_id, kind, cron, timezone, next_run_at)


class JobScheduler:
    """One process's scheduler state: whether the start-up recompute has run."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.recomputed = False

    @property
    def grace(self) -> timedelta:
        return timedelta(seconds=self.runtime.settings.scheduler.misfire_grace_s)

    @property
    def default_timezone(self) -> str:
        return self.runtime.settings.scheduler.timezone

    async def run_pass(self) -> timedelta:
        """One pass (SCH-2..SCH-7); returns how long to sleep before the next one."""
        now = utcnow()
        if not self.recomputed:
            await self.recompute_future_slots(now)
            self.recomputed = True
        await finalise_orphaned_runs(self.runtime, now=now)
        await self.fire_due(now)
        poll = timedelta(seconds=self.runtime.settings.scheduler.poll_interval_s)
        return min(await self.next_wait(utcnow()), poll)

    async def fire_due(self, now: datetime) -> int:
        """Claim every due slot, 100 jobs per query; the number of runs enqueued."""
        fired = 0
        while True:
            batch = await self._due_batch(now)
            for job in batch:
                fired += await self._fire(job, now)
            if len(batch) < BATCH_SIZE:
                return fired

    async def _due_batch(self, now: datetime) -> list[DueJob]:
        async with self.runtime.db.read() as session:
            rows = await session.execute(
                select(
                    LibraryJob.id,
                    LibraryJob.type,
                    LibraryJob.cron_schedule,
                    LibraryJob.timezone,
                    LibraryJob.next_run_at,
                )
                .where(LibraryJob.enabled.is_(True), LibraryJob.next_run_at <= now)
                .order_by(LibraryJob.next_run_at, LibraryJob.id)
                .limit(BATCH_SIZE)
            )
            return [_due_job(*row) for row in rows]

    def _schedule(self, job: DueJob) -> Schedule | None:
        try:
            return Schedule.of(job.cron_schedule, job.timezone or self.default_timezone)
        except (CronError, TimezoneError):
            return None

    async def _fire(self, job: DueJob, now: datetime) -> int:
        schedule = self._schedule(job)
        if schedule is None or find_job_type(job.type) is None:
            # §5.5: a schedule we cannot evaluate (or a type we do not know, CFG-4) parks the
            # job at NULL instead of being retried on every pass.
            log.error("job_schedule_unusable", jobId=str(job.id), cron=job.cron_schedule)
            async with self.runtime.db.write() as session:
                await claim_slot(session, job.id, job.next_run_at, None)
            return 0
        decision = decide_slot(schedule, now=now, grace=self.grace)
        async with self.runtime.db.write() as session:
            if not await claim_slot(session, job.id, job.next_run_at, decision.next_run_at):
                return 0
            if not decision.fire:
                metrics.SCHEDULER_FIRES.labels(outcome="misfire").inc()
                log.warning("job_slot_misfired", jobId=str(job.id), due=job.next_run_at.isoformat())
                return 0
            row = await session.get(LibraryJob, job.id)
            assert row is not None  # the claim just updated it in this transaction
            started = await start_run(
                session,
                self.runtime.bus,
                row,
                trigger="schedule",
                created_by="scheduler",
                scheduled_for=decision.scheduled_for,
            )
        if isinstance(started, ActiveRun):
            metrics.SCHEDULER_FIRES.labels(outcome="skipped_active").inc()
            log.warning(
                f"previous run of job {job.id} still active; slot "
                f"{decision.scheduled_for.isoformat() if decision.scheduled_for else ''} skipped"
            )
            return 0
        metrics.SCHEDULER_FIRES.labels(outcome="enqueued").inc()
        log.info("job_slot_fired", jobId=str(job.id), runId=str(started.run_id))
        return 1

    async def next_wait(self, now: datetime) -> timedelta:
        """Until the earliest next_run_at (the loop caps it at pollIntervalS)."""
        async with self.runtime.db.read() as session:
            earliest = await session.scalar(
                select(func.min(LibraryJob.next_run_at)).where(LibraryJob.enabled.is_(True))
            )
        if earliest is None:
            return timedelta(seconds=self.runtime.settings.scheduler.poll_interval_s)
        return max(earliest - now, MIN_WAIT)

    async def recompute_future_slots(self, now: datetime) -> int:
        """§5.5 scheduler start: future slots follow a changed default zone or tzdata."""
        async with self.runtime.db.read() as session:
            rows = await session.execute(
                select(
                    LibraryJob.id,
                    LibraryJob.type,
                    LibraryJob.cron_schedule,
                    LibraryJob.timezone,
                    LibraryJob.next_run_at,
                ).where(LibraryJob.enabled.is_(True), LibraryJob.next_run_at > now)
            )
            jobs = [_due_job(*row) for row in rows]
        changed = 0
        for job in jobs:
            schedule = self._schedule(job)
            new_next = schedule.first_after(now) if schedule is not None else None
            if new_next == job.next_run_at:
                continue
            async with self.runtime.db.write() as session:
                changed += await claim_slot(session, job.id, job.next_run_at, new_next)
        return changed


async def finalise_orphaned_runs(runtime: Runtime, *, now: datetime) -> int:
    """SCH-7: close runs whose task ended (or vanished) without finishing them."""
    async with runtime.db.write() as session:
        rows = await session.execute(
            select(LibraryJobRun, Task.status)
            .outerjoin(Task, Task.id == LibraryJobRun.task_id)
            .where(LibraryJobRun.status.in_(ACTIVE_RUN_STATUSES))
            .where(
                (Task.status.in_(FINISHED_STATUSES))
                | (Task.id.is_(None) & (LibraryJobRun.created_at < now - MISSING_TASK_GRACE))
            )
            .with_for_update(of=LibraryJobRun, skip_locked=True)
        )
        closed = 0
        for run, task_status in rows:
            await record_run_end(session, runtime.bus, run, _orphan_end(run, task_status))
            closed += 1
    if closed:
        log.warning("orphaned_runs_finalised", count=closed)
    return closed


def _orphan_end(run: LibraryJobRun, task_status: str | None) -> RunEnd:
    # A pending run whose task was cancelled before a worker claimed it (RUN-15): the task
    # API cancels the task alone, so the run is closed here with the message it deserves.
    if run.status == "pending" and task_status == "cancelled":
        return RunEnd("cancelled", CANCELLED_BEFORE_START, RunCounters().to_stored())
    return RunEnd("failure", TASK_ENDED, RunCounters().to_stored())


_SCHEDULERS: dict[uuid.UUID, JobScheduler] = {}


def scheduler_of(runtime: Runtime) -> JobScheduler:
    """The scheduler state of this process (one per runtime)."""
    scheduler = _SCHEDULERS.get(runtime.instance_id)
    if scheduler is None:
        scheduler = _SCHEDULERS[runtime.instance_id] = JobScheduler(runtime)
    return scheduler


async def run_scheduler_pass(runtime: Runtime) -> timedelta:
    return await scheduler_of(runtime).run_pass()


JOB_SCHEDULER_WORK = PeriodicWork(
    name="jobs",
    run=run_scheduler_pass,
    # The pass itself returns at most scheduler.pollIntervalS (SCH-2); this is the ceiling.
    max_wait=timedelta(seconds=300),
    wake_on=frozenset({JOBS_CHANGED}),
)
"""The scheduler role's jobs piece (register in ``app.periodic_work``)."""
