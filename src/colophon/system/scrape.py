"""``GET /metrics``: Prometheus text of this process (platform §9.3).

The api role also reports the queue from the database, refreshed at most every 5 s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.errors import NotFound, Unauthenticated
from colophon.runtime import Runtime, RuntimeDep
from colophon.system import metrics
from colophon.tasks.listing import ALL_STATUSES, count_tasks

TASK_GAUGE_CACHE_S = 5.0
router = APIRouter(tags=["observability"])


@dataclass
class TaskGauges:
    """Refreshes the database-backed gauges at most every 5 s (§9.3)."""

    refreshed_at: float = field(default=float("-inf"))

    async def refresh(self, runtime: Runtime) -> None:
        now = time.monotonic()
        if now - self.refreshed_at < TASK_GAUGE_CACHE_S:
            return
        self.refreshed_at = now
        counts = await count_tasks(runtime.db)
        metrics.TASKS.clear()
        for type_name, by_status in counts.by_type.items():
            for status in ALL_STATUSES:
                metrics.TASKS.labels(type=type_name, status=status).set(getattr(by_status, status))
        metrics.TASKS_OLDEST_PENDING_AGE.set(counts.oldest_pending_age_s or 0)


def record_sse_subscribers(runtime: Runtime) -> None:
    for stream in ("tasks", "entities"):
        metrics.SSE_SUBSCRIBERS.labels(stream=stream).set(runtime.bus.subscriber_count(stream))


def _task_gauges(request: Request) -> TaskGauges:
    """One cache per app, so two apps in one process (tests) never share stale counts."""
    gauges: TaskGauges | None = getattr(request.app.state, "task_gauges", None)
    if gauges is None:
        gauges = request.app.state.task_gauges = TaskGauges()
    return gauges


def _check_access(request: Request, runtime: Runtime) -> None:
    observability = runtime.settings.observability
    if not observability.metrics_enabled:
        raise NotFound("not found")
    if not observability.metrics_auth:
        return
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise Unauthenticated()
    principal.require(Permission.METRICS_READ)


@router.get("/metrics", response_class=Response)
async def scrape_metrics(request: Request, runtime: RuntimeDep) -> Response:
    """Prometheus text; needs ``metrics:read`` unless ``observability.metricsAuth`` is false."""
    _check_access(request, runtime)
    if "api" in runtime.roles:
        await _task_gauges(request).refresh(runtime)
        record_sse_subscribers(runtime)
    return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)
