"""Health endpoints (platform §9.2): public, no hostnames or paths."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from colophon.auth.service import count_users
from colophon.db.migrate import head_revision
from colophon.runtime import VERSION, Runtime, RuntimeDep
from colophon.system.instances import liveness

router = APIRouter(tags=["health"])
DATABASE_DEADLINE_S = 2.0


async def _database(runtime: Runtime) -> dict[str, Any]:
    started = time.perf_counter()
    async with asyncio.timeout(DATABASE_DEADLINE_S), runtime.db.read() as session:
        await session.execute(text("SELECT 1"))
        current = await session.scalar(text("SELECT version_num FROM alembic_version"))
    return {
        "ok": True,
        "backend": runtime.db.backend,
        "latencyMs": round((time.perf_counter() - started) * 1000, 1),
        "migration": {"current": current, "head": head_revision()},
    }


async def _role(runtime: Runtime, role: str) -> dict[str, Any]:
    state = await liveness(runtime, role)
    age = round(state.last_heartbeat_age_s, 1) if state.last_heartbeat_age_s is not None else None
    return {"ok": state.ok, "alive": state.alive, "lastHeartbeatAgeS": age}


@router.get("/health")
async def health(runtime: RuntimeDep) -> JSONResponse:
    try:
        database = await _database(runtime)
        scheduler, worker = await _role(runtime, "scheduler"), await _role(runtime, "worker")
        admin_exists = await count_users(runtime.db) > 0
    except Exception:
        body = {
            "status": "error",
            "version": VERSION,
            "database": {"ok": False, "backend": runtime.db.backend},
        }
        return JSONResponse(body, status_code=503)
    status = "ok" if scheduler["ok"] and worker["ok"] else "degraded"
    body = {
        "status": status,
        "version": VERSION,
        "setup": {"adminExists": admin_exists},
        "database": database,
        "scheduler": scheduler,
        "worker": worker,
    }
    return JSONResponse(body)


@router.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}
