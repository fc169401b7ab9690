"""An entity's change history: its `metadata_changes` rows, newest first (web-ui §8)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.sql.elements import ColumnElement

import colophon.db.tables  # noqa: F401  (every domain's tables, so the jobs tables are known)
from colophon.auth.models import User
from colophon.db.base import Base
from colophon.db.database import Database
from colophon.metadata.catalog import Entity
from colophon.metadata.editing import get_entity
from colophon.metadata.models import MetadataChange
from colophon.metadata.schemas import MetadataChangeDto, MetadataChangePage
from colophon.pagination import decode_cursor, next_cursor

RUNS_TABLE = "library_job_runs"
JOBS_TABLE = "library_jobs"


def _job_columns() -> tuple[list[ColumnElement[Any]], list[tuple[Table, ColumnElement[bool]]]]:
    """The job id and name columns and their joins, once the jobs domain has its tables.

    Until then both are NULL; audit rows keep run ids without a foreign key (§6.1), so a run
    deleted with its job leaves them NULL too.
    """
    runs = Base.metadata.tables.get(RUNS_TABLE)
    if runs is None or "job_id" not in runs.c:
        return [], []
    columns: list[ColumnElement[Any]] = [runs.c.job_id]
    joins: list[tuple[Table, ColumnElement[bool]]] = [(runs, runs.c.id == MetadataChange.run_id)]
    jobs = Base.metadata.tables.get(JOBS_TABLE)
    if jobs is not None and "name" in jobs.c:
        columns.append(jobs.c.name)
        joins.append((jobs, jobs.c.id == runs.c.job_id))
    return columns, joins


def _history_query(entity: Entity, entity_id: uuid.UUID) -> tuple[Select[Any], bool, bool]:
    job_columns, joins = _job_columns()
    statement = select(MetadataChange, User.username, *job_columns).outerjoin(
        User, User.id == MetadataChange.user_id
    )
    for table, condition in joins:
        statement = statement.outerjoin(table, condition)
    statement = statement.where(
        MetadataChange.entity_type == entity.value, MetadataChange.entity_id == entity_id
    ).order_by(MetadataChange.id.desc())
    return statement, len(job_columns) > 0, len(job_columns) > 1


async def list_changes(
    db: Database, entity: Entity, entity_id: uuid.UUID, *, limit: int, cursor: str | None
) -> MetadataChangePage:
    """One page of the entity's audit rows, newest first; raise NotFound for a missing entity."""
    offset = decode_cursor(cursor)
    statement, has_job_id, has_job_name = _history_query(entity, entity_id)
    async with db.read() as session:
        await get_entity(session, entity, entity_id)
        rows = (await session.execute(statement.offset(offset).limit(limit))).all()
    items = [_change_dto(row, has_job_id=has_job_id, has_job_name=has_job_name) for row in rows]
    return MetadataChangePage(items=items, next_cursor=next_cursor(offset, limit, len(items)))


def _change_dto(row: Sequence[Any], *, has_job_id: bool, has_job_name: bool) -> MetadataChangeDto:
    change: MetadataChange = row[0]
    return MetadataChangeDto(
        id=change.id,
        field=change.field,
        before=change.before,
        after=change.after,
        source=change.source,
        run_id=change.run_id,
        job_id=row[2] if has_job_id else None,
        job_name=row[3] if has_job_name else None,
        user_name=row[1],
        created_at=change.created_at,
    )
