"""Rewrite the single initial migration from the models (``python -m colophon.db.regenerate``).

Only while nothing has shipped: once a release exists, new revisions are appended instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from colophon.db.migrate import MIGRATIONS_DIR, _alembic_config

INITIAL_REVISION = "0001_initial"


def regenerate() -> Path:
    for old in (MIGRATIONS_DIR / "versions").glob("*.py"):
        if old.name != "__init__.py":
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/empty.db")
        with engine.connect() as connection:
            command.revision(
                _alembic_config(connection),
                message="initial schema",
                autogenerate=True,
                rev_id=INITIAL_REVISION,
            )
        engine.dispose()
    script = next((MIGRATIONS_DIR / "versions").glob(f"{INITIAL_REVISION}*.py"))
    # Alembic renders JSONB's text type without its module prefix.
    script.write_text(script.read_text().replace("astext_type=Text()", "astext_type=sa.Text()"))
    return script


if __name__ == "__main__":
    print(regenerate())
