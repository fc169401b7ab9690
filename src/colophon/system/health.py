"""Health endpoints (platform §9.2): public, no hostnames or paths."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from colophon.auth.service import count_users
from colophon.db.migrate import head_revision
from colophon.runtime import VERSION, Runtime, RuntimeDep
from colophon.system.instances import liveness
from colophon.system.schemas import (
    DatabaseDownDto,
    DatabaseHealthDto,
    HealthDto,
    HealthErrorDto,
    LiveDto,
    MigrationDto,
    RoleHealthDto,
    SetupDto,
)

router = APIRouter(tags=["health"])
DATABASE_DEADLINE_S = 2.0


async def _database(runtime: Runtime) -> DatabaseHealthDto:
    started = time.perf_counter()
    async with asyncio.timeout(DATABASE_DEADLINE_S), runtime.db.read() as session:
        await session.execute(text("SELECT 1"))
        current = await session.scalar(text("SELECT version_num FROM alembic_version"))
    return DatabaseHealthDto(
        ok=True,
        backend=runtime.db.backend,
        latency_ms=round((time.perf_counter() - started) * 1000, 1),
        migration=MigrationDto(current=current, head=head_revision()),
    )


async def _role(runtime: Runtime, role: str) -> RoleHealthDto:
    state = await liveness(runtime, role)
    age = round(state.last_heartbeat_age_s, 1) if state.last_heartbeat_age_s is not None else None
    return RoleHealthDto(ok=state.ok, alive=state.alive, last_heartbeat_age_s=age)


def _unavailable(runtime: Runtime) -> JSONResponse:
    body = HealthErrorDto(
        status="error",
        version=VERSION,
        database=DatabaseDownDto(ok=False, backend=runtime.db.backend),
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True), status_code=503)


@router.get(
    "/health",
    response_model=HealthDto,
    responses={503: {"model": HealthErrorDto, "description": "The database is unavailable"}},
)
async def health(runtime: RuntimeDep) -> HealthDto | JSONResponse:
    try:
        database = await _database(runtime)
        scheduler, worker = await _role(runtime, "scheduler"), await _role(runtime, "worker")
        admin_exists = await count_users(runtime.db) > 0
    except Exception:
        return _unavailable(runtime)
    return HealthDto(
        status="ok" if scheduler.ok and worker.ok else "degraded",
        version=VERSION,
        setup=SetupDto(admin_exists=admin_exists),
        database=database,
        scheduler=scheduler,
        worker=worker,
    )


@router.get("/health/live")
async def live() -> LiveDto:
    return LiveDto(status="ok")
