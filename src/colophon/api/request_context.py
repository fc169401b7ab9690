"""Request ids and the access log line (platform §0, §9.1)."""

from __future__ import annotations

import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from colophon.system import metrics

log = structlog.get_logger("colophon.access")
MAX_REQUEST_ID = 64


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = bytes(value).decode("latin-1")
            if 0 < len(text) <= MAX_REQUEST_ID and text.isprintable():
                return text
    return uuid.uuid4().hex


def _route_template(scope: Scope) -> str:
    """The matched route's template: metric labels must never carry ids (§9.3)."""
    route = scope.get("route")
    return str(getattr(route, "path", None) or "unmatched")


class RequestContextMiddleware:
    """Echo or generate ``X-Request-Id``, bind it to logs, log one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        with structlog.contextvars.bound_contextvars(requestId=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                duration_s = time.perf_counter() - started
                route = _route_template(scope)
                log.info(
                    "request",
                    method=scope["method"],
                    route=route,
                    status=status,
                    durationMs=round(duration_s * 1000, 1),
                )
                metrics.HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
                metrics.HTTP_REQUEST_DURATION.labels(scope["method"], route).observe(duration_s)
