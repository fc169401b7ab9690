"""The ``tasks`` table (platform §3.1)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from colophon.db.base import Base, Timestamps, new_id
from colophon.db.clock import utcnow
from colophon.db.types import JsonColumn

ACTIVE_STATUSES = ("pending", "processing")
FINISHED_STATUSES = ("completed", "failed", "cancelled")
_ACTIVE = text("dedup_key IS NOT NULL AND status IN ('pending', 'processing')")


class Task(Timestamps, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index(
            "ux_tasks_dedup_active",
            "dedup_key",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        Index("ix_tasks_claim", "status", "priority", "scheduled_for"),
        Index("ix_tasks_status_locked_until", "status", "locked_until"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    task_type: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    library_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("libraries.id", ondelete="SET NULL"), index=True
    )
    series_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("series.id", ondelete="SET NULL")
    )
    book_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("books.id", ondelete="SET NULL"))
    job_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    run_id: Mapped[uuid.UUID | None]
    params: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    dedup_key: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)
    max_reschedules: Mapped[int] = mapped_column(Integer, default=10)
    locked_by: Mapped[str | None] = mapped_column(String(128))
    locked_until: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    scheduled_for: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
