"""Engines and sessions: ``db.read()`` and ``db.write()`` are the only doors (platform §2.2).

SQLite has exactly one writer: the write engine holds one connection and every write
transaction starts with ``BEGIN IMMEDIATE``, so writers queue instead of failing with
"database is locked". Reads use a separate pool with deferred transactions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from colophon.db.sqlite_driver import one_trip_connector

SQLITE_READ_POOL_SIZE = 4
AFTER_COMMIT = "colophon.after_commit"
AfterCommit = Callable[[], Awaitable[None]]


def queue_after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run ``callback`` after the session's write transaction commits (never on rollback)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


def async_url(url: str) -> URL:
    """Map a configured URL to its async driver (``postgres://`` is accepted too)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed.set(drivername="postgresql+psycopg")


def sync_url(url: str) -> URL:
    """The same database through a synchronous driver (migrations, backups)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed.set(drivername="postgresql+psycopg")


def redact_url(url: str) -> str:
    """The URL with its password hidden, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def _configure_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int, begin: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            f"busy_timeout={busy_timeout_ms}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


class Database:
    """The process's engines; open sessions with :meth:`read` and :meth:`write`."""

    def __init__(
        self, url: str, *, pool_size: int = 10, sqlite_busy_timeout_ms: int = 5000
    ) -> None:
        self.url = url
        self.backend = "sqlite" if url.startswith("sqlite") else "postgresql"
        target = async_url(url)
        if self.is_sqlite:
            connect = one_trip_connector(target.database or "")
            self.write_engine = create_async_engine(
                target, pool_size=1, max_overflow=0, async_creator=connect
            )
            self.read_engine = create_async_engine(
                target, pool_size=SQLITE_READ_POOL_SIZE, max_overflow=0, async_creator=connect
            )
            _configure_sqlite(
                self.write_engine, busy_timeout_ms=sqlite_busy_timeout_ms, begin="BEGIN IMMEDIATE"
            )
            _configure_sqlite(
                self.read_engine, busy_timeout_ms=sqlite_busy_timeout_ms, begin="BEGIN"
            )
        else:
            self.write_engine = create_async_engine(target, pool_size=pool_size, max_overflow=0)
            self.read_engine = self.write_engine
        self._writer = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite: claims are serialised in-process (platform §2.2 rule 4).
        self.claim_lock = asyncio.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: commits on exit, rolls back on error.

        Events queued on the session with :func:`queue_after_commit` are published only once
        the commit succeeded, so a rolled-back change emits nothing.
        """
        async with self._writer() as session:
            async with session.begin():
                yield session
            callbacks: list[AfterCommit] = session.info.pop(AFTER_COMMIT, [])
        for callback in callbacks:
            await callback()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only session on the reader pool."""
        async with self._reader() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
