"""Startup step 4: reaching the database, with retries on PostgreSQL (platform §1.2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from colophon.db.connect import DatabaseUnreachable, wait_for_database

CLOSED_PORT_URL = "postgresql://colophon:s3cret-pass@127.0.0.1:1/colophon"


class FakeTime:
    """A clock that only moves when we 'sleep', so the backoff is checked without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def no_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds} s although the database was reachable")


def test_postgres_retries_with_backoff_until_the_timeout() -> None:
    fake = FakeTime()
    with pytest.raises(DatabaseUnreachable) as raised:
        wait_for_database(CLOSED_PORT_URL, timeout_s=30, sleep=fake.sleep, clock=fake.clock)
    # 1 s doubling to the 10 s cap; the last wait is cut to the 30 s deadline.
    assert fake.sleeps == [1, 2, 4, 8, 10, 5]
    assert "Connection refused" in str(raised.value)
    assert "s3cret-pass" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_sqlite_is_tried_once_and_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "colophon.db"
    with pytest.raises(DatabaseUnreachable) as raised:
        wait_for_database(f"sqlite:///{missing}", timeout_s=60, sleep=no_sleep)
    assert str(raised.value) == f"unable to open database file ({missing})"


def test_a_reachable_database_needs_no_wait(empty_database_url: str) -> None:
    wait_for_database(empty_database_url, timeout_s=5, sleep=no_sleep)
