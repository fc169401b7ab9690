"""The process clock, in one place so tests can move it."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)
