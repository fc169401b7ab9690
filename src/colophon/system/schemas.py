"""Wire models of the health endpoints (platform §9.2)."""

from __future__ import annotations

from typing import Literal

from colophon.wire import WireModel

Backend = Literal["sqlite", "postgresql"]


class SetupDto(WireModel):
    admin_exists: bool


class MigrationDto(WireModel):
    current: str | None
    head: str


class DatabaseHealthDto(WireModel):
    ok: Literal[True]
    backend: Backend
    latency_ms: float
    migration: MigrationDto


class RoleHealthDto(WireModel):
    """One role (scheduler or worker): ``ok`` when at least one instance is alive."""

    ok: bool
    alive: int
    last_heartbeat_age_s: float | None


class HealthDto(WireModel):
    """The 200 answer: ``degraded`` when no scheduler or no worker is alive."""

    status: Literal["ok", "degraded"]
    version: str
    setup: SetupDto
    database: DatabaseHealthDto
    scheduler: RoleHealthDto
    worker: RoleHealthDto


class DatabaseDownDto(WireModel):
    ok: Literal[False]
    backend: Backend


class HealthErrorDto(WireModel):
    """The 503 answer: the database failed `SELECT 1` or took longer than 2 s."""

    status: Literal["error"]
    version: str
    database: DatabaseDownDto


class LiveDto(WireModel):
    status: Literal["ok"]
