"""Schema migrations on start and by ``colophon migrate`` (platform §2.3)."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, text

from colophon.db.database import sync_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_KEY = 727_001  # pg_advisory_lock key shared by every process migrating
BACKUPS_KEPT = 3


class MigrationError(Exception):
    """The schema cannot be brought to the version this code needs."""


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def schema_state(url: str) -> SchemaState:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return SchemaState(_current(connection), head_revision())
    finally:
        engine.dispose()


def _check_not_newer(current: str | None) -> None:
    known = {
        rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
    }
    if current is not None and current not in known:
        raise MigrationError(
            f"database schema is at {current}, which is newer than this version ({head_revision()})"
        )


def _backup_sqlite(url: str, current: str, backups_dir: Path) -> None:
    """Copy a non-empty SQLite database aside before changing its schema; keep the newest 3."""
    database = sync_url(url).database
    if not database or not Path(database).exists():
        return
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    target = backups_dir / f"colophon-{current}-{stamp}.db"
    with sqlite3.connect(database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    for old in sorted(backups_dir.glob("colophon-*.db"), key=lambda p: p.stat().st_mtime)[
        :-BACKUPS_KEPT
    ]:
        old.unlink()


def upgrade_to_head(url: str, *, backups_dir: Path | None = None) -> SchemaState:
    """Upgrade the database to head; concurrent PostgreSQL callers serialise on an advisory lock."""
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
                connection.commit()
            try:
                current = _current(connection)
                _check_not_newer(current)
                head = head_revision()
                if current != head:
                    if current is not None and backups_dir and connection.dialect.name == "sqlite":
                        _backup_sqlite(url, current, backups_dir)
                    command.upgrade(_alembic_config(connection), "head")
                    connection.commit()
                return SchemaState(_current(connection), head)
            finally:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY}
                    )
                    connection.commit()
    finally:
        engine.dispose()


def require_head(url: str) -> SchemaState:
    """With autoMigrate off: fail unless the schema is exactly at head."""
    state = schema_state(url)
    _check_not_newer(state.current)
    if not state.at_head:
        raise MigrationError(
            f"database schema is at {state.current or 'base'}, this version needs {state.head}; "
            "run 'colophon migrate'"
        )
    return state


def upgrade_sql() -> str:
    """The SQL an upgrade from base would run (``colophon migrate --sql``), for PostgreSQL."""
    buffer = io.StringIO()
    config = _alembic_config()
    config.output_buffer = buffer
    config.attributes["connection"] = None
    command.upgrade(config, "head", sql=True)
    return buffer.getvalue()
