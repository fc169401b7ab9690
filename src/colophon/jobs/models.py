"""Scheduled library jobs and their runs (library-jobs §2.1, §2.2)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from colophon.db.base import Base, new_id
from colophon.db.clock import utcnow
from colophon.db.types import JsonColumn

FINISHED_RUN_STATUSES = ("success", "partial", "failure", "cancelled")
ACTIVE_RUN_STATUSES = ("pending", "running")
_ACTIVE_RUN = text("status IN ('pending', 'running')")


class LibraryJob(Base):
    """One scheduled job of a library; ``next_run_at`` is the schedule (SCH-1)."""

    __tablename__ = "library_jobs"
    __table_args__ = (
        Index("ix_library_jobs_library_id", "library_id"),
        Index("ix_library_jobs_due", "enabled", "next_run_at"),
        Index("ix_library_jobs_type", "type"),
        CheckConstraint(
            "last_run_status IS NULL OR last_run_status IN "
            "('success', 'partial', 'failure', 'cancelled')",
            name="last_run_status_values",
        ),
        CheckConstraint("enabled OR next_run_at IS NULL", name="disabled_has_no_next_run"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    cron_schedule: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str | None] = mapped_column(String(80))
    config: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    next_run_at: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    last_run_status: Mapped[str | None] = mapped_column(String(16))
    last_run_message: Mapped[str | None] = mapped_column(Text)
    # No onupdate: scheduler claims and runs must not move updated_at (§2.1).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LibraryJobRun(Base):
    """One run of a job: trigger, status, config snapshot, summary and revert record."""

    __tablename__ = "library_job_runs"
    __table_args__ = (
        # Newest-first pages scan this index backwards, so plain columns serve DESC order
        # (and Alembic can compare them, which it cannot do for expression indexes).
        Index("ix_library_job_runs_job", "job_id", "created_at", "id"),
        Index("ix_library_job_runs_library", "library_id"),
        Index("ix_library_job_runs_task", "task_id"),
        # DM-3: at most one active run per job, whichever process creates it.
        Index(
            "ux_library_job_runs_active",
            "job_id",
            unique=True,
            sqlite_where=_ACTIVE_RUN,
            postgresql_where=_ACTIVE_RUN,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("library_jobs.id", ondelete="CASCADE"))
    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    task_id: Mapped[uuid.UUID | None]
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    scheduled_for: Mapped[datetime | None]
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    config: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    reverted_at: Mapped[datetime | None]
    reverted_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revert_summary: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
