"""Builds the FastAPI app and starts the roles this process runs (platform §1.2, §1.3)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from colophon.api.authentication import AuthenticationMiddleware
from colophon.api.errors import error_response, install_error_handlers
from colophon.api.request_context import RequestContextMiddleware
from colophon.auth import routes as auth_routes
from colophon.auth.service import bootstrap_admin, count_users
from colophon.config import Settings
from colophon.db.migrate import require_head, upgrade_to_head
from colophon.library import cover_routes
from colophon.library import routes as library_routes
from colophon.library.scanner.task import scan_library
from colophon.metadata import routes as metadata_routes
from colophon.runtime import VERSION, Runtime
from colophon.system import health, instances
from colophon.tasks.context import Handler
from colophon.tasks.worker import Worker

log = structlog.get_logger("colophon.app")
API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).parent / "static"


def task_handlers() -> dict[str, Handler]:
    """Every task type this version can run."""
    return {"scan_library": scan_library}


async def prepare_database(settings: Settings) -> None:
    """Startup steps 3–5: data dir, then migrations (or a check when autoMigrate is off)."""
    settings.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    url = settings.database_url
    if settings.database.auto_migrate:
        await asyncio.to_thread(upgrade_to_head, url, backups_dir=settings.data_path / "backups")
    else:
        await asyncio.to_thread(require_head, url)


async def bootstrap_first_admin(runtime: Runtime, username: str, password: str | None) -> None:
    """Startup step 7: ``COLOPHON_ADMIN_PASSWORD`` creates the admin only when no user exists."""
    if password:
        created = await bootstrap_admin(runtime.db, username, password)
        if created is None:
            log.info("users exist; COLOPHON_ADMIN_PASSWORD ignored")
        else:
            log.info("administrator created", username=created.username)
    if await count_users(runtime.db) == 0:
        log.warning(
            "no users exist: create an administrator with 'colophon admin create' "
            "or set COLOPHON_ADMIN_PASSWORD"
        )


class RoleSet:
    """The background parts of a process: heartbeat, worker pool, scheduler loops."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.worker: Worker | None = None
        self._background: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await instances.register(self.runtime)
        self._background.append(asyncio.create_task(instances.heartbeat_forever(self.runtime)))
        if "worker" in self.runtime.roles:
            self.worker = Worker(self.runtime, task_handlers())
            self.worker.start()

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop(self.runtime.settings.server.shutdown_grace_s)
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        with contextlib.suppress(Exception):
            await instances.unregister(self.runtime)


async def run_headless(runtime: Runtime) -> None:
    """A worker or scheduler process: start its roles, stop them on SIGTERM or SIGINT."""
    await prepare_database(runtime.settings)
    roles = RoleSet(runtime)
    await roles.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await roles.stop()
        await runtime.db.dispose()


def _api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(health.router)
    router.include_router(auth_routes.router)
    router.include_router(library_routes.router)
    router.include_router(metadata_routes.router)
    router.include_router(cover_routes.router)
    return router


def _web_dir(settings: Settings) -> Path:
    return Path(settings.server.web_dir) if settings.server.web_dir else STATIC_DIR


def _install_web_app(app: FastAPI, web_dir: Path) -> None:
    """Serve the built web app; unknown non-API paths fall back to ``index.html`` (SPA)."""

    @app.get("/{path:path}", include_in_schema=False)
    async def web_app(path: str, request: Request) -> Response:
        if path.startswith("api/"):
            return error_response(404, "not_found", "not found")
        candidate = (web_dir / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(web_dir.resolve()):
            return FileResponse(candidate)
        index = web_dir / "index.html"
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return JSONResponse(
            {"error": "not_found", "message": "the web app is not built; run 'make web'"},
            status_code=404,
        )


def create_app(runtime: Runtime, *, admin: tuple[str, str | None] = ("admin", None)) -> FastAPI:
    """The API process: startup runs the roles, shutdown stops them in order."""
    roles = RoleSet(runtime)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await prepare_database(runtime.settings)
        await bootstrap_first_admin(runtime, *admin)
        await roles.start()
        app.state.roles = roles
        try:
            yield
        finally:
            await roles.stop()
            await runtime.db.dispose()

    app = FastAPI(
        title="Colophon",
        version=VERSION,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.include_router(_api_router())
    _install_web_app(app, _web_dir(runtime.settings))
    app.add_middleware(AuthenticationMiddleware, runtime=runtime)
    app.add_middleware(RequestContextMiddleware)
    return app
