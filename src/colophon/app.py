"""Builds the FastAPI app and starts the roles this process runs (platform §1.2, §1.3)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from types import FrameType

import structlog
import uvicorn
from fastapi import APIRouter, FastAPI
from starlette.middleware.cors import CORSMiddleware

from colophon.api.authentication import CSRF_HEADER, AuthenticationMiddleware
from colophon.api.errors import ERROR_RESPONSES, install_error_handlers
from colophon.api.request_context import RequestContextMiddleware
from colophon.api.security_headers import SecurityHeadersMiddleware
from colophon.api.sse import router as sse_router
from colophon.api.web_app import WebApp, web_dir_for
from colophon.auth import routes as auth_routes
from colophon.auth.service import bootstrap_admin, count_users
from colophon.config import ServerSettings, Settings
from colophon.db.connect import wait_for_database
from colophon.db.migrate import require_head, upgrade_to_head
from colophon.jobs import routes as job_routes
from colophon.jobs.revert_task import revert_job_run
from colophon.jobs.run_handler import on_refresh_abandoned, refresh_library_metadata
from colophon.jobs.scheduler import JOB_SCHEDULER_WORK
from colophon.library import cover_routes
from colophon.library import routes as library_routes
from colophon.library.scanner.task import scan_library
from colophon.metadata import fetch_routes
from colophon.metadata import routes as metadata_routes
from colophon.metadata.auto_match_task import run_auto_match
from colophon.plugins import routes as plugin_routes
from colophon.runtime import VERSION, Runtime
from colophon.system import health, scrape
from colophon.system.encryption import ENV_KEY, check_canary, holds_secrets, load_secret_box
from colophon.system.maintenance import maintenance_work
from colophon.system.metrics_listener import MetricsListener
from colophon.system.roles import RoleSet
from colophon.system.scheduler_loop import PeriodicWork
from colophon.tasks import routes as task_routes
from colophon.tasks.context import AbandonedHook, Handler

log = structlog.get_logger("colophon.app")
API_PREFIX = "/api/v1"
API_DOCS_URL = "/api/docs"
TEST_HANDLERS_ENV = "COLOPHON_TEST_TASK_HANDLERS"
CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
# What the web app and API clients send: JSON bodies, the CSRF header of cookie sessions
# (platform §5.2), API keys (§5.3) and a caller's request id (§0).
CORS_REQUEST_HEADERS = [
    "Content-Type",
    CSRF_HEADER,
    "X-API-Key",
    "Authorization",
    "X-Request-Id",
]
CORS_EXPOSED_HEADERS = ["X-Request-Id", "Retry-After"]


def task_handlers() -> dict[str, Handler]:
    """Every task type this version can run."""
    return {
        "scan_library": scan_library,
        "auto_match": run_auto_match,
        "refresh_library_metadata": refresh_library_metadata,
        "revert_job_run": revert_job_run,
        **_test_task_handlers(),
    }


def _test_task_handlers() -> dict[str, Handler]:
    """Test-only: the ``HANDLERS`` of the module named by COLOPHON_TEST_TASK_HANDLERS."""
    module_name = os.environ.get(TEST_HANDLERS_ENV)
    if not module_name:
        return {}
    handlers: dict[str, Handler] = importlib.import_module(module_name).HANDLERS
    return handlers


def task_abandoned_hooks() -> dict[str, AbandonedHook]:
    """Per task type: clean-up when the sweeper fails a task whose worker died (§3.7)."""
    return {"refresh_library_metadata": on_refresh_abandoned}


def periodic_work() -> list[PeriodicWork]:
    """What the scheduler role repeats (§1.4, §1.5)."""
    return [maintenance_work(), JOB_SCHEDULER_WORK]


def role_set(runtime: Runtime) -> RoleSet:
    return RoleSet(
        runtime,
        handlers=task_handlers(),
        abandoned_hooks=task_abandoned_hooks(),
        periodic_work=periodic_work(),
        metrics_listener=metrics_listener(runtime),
    )


def metrics_listener(runtime: Runtime) -> MetricsListener | None:
    """``observability.metricsPort`` for a process without the api role, else None (§6.2)."""
    port = runtime.settings.observability.metrics_port
    if port is None or "api" in runtime.roles:
        return None  # an api process serves /metrics on its own port
    return MetricsListener(metrics_app(runtime), host=runtime.settings.server.host, port=port)


def metrics_app(runtime: Runtime) -> FastAPI:
    """``/metrics`` (same access rules as on the api) and ``/health/live``, nothing else."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.runtime = runtime
    install_error_handlers(app)
    app.include_router(scrape.router)
    app.add_api_route("/health/live", health.live, methods=["GET"])
    app.add_middleware(AuthenticationMiddleware, runtime=runtime)
    return app


