"""Before an SQLite schema upgrade the database is copied aside; the newest 3 copies are kept.

The project has one revision, so a database can never be behind a real one: the test makes
this build's head look newer than the database's revision, which sends `upgrade_to_head`
down the upgrade path (backup, then Alembic's upgrade, a no-op here).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from colophon.db import migrate
from colophon.db.migrate import head_revision, upgrade_to_head


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "colophon.db"
    upgrade_to_head(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO libraries (id, name, root_path, created_at, updated_at) "
            "VALUES ('0b6f1d2e-1111-4222-8333-944455556666', 'Kept', '/kept', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    return path


def test_an_upgrade_copies_the_database_aside_first(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = head_revision()
    backups = tmp_path / "backups"
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999_future")
    upgrade_to_head(f"sqlite:///{database}", backups_dir=backups)
    [copy] = backups.glob(f"colophon-{current}-*.db")
    with sqlite3.connect(copy) as connection:
        names = connection.execute("SELECT name FROM libraries").fetchall()
    assert names == [("Kept",)]


def test_only_the_newest_three_copies_are_kept(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    older = [backups / f"colophon-0000_old-2025010100000{i}.db" for i in range(3)]
    for age, path in enumerate(older):
        path.write_bytes(b"old copy")
        os.utime(path, (1_700_000_000 + age, 1_700_000_000 + age))
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999_future")
    upgrade_to_head(f"sqlite:///{database}", backups_dir=backups)
    kept = sorted(p.name for p in backups.glob("colophon-*.db"))
    assert older[0].name not in kept
    assert len(kept) == 3 and {older[1].name, older[2].name} <= set(kept)


def test_a_database_at_head_is_not_copied(database: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    upgrade_to_head(f"sqlite:///{database}", backups_dir=backups)
    assert not backups.exists() or not list(backups.iterdir())
