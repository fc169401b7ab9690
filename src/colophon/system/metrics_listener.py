"""The small HTTP listener of worker- and scheduler-only processes (platform §6.2).

Without the api role a process has no HTTP server, so ``observability.metricsPort`` gives
Prometheus and liveness probes a port of their own: ``/metrics`` and ``/health/live`` only.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import Iterator

import structlog
import uvicorn
from starlette.types import ASGIApp

from colophon.errors import ColophonError

log = structlog.get_logger(__name__)
SHUTDOWN_WAIT_S = 2  # a scrape is short; nothing else is served here


class MetricsPortUnavailable(ColophonError):
    """The metrics port cannot be bound (``metrics port 9100 is already in use``)."""


class _SideServer(uvicorn.Server):
    """uvicorn without its signal handlers: the process's own ones decide when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class MetricsListener:
    """Serves ``app`` on ``host:port`` from ``start()`` until ``stop()``."""

    def __init__(self, app: ASGIApp, *, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._socket: socket.socket | None = None
        self._server: _SideServer | None = None
        self._serving: asyncio.Task[None] | None = None

    def bind(self) -> socket.socket:
        """Take the port now, so a conflict stops start-up before any role runs."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen()  # connections wait in the backlog until serving begins
        except OSError as exc:
            sock.close()
            raise MetricsPortUnavailable(
                f"metrics port {self.port} is already in use"
                if exc.errno == errno.EADDRINUSE
                else f"metrics port {self.port}: {exc.strerror or exc}"
            ) from exc
        self._socket = sock
        return sock

    async def start(self) -> None:
        """Serve on the bound port (binding it first if ``bind()`` was not called)."""
        sock = self._socket if self._socket is not None else self.bind()
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=SHUTDOWN_WAIT_S,
        )
        self._server = _SideServer(config)
        self._serving = asyncio.create_task(self._server.serve(sockets=[sock]))
        log.info("metrics_listener_started", host=self.host, port=self.port)

    async def stop(self) -> None:
        """Stop serving and free the port; a no-op when not started."""
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            await self._serving
        if self._socket is not None:
            self._socket.close()
        self._server = self._serving = self._socket = None