async def prepare_database(settings: Settings) -> None:
    """Startup steps 3–5: data dir, connect (with retries), then migrate or check the revision."""
    settings.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    url = settings.database_url
    await asyncio.to_thread(wait_for_database, url, timeout_s=settings.database.connect_timeout_s)
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


async def prepare_secrets(runtime: Runtime) -> None:
    """Startup step 6: load or create the key, then check it against the database's canary."""
    may_create = not await holds_secrets(runtime.db)
    runtime.secret_box = load_secret_box(runtime.settings.data_path, may_create=may_create)
    if (
        runtime.settings.database_url.startswith("postgres")
        and runtime.secret_box.source != ENV_KEY
    ):
        log.warning("PostgreSQL with a key file: every node needs the same COLOPHON_ENCRYPTION_KEY")
    await check_canary(runtime.db, runtime.secret_box)


async def run_headless(runtime: Runtime) -> int:
    """A worker or scheduler process until SIGTERM or SIGINT; the exit code (130: hurried)."""
    await prepare_database(runtime.settings)
    await prepare_secrets(runtime)
    roles = role_set(runtime)
    await roles.start()
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            roles.request_hurry()
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal)
    try:
        await stop.wait()
    finally:
        await roles.stop()
        await runtime.db.dispose()
    return 130 if roles.hurried else 0


def log_serving(server: ServerSettings) -> None:
    """Say where the API and web app are reached, once the listener is up (§1.2 step 13).

    ``server.publicUrl`` is the address users open (behind a proxy it differs from the listen
    address); the spec gives it no other use, so this line is where it shows.
    """
    listen = f"http://{server.host}:{server.port}"
    log.info("serving", url=server.public_url or listen, listen=listen)


class ColophonServer(uvicorn.Server):
    """uvicorn, plus the first shutdown steps at the signal itself (§1.3).

    Open SSE streams end at once (uvicorn would otherwise wait for them), claiming and firing
    stop; a second signal skips the task grace and releases running tasks.
    """

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self.app = app

    @property
    def hurried(self) -> bool:
        roles: RoleSet | None = getattr(self.app.state, "roles", None)
        return roles is not None and roles.hurried

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            # uvicorn re-raises the signal after a graceful stop; §1.3 wants exit code 0.
            self._captured_signals.clear()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            runtime: Runtime = self.app.state.runtime
            log_serving(runtime.settings.server)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        roles: RoleSet | None = getattr(self.app.state, "roles", None)
        if roles is not None:
            if self.should_exit:
                roles.request_hurry()
            else:
                roles.request_shutdown()
        super().handle_exit(sig, frame)


def _api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)
    router.include_router(health.router)
    router.include_router(auth_routes.router)
    router.include_router(library_routes.router)
    router.include_router(task_routes.router)
    router.include_router(sse_router)
    router.include_router(metadata_routes.router)
    router.include_router(fetch_routes.router)
    router.include_router(plugin_routes.router)
    router.include_router(cover_routes.router)
    router.include_router(job_routes.router)
    return router


def create_app(runtime: Runtime, *, admin: tuple[str, str | None] = ("admin", None)) -> FastAPI:
    """The API process: startup runs the roles, shutdown stops them in order."""
    roles = role_set(runtime)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await prepare_database(runtime.settings)
        await prepare_secrets(runtime)
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
        docs_url=API_DOCS_URL,
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.include_router(_api_router())
    app.include_router(scrape.router)
    app.router.routes.append(WebApp(web_dir_for(runtime.settings.server.web_dir)).route())
    app.add_middleware(AuthenticationMiddleware, runtime=runtime)
    app.add_middleware(RequestContextMiddleware)
    # Outermost, so that 401s from authentication carry the headers too.
    app.add_middleware(SecurityHeadersMiddleware, csp_exempt_paths=[API_DOCS_URL])
    _allow_cross_origin(app, runtime.settings.server.cors_origins)
    return app


def _allow_cross_origin(app: FastAPI, origins: list[str]) -> None:
    """``server.corsOrigins`` (platform §6.2): only these exact origins; none = same-origin."""
    if not origins:
        return
    # Outside authentication: a browser's preflight carries no credentials and must not get 401.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials=True,  # the web app authenticates with its session cookie
        allow_methods=CORS_METHODS,
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
    )
