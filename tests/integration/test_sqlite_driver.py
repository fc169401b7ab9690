"""The one-trip SQLite driver behaves as a DB-API cursor to SQLAlchemy: rows, counts, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from colophon.db.database import Database
from colophon.db.sqlite_driver import OneTripConnection


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'driver.db'}")
    async with db.write() as session:
        await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield db
    await db.dispose()


async def test_the_engine_runs_on_one_trip_connections(sqlite_db: Database) -> None:
    async with sqlite_db.read() as session:
        raw = await (await session.connection()).get_raw_connection()
        assert isinstance(raw.driver_connection, OneTripConnection)


async def test_rows_counts_and_ids_come_back(sqlite_db: Database) -> None:
    async with sqlite_db.write() as session:
        inserted = await session.execute(text("INSERT INTO t (name) VALUES ('a')"))
        assert inserted.lastrowid == 1
        await session.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "b"}, {"n": "c"}])
        updated = await session.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2
    async with sqlite_db.read() as session:
        rows = (await session.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        first = (await session.execute(text("SELECT name FROM t ORDER BY id"))).first()
        partial = (await session.execute(text("SELECT id FROM t ORDER BY id"))).fetchmany(2)
    assert [tuple(r) for r in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
    assert first is not None and first.name == "a"
    assert [r.id for r in partial] == [1, 2]


async def test_errors_roll_the_transaction_back(sqlite_db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with sqlite_db.write() as session:
            await session.execute(text("INSERT INTO t (name) VALUES ('x')"))
            await session.execute(text("INSERT INTO t (name) VALUES ('x')"))
    with pytest.raises(OperationalError, match="no such table"):
        async with sqlite_db.read() as session:
            await session.execute(text("SELECT * FROM missing"))
    async with sqlite_db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar() == 0
