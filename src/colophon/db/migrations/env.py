"""Alembic environment: the connection is handed in by ``colophon.db.migrate``."""

from __future__ import annotations

from alembic import context

from colophon.db.tables import metadata

if context.is_offline_mode():
    # `colophon migrate --sql` renders PostgreSQL DDL without a connection.
    context.configure(
        dialect_name="postgresql",
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
else:
    context.configure(
        connection=context.config.attributes["connection"],
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
with context.begin_transaction():
    context.run_migrations()
