"""aiosqlite with one trip to the connection's thread per statement.

SQLAlchemy's aiosqlite adapter opens a cursor, executes, fetches and closes as four separate
round trips to aiosqlite's thread; each trip is a queue hand-off and an event-loop wake-up,
and together they cost more than SQLite's own work for the short statements the applier and
the queue issue. Here `execute` runs the statement and fetches its rows in one trip, and the
other cursor calls answer from what that trip brought back. SQLAlchemy fetches every row of a
non-streaming result at once anyway, so nothing is read earlier than before.

This leans on aiosqlite's `Connection._execute` (run a function on the connection's thread),
which is why pyproject pins aiosqlite below its next minor version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

_Outcome = tuple[Any, list[Any], int, int | None]


class OneTripCursor:
    """A cursor whose `execute` also fetches; fetch and close never leave the event loop."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        def run(raw: sqlite3.Connection) -> _Outcome:
            cursor = raw.execute(sql, parameters or ())
            rows = cursor.fetchall() if cursor.description else []
            return cursor.description, rows, cursor.rowcount, cursor.lastrowid

        self._keep(await self._connection.on_thread(run))
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        def run(raw: sqlite3.Connection) -> _Outcome:
            cursor = raw.executemany(sql, parameters)
            return cursor.description, [], cursor.rowcount, cursor.lastrowid

        self._keep(await self._connection.on_thread(run))
        return self

    def _keep(self, outcome: _Outcome) -> None:
        self.description, self._rows, self.rowcount, self.lastrowid = outcome

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        batch, self._rows = self._rows[:count], self._rows[count:]
        return batch

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection handing out one-trip cursors."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def on_thread(self, work: Callable[[sqlite3.Connection], _Outcome]) -> _Outcome:
        """Run `work` with the raw sqlite3 connection on the connection's own thread."""
        outcome: _Outcome = await self._execute(lambda: work(self._conn))  # type: ignore[no-untyped-call]
        return outcome


def one_trip_connector(path: str | Path) -> Callable[[], OneTripConnection]:
    """An `async_creator` for SQLAlchemy: a one-trip connection to the database at `path`."""

    def create() -> OneTripConnection:
        connection = OneTripConnection(
            lambda: sqlite3.connect(path, check_same_thread=False), iter_chunk_size=64
        )
        connection._thread.daemon = True  # as SQLAlchemy does: never hold up interpreter exit
        return connection

    return create
