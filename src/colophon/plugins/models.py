"""Plugin tables (plugins.md §5): the plugin rows, their failures, their storage buckets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from colophon.db.base import Base, Timestamps, new_id
from colophon.db.clock import utcnow
from colophon.db.types import JsonColumn

DEFAULT_PERMISSIONS = ("metadata:read", "metadata:write:*")
DEFAULT_SCOPES = ("series:detail", "series:bulk", "book:detail", "book:bulk")
HEALTH_STATUSES = ("unknown", "healthy", "degraded", "unhealthy", "disabled")


def _default_permissions() -> list[str]:
    return list(DEFAULT_PERMISSIONS)


def _default_scopes() -> list[str]:
    return list(DEFAULT_SCOPES)


class Plugin(Timestamps, Base):
    """One installed plugin; ``name`` is its identity (immutable, part of `plugin:<name>`)."""

    __tablename__ = "plugins"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    command: Mapped[str] = mapped_column(Text)
    args: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    env: Mapped[dict[str, str]] = mapped_column(JsonColumn, default=dict)
    working_dir: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Start of the auto-disable window (§4.6): failures before the last enable never count.
    enabled_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    admin_config: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    credentials: Mapped[str | None] = mapped_column(Text)  # a Fernet token, never plaintext
    credential_keys: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    credential_delivery: Mapped[str] = mapped_column(String(16), default="init_message")
    permissions: Mapped[list[str]] = mapped_column(JsonColumn, default=_default_permissions)
    scopes: Mapped[list[str]] = mapped_column(JsonColumn, default=_default_scopes)
    library_ids: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    rate_limit_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    request_timeout_s: Mapped[int | None] = mapped_column(Integer)
    log_level: Mapped[str | None] = mapped_column(String(16))
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)
    manifest_updated_at: Mapped[datetime | None]
    health_status: Mapped[str] = mapped_column(String(16), default="unknown")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failure_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    health_checked_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class PluginFailureRow(Base):
    """One recorded failure (§5.2); messages are redacted before they get here."""

    __tablename__ = "plugin_failures"
    __table_args__ = (
        Index("ix_plugin_failures_plugin_kind_created", "plugin_id", "kind", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plugin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plugins.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    method: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PluginStorageRow(Base):
    """One key of a plugin's ``storage/*`` bucket (§5.3), shared by every server process."""

    __tablename__ = "plugin_storage"

    plugin_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("plugins.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(256), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # compact JSON text
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
