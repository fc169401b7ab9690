"""The live instance registry: heartbeats of every process (platform §1.1 rule 6)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from colophon.db.clock import utcnow
from colophon.runtime import VERSION, Runtime
from colophon.system.models import ServiceInstance

log = structlog.get_logger(__name__)
HEARTBEAT_EVERY_S = 10
ALIVE_WITHIN = timedelta(seconds=30)
FORGET_AFTER = timedelta(hours=24)


async def register(runtime: Runtime) -> None:
    async with runtime.db.write() as session:
        session.add(
            ServiceInstance(
                id=runtime.instance_id,
                hostname=runtime.hostname,
                pid=os.getpid(),
                roles=sorted(runtime.roles),
                version=VERSION,
            )
        )


async def beat(runtime: Runtime) -> None:
    async with runtime.db.write() as session:
        await session.execute(
            update(ServiceInstance)
            .where(ServiceInstance.id == runtime.instance_id)
            .values(heartbeat_at=utcnow())
        )


async def heartbeat_forever(runtime: Runtime) -> None:
    """Beat every 10 s; a failed beat is logged and the next one tried (health reads them)."""
    while True:
        await asyncio.sleep(HEARTBEAT_EVERY_S)
        try:
            await beat(runtime)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("instance_heartbeat_failed", error=str(exc))


async def unregister(runtime: Runtime) -> None:
    async with runtime.db.write() as session:
        await session.execute(
            delete(ServiceInstance).where(ServiceInstance.id == runtime.instance_id)
        )


async def forget_dead(runtime: Runtime) -> None:
    """Maintenance: drop instance rows silent for a day."""
    async with runtime.db.write() as session:
        await session.execute(
            delete(ServiceInstance).where(ServiceInstance.heartbeat_at < utcnow() - FORGET_AFTER)
        )


@dataclass(frozen=True, slots=True)
class RoleLiveness:
    alive: int
    last_heartbeat_age_s: float | None

    @property
    def ok(self) -> bool:
        return self.alive > 0


async def liveness(runtime: Runtime, role: str) -> RoleLiveness:
    now = utcnow()
    async with runtime.db.read() as session:
        rows = list(
            await session.execute(select(ServiceInstance.roles, ServiceInstance.heartbeat_at))
        )
    beats: list[datetime] = [at for roles, at in rows if role in roles]
    newest = max(beats, default=None)
    alive = sum(1 for at in beats if now - at <= ALIVE_WITHIN)
    age = (now - newest).total_seconds() if newest else None
    return RoleLiveness(alive, age)
