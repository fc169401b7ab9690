"""The scheduler role in a running app (SCH-1, SCH-2): woken by jobs.changed, fires on time."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from tests.conftest import ApiClient
from tests.jobs.conftest import JobFactory, jobs_url

from colophon.config import Settings, load_settings
from colophon.wire import format_instant

POLL_S = 300  # without the jobs.changed wake-up nothing could fire before this


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The default settings, but a 300 s poll: only a jobs.changed wake-up can fire in time."""
    environ = {
        "COLOPHON_DATA_DIR": str(tmp_path / "data"),
        "COLOPHON_DATABASE__URL": database_url,
        "COLOPHON_WORKER__POLL_INTERVAL_S": "0.2",
        "COLOPHON_SCHEDULER__POLL_INTERVAL_S": str(POLL_S),
        "COLOPHON_LOGGING__LEVEL": "warning",
    }
    config_file = tmp_path / "colophon.yaml"
    config_file.write_text("{}\n")
    return load_settings(str(config_file), environ=environ, overrides={}).settings


async def test_a_new_job_wakes_the_scheduler_and_its_slot_fires_on_time(
    admin: ApiClient, make_job: JobFactory, library_id: uuid.UUID
) -> None:
    """SCH-2: an every-minute job created 2 s before a minute boundary fires at that boundary.

    The scheduler polls every 300 s, so only the wake-up on job creation can fire it within
    the test's 15 s; the run is never created before its slot. (How soon after the slot is
    not asserted: that is a matter of the machine's load, not of the code.)

    The wall clock is moved (ticking) to just before the next minute so the test takes
    seconds; the loop's sleeps use the monotonic clock, which is not moved.
    """
    now = datetime.now(UTC)
    boundary = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(boundary - timedelta(seconds=2), tick=True):
        job = await make_job(enabled=True, cronSchedule="* * * * *")
        assert job["nextRunAt"] == format_instant(boundary)
        url = f"{jobs_url(library_id)}/{job['id']}/runs"
        await _wait_for_first_run(admin, url, job)


async def _wait_for_first_run(admin: ApiClient, url: str, job: dict[str, Any]) -> None:
    deadline = asyncio.get_running_loop().time() + 15
    while True:
        items = (await admin.get(url)).json()["items"]
        if items:
            break
        assert asyncio.get_running_loop().time() < deadline, "no scheduled run"
        await asyncio.sleep(0.1)
    run = items[0]
    assert run["trigger"] == "schedule" and run["scheduledFor"] == job["nextRunAt"]
    created = datetime.fromisoformat(run["createdAt"].replace("Z", "+00:00"))
    slot = datetime.fromisoformat(run["scheduledFor"].replace("Z", "+00:00"))
    assert 0 <= (created - slot).total_seconds() < POLL_S
