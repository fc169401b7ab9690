"""Startup step 4: reach the database before migrating (platform §1.2).

PostgreSQL may still be starting beside us (compose, Kubernetes), so we retry with a backoff of
1 s doubling to 10 s until ``database.connectTimeoutS``. SQLite is a local file: one attempt, and a
failure names the path.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import URL, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from colophon.db.database import sync_url

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 10.0  # a database that comes back is noticed within 10 s
REDACTED = "***"


class DatabaseUnreachable(Exception):
    """No connection within the timeout; the message is safe to print (no password)."""


def wait_for_database(
    url: str,
    *,
    timeout_s: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Return once a connection succeeds; raise DatabaseUnreachable when the time is up."""
    target = sync_url(url)
    if target.get_backend_name() == "sqlite":
        _connect_sqlite(target)
        return
    deadline = clock() + timeout_s
    delay = FIRST_DELAY_S
    while True:
        remaining = deadline - clock()
        try:
            _connect_once(target, connect_timeout_s=max(1, int(remaining)))
            return
        except OperationalError as exc:
            remaining = deadline - clock()
            if remaining <= 0:
                raise DatabaseUnreachable(_reason(exc, target)) from None
        sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_DELAY_S)


def _connect_sqlite(target: URL) -> None:
    try:
        _connect_once(target, connect_timeout_s=None)
    except OperationalError as exc:
        raise DatabaseUnreachable(f"{_reason(exc, target)} ({target.database})") from None


def _connect_once(target: URL, *, connect_timeout_s: int | None) -> None:
    # libpq waits forever for a silent host unless told otherwise.
    connect_args = {} if connect_timeout_s is None else {"connect_timeout": connect_timeout_s}
    engine = create_engine(target, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def _reason(exc: OperationalError, target: URL) -> str:
    """The driver's message on one line, with the password masked should it appear."""
    reason = " ".join(str(exc.orig).split())
    if target.password:
        reason = reason.replace(str(target.password), REDACTED)
    return reason
