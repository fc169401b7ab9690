"""Cron, zones and DST (library-jobs §5.1-§5.4): pure rules, then the preview endpoint."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import ApiClient
from tests.jobs.conftest import JobFactory, jobs_url

from colophon.jobs.cron import CronError, Schedule, parse_cron

NY = "America/New_York"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def slots(expr: str, after: str, count: int, tz: str = NY) -> list[datetime]:
    return Schedule.of(expr, tz).next_runs(utc(after), count)


def test_worked_example_1_spring_forward_fixed_time_runs_once_after_the_jump() -> None:
    """CRON-9, §5.4 example 1."""
    assert slots("30 2 * * *", "2026-03-07 17:00", 3) == [
        utc("2026-03-08 07:00"),
        utc("2026-03-09 06:30"),
        utc("2026-03-10 06:30"),
    ]


def test_worked_example_2_fall_back_fixed_time_runs_only_the_first_occurrence() -> None:
    """CRON-10, §5.4 example 2."""
    assert slots("30 1 * * *", "2026-10-31 16:00", 2) == [
        utc("2026-11-01 05:30"),
        utc("2026-11-02 06:30"),
    ]


def test_worked_example_3_wildcard_keeps_real_time_spacing_through_fall_back() -> None:
    """CRON-10, §5.4 example 3."""
    assert slots("*/30 * * * *", "2026-11-01 04:10", 6) == [
        utc("2026-11-01 04:30"),
        utc("2026-11-01 05:00"),
        utc("2026-11-01 05:30"),
        utc("2026-11-01 06:00"),
        utc("2026-11-01 06:30"),
        utc("2026-11-01 07:00"),
    ]


def test_hourly_fires_at_one_edt_and_one_est_on_fall_back_day() -> None:
    """Checklist: `0 * * * *` fires at 01:00 EDT (05:00Z) and 01:00 EST (06:00Z)."""
    fired = slots("0 * * * *", "2026-11-01 04:30", 3)
    assert fired == [utc("2026-11-01 05:00"), utc("2026-11-01 06:00"), utc("2026-11-01 07:00")]


def test_wildcard_slots_inside_the_spring_gap_do_not_run() -> None:
    """CRON-9: `*/20 2 * * *` has no slot on 2026-03-08 (02:00-03:00 does not exist)."""
    fired = slots("*/20 2 * * *", "2026-03-07 12:00", 4)
    assert all(slot.astimezone(Schedule.of("@daily", NY).tz).day != 8 for slot in fired)
    assert fired[0] == utc("2026-03-09 06:00")


def test_next_slot_after_an_instant_inside_the_repeated_hour_is_strictly_later() -> None:
    """CRON-11: 01:10 EST is after 01:30 EDT; the next daily 01:30 is tomorrow."""
    assert slots("30 1 * * *", "2026-11-01 06:10", 1) == [utc("2026-11-02 06:30")]


def test_latest_slot_at_or_before_now() -> None:
    hourly = Schedule.of("0 * * * *", "UTC")
    assert hourly.latest_at_or_before(utc("2026-01-01 09:30")) == utc("2026-01-01 09:00")
    assert hourly.latest_at_or_before(utc("2026-01-01 09:00")) == utc("2026-01-01 09:00")
    spring = Schedule.of("30 2 * * *", NY)
    assert spring.latest_at_or_before(utc("2026-03-08 07:30")) == utc("2026-03-08 07:00")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0 4 * * SUN", "0 4 * * SUN"), ("0 0 4 * * *", "0 4 * * *"), (" @Daily ", "@daily")],
)
def test_normalisation_keeps_what_was_typed(typed: str, stored: str) -> None:
    """CRON-6."""
    assert parse_cron(typed).stored == stored


def test_sunday_is_zero_seven_or_sun() -> None:
    """CRON-1: the three forms give identical slots."""
    after = "2026-01-01 00:00"
    expected = slots("0 4 * * 0", after, 5, "UTC")
    assert slots("0 4 * * 7", after, 5, "UTC") == expected
    assert slots("0 4 * * sun", after, 5, "UTC") == expected


def test_dom_and_dow_both_restricted_match_either() -> None:
    """CRON-1: `0 4 1 * MON` = the 1st and every Monday."""
    days = [slot.date().isoformat() for slot in slots("0 4 1 * MON", "2026-06-01 05:00", 3, "UTC")]
    assert days == ["2026-06-08", "2026-06-15", "2026-06-22"]


@given(
    st.sampled_from(["*/7 * * * *", "15 3 * * *", "0 */6 * * *", "30 1 * * 1-5", "@hourly"]),
    st.sampled_from(["UTC", NY, "Europe/London", "Australia/Sydney"]),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1)),
)
def test_slots_are_whole_minutes_strictly_increasing_and_after_the_instant(
    expr: str, tz: str, naive: datetime
) -> None:
    """SCH-1 and CRON-11 for any instant, including DST transitions."""
    after = naive.replace(tzinfo=UTC)
    found = Schedule.of(expr, tz).next_runs(after, 4)
    assert found[0] > after
    assert all(a < b for a, b in itertools.pairwise(found))
    assert all(slot.second == 0 and slot.microsecond == 0 for slot in found)


def test_refused_expressions_name_the_problem() -> None:
    with pytest.raises(CronError) as error:
        parse_cron("0 4 * * ?")
    assert error.value.detail == "unsupported syntax '?' in day-of-week field"
    with pytest.raises(CronError) as error:
        parse_cron("x" * 121)
    assert error.value.detail == "expression is longer than 120 characters"


async def test_cron_preview_matches_the_scheduler(admin: ApiClient) -> None:
    """API-5: description and `count` local times equal to the scheduler's slots."""
    response = await admin.get(
        "/api/v1/library-jobs/cron-preview",
        params={"expr": "30 2 * * *", "timezone": NY, "count": 3, "after": "2026-03-07T17:00:00Z"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "expression": "30 2 * * *",
        "timezone": NY,
        "description": "At 02:30 every day",
        "nextRuns": [
            "2026-03-08T03:00:00.000-04:00",
            "2026-03-09T02:30:00.000-04:00",
            "2026-03-10T02:30:00.000-04:00",
        ],
    }


async def test_cron_preview_errors(admin: ApiClient) -> None:
    url = "/api/v1/library-jobs/cron-preview"
    too_many = await admin.get(url, params={"expr": "@daily", "count": 21})
    assert too_many.status_code == 400
    assert too_many.json()["message"] == "count must be between 1 and 20"
    missing = await admin.get(url)
    assert missing.status_code == 400
    assert missing.json()["message"] == "invalid cron expression: expression is empty"
    not_int = await admin.get(url, params={"expr": "@daily", "count": "x"})
    assert not_int.status_code == 422
    bad_tz = await admin.get(url, params={"expr": "@daily", "timezone": "utc"})
    assert bad_tz.status_code == 400
    default = await admin.get(url, params={"expr": "@DAILY", "timezone": ""})
    assert default.json()["timezone"] == "UTC" and default.json()["expression"] == "@daily"


async def test_enabled_create_stores_the_first_slot_after_now(
    make_job: JobFactory, admin: ApiClient, library_id: uuid.UUID
) -> None:
    """§5.5: enabled → first slot after now; disable → null; re-enable → from now."""
    with time_machine.travel(utc("2026-03-07 17:00"), tick=False):
        job = await make_job(enabled=True, cronSchedule="30 2 * * *", timezone=NY)
    assert job["nextRunAt"] == "2026-03-08T07:00:00.000Z"
    url = f"{jobs_url(library_id)}/{job['id']}"
    disabled = (await admin.patch(url, json={"enabled": False})).json()
    assert disabled["nextRunAt"] is None
    with time_machine.travel(utc("2026-03-20 12:00"), tick=False):
        enabled = (await admin.patch(url, json={"enabled": True})).json()
    assert enabled["nextRunAt"] == "2026-03-21T06:30:00.000Z"
    with time_machine.travel(utc("2026-03-21 12:00") + timedelta(seconds=7), tick=False):
        renamed = (await admin.patch(url, json={"name": "again"})).json()
    assert renamed["nextRunAt"] == "2026-03-22T06:30:00.000Z"
