"""The ``colophon`` command (platform §10): parses, then calls services."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
import uvicorn
from cryptography.fernet import InvalidToken
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from sqlalchemy.exc import OperationalError

from colophon.app import (
    ColophonServer,
    create_app,
    prepare_database,
    prepare_secrets,
    run_headless,
    task_abandoned_hooks,
    task_handlers,
)
from colophon.auth import service as auth_service
from colophon.config import ConfigError, LoadedSettings, Settings, load_settings, redacted_yaml
from colophon.db.connect import DatabaseUnreachable, wait_for_database
from colophon.db.database import redact_url
from colophon.db.migrate import (
    MigrationError,
    require_head,
    schema_state,
    upgrade_sql,
    upgrade_to_head,
)
from colophon.errors import ColophonError, Conflict, ValidationFailed
from colophon.jobs import lookup as job_lookup
from colophon.jobs import service as job_service
from colophon.jobs.history import get_run
from colophon.library import demo as demo_tree
from colophon.library import service as library_service
from colophon.library.scanner.service import run_scan
from colophon.logs import configure_logging
from colophon.plugins import service as plugin_service
from colophon.runtime import VERSION, Runtime
from colophon.seed import SeedFailed, load_seed_file, run_seed
from colophon.system import instances
from colophon.system.encryption import (
    EncryptionKeyError,
    check_environment_key,
    load_secret_box,
)
from colophon.system.process_lock import DataDirLock, DataDirLocked
from colophon.system.secret_rotation import rotate_secrets
from colophon.tasks import queue
from colophon.tasks.worker import Worker

app = typer.Typer(
    help="Colophon keeps your comics, manga and ebook metadata fresh.",
    no_args_is_help=True,
    # Tracebacks with locals could print secrets (database URLs, credentials).
    pretty_exceptions_enable=False,
)
admin_app = typer.Typer(help="Manage administrators and passwords.", no_args_is_help=True)
config_app = typer.Typer(help="Inspect the configuration.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
app.add_typer(config_app, name="config")
plugins_app = typer.Typer(help="List and test plugins.", no_args_is_help=True)
secrets_app = typer.Typer(help="Manage encrypted secrets.", no_args_is_help=True)
app.add_typer(secrets_app, name="secrets")
app.add_typer(plugins_app, name="plugins")
jobs_app = typer.Typer(help="Scheduled library jobs.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)
T = TypeVar("T")
ALL_ROLES = frozenset({"api", "worker", "scheduler"})
SQLITE_SPLIT_MESSAGE = (
    "SQLite supports only the all-in-one process (colophon serve); use PostgreSQL to split roles"
)


class _State:
    config_path: str | None = None
    log_level: str | None = None


state = _State()


@app.callback()
def main_options(
    config: Annotated[str | None, typer.Option("--config", help="Path to colophon.yaml.")] = None,
    log_level: Annotated[
        str | None, typer.Option("--log-level", help="debug, info, warning, error.")
    ] = None,
) -> None:
    state.config_path = config
    state.log_level = log_level


def fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _load(**overrides: Any) -> LoadedSettings:
    flat = {"logging.level": state.log_level, **overrides}
    try:
        loaded = load_settings(state.config_path, overrides=flat)
    except ConfigError as exc:
        for line in exc.problems:
            console.print(line, highlight=False, markup=False)
        raise typer.Exit(2) from None
    settings = loaded.settings
    try:
        configure_logging(
            settings.logging.level, settings.logging.format, file=settings.logging.file
        )
    except OSError as exc:
        fail(f"logging.file: cannot open '{settings.logging.file}': {exc.strerror or exc}", 2)
    return loaded


def _run(coroutine: Awaitable[T]) -> T:
    """Run a service call; map domain errors to the CLI's exit codes (§10)."""
    try:
        return asyncio.run(coroutine)  # type: ignore[arg-type]
    except Conflict as exc:
        fail(exc.message, 3)
    except ValidationFailed as exc:
        for error in exc.errors:
            console.print(f"{error.field}: {error.message}", highlight=False, markup=False)
        raise typer.Exit(2) from None
    except ColophonError as exc:
        fail(exc.message)
    except MigrationError as exc:
        fail(str(exc))
    except DatabaseUnreachable as exc:
        fail(f"database unreachable: {exc}")
    except OperationalError as exc:
        fail(f"database unreachable: {exc.orig}")


@contextlib.contextmanager
def _schema_errors() -> Iterator[None]:
    """Migration and connection failures as one line each, exit 1 (platform §1.2 steps 4–5)."""
    try:
        yield
    except MigrationError as exc:
        fail(str(exc))
    except DatabaseUnreachable as exc:
        fail(f"database unreachable: {exc}")
    except OperationalError as exc:
        fail(f"database unreachable: {exc.orig}")


def _with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    async def _go() -> T:
        await prepare_database(settings)
        runtime = Runtime.from_settings(settings, roles=frozenset())
        try:
            return await work(runtime)
        finally:
            await runtime.db.dispose()

    return _run(_go())


# ── serving ──────────────────────────────────────────────────────────────────


def _parse_roles(values: list[str] | None) -> frozenset[str]:
    roles = {part.strip() for value in values or [] for part in value.split(",") if part.strip()}
    unknown = roles - ALL_ROLES
    if unknown:
        fail(f"unknown role '{sorted(unknown)[0]}' (use api, worker or scheduler)", 2)
    return frozenset(roles) or ALL_ROLES


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            fail(f"port {port} is already in use")


def _take_lock(settings: Settings) -> DataDirLock | None:
    if not settings.is_sqlite:
        return None
    settings.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        return DataDirLock.acquire(settings.data_path)
    except DataDirLocked:
        fail(f"another Colophon server is using {settings.data_path}", 2)


@app.command()
def serve(
    role: Annotated[
        list[str] | None, typer.Option(help="api, worker, scheduler (repeatable).")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port.")] = None,
) -> None:
    """Run the server: API, worker and scheduler in one process by default."""
    settings = _load(**{"server.host": host, "server.port": port}).settings
    roles = _parse_roles(role)
    if settings.is_sqlite and roles != ALL_ROLES:
        fail(SQLITE_SPLIT_MESSAGE, 2)
    try:
        check_environment_key()
    except EncryptionKeyError as exc:
        fail(str(exc), 2)
    lock = _take_lock(settings)
    _check_port(settings.server.host, settings.server.port)
    # Startup steps 3–5 before the listener, so their failures read as one clear line.
    _run(prepare_database(settings))
    runtime = Runtime.from_settings(settings, roles=roles)
    admin = (
        os.environ.get("COLOPHON_ADMIN_USERNAME", "admin"),
        os.environ.get("COLOPHON_ADMIN_PASSWORD"),
    )
    web_app = create_app(runtime, admin=admin)
    try:
        server = ColophonServer(
            uvicorn.Config(
                web_app,
                host=settings.server.host,
                port=settings.server.port,
                log_config=None,
                access_log=False,
                timeout_graceful_shutdown=10,
            ),
            web_app,
        )
        server.run()
    finally:
        if lock:
            lock.release()
    if not server.started:
        raise typer.Exit(1)
    if server.hurried:
        raise typer.Exit(130)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Task slots in this process.")] = None,
) -> None:
    """Run only the worker role, without an HTTP listener (PostgreSQL only)."""
    settings = _load(**{"worker.concurrency": concurrency}).settings
    if settings.is_sqlite:
        fail(SQLITE_SPLIT_MESSAGE, 2)
    code = _run(run_headless(Runtime.from_settings(settings, roles=frozenset({"worker"}))))
    if code:
        raise typer.Exit(code)


@app.command()
def scheduler() -> None:
    """Run only the scheduler role, without an HTTP listener (PostgreSQL only)."""
    settings = _load().settings
    if settings.is_sqlite:
        fail(SQLITE_SPLIT_MESSAGE, 2)
    code = _run(run_headless(Runtime.from_settings(settings, roles=frozenset({"scheduler"}))))
    if code:
        raise typer.Exit(code)


# ── database ─────────────────────────────────────────────────────────────────


@app.command()
def migrate(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 unless the schema is at head.")
    ] = False,
    sql: Annotated[
        bool, typer.Option("--sql", help="Print the SQL instead of running it.")
    ] = False,
) -> None:
    """Upgrade the database schema to this version."""
    settings = _load().settings
    if sql:
        out.print(upgrade_sql(), highlight=False, markup=False)
        return
    url = settings.database_url
    settings.data_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _schema_errors():
        wait_for_database(url, timeout_s=settings.database.connect_timeout_s)
    if check:
        with _schema_errors():
            current = require_head(url)
        out.print(f"database schema is at head ({current.head})")
        return
    lock = _take_lock(settings)
    try:
        with _schema_errors():
            state_before = schema_state(url)
            after = upgrade_to_head(url, backups_dir=settings.data_path / "backups")
    finally:
        if lock:
            lock.release()
    out.print(f"{redact_url(url)}: {state_before.current or 'empty'} → {after.current}")


# ── administrators ───────────────────────────────────────────────────────────


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        fail("no terminal to prompt on: pass --password-stdin", 2)
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat password", hide_input=True) != first:
        fail("the passwords do not match", 2)
    return str(first)


@admin_app.command("create")
def admin_create(
    username: Annotated[str, typer.Option(help="The new user's name.")] = "admin",
    role: Annotated[str, typer.Option(help="reader, maintainer or admin.")] = "admin",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Create a user (the first administrator, typically)."""
    settings = _load().settings
    password = _read_password(password_stdin)

    async def work(runtime: Runtime) -> None:
        try:
            await auth_service.create_user(runtime.db, username, password, role=role)
        except Conflict as exc:
            fail(exc.message, 1)

    _with_runtime(settings, work)
    out.print(f"created {role} '{username}'")


@admin_app.command("set-password")
def admin_set_password(
    username: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Reset a user's password and end their sessions."""
    settings = _load().settings
    password = _read_password(password_stdin)
    _with_runtime(
        settings, lambda runtime: auth_service.set_password(runtime.db, username, password)
    )
    out.print(f"password of '{username}' changed; their sessions were ended")


# ── libraries ────────────────────────────────────────────────────────────────


async def _find_library_id(runtime: Runtime, name_or_id: str) -> Any:
    async with runtime.db.read() as session:
        library = await library_service.find_library(session, name_or_id)
    if library is None:
        fail(f"library not found: {name_or_id}")
    return library.id


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=console,
    )


async def _scan_inline(
    runtime: Runtime, library_id: Any, *, full: bool, allow_empty: bool
) -> dict[str, Any]:
    with _progress_bar() as bar:
        line = bar.add_task("Scanning", total=None)

        async def report(
            current: int, total: int, message: str, counts: dict[str, int] | None
        ) -> None:
            bar.update(line, completed=current, total=total or None, description=message)

        result = await run_scan(
            runtime.db,
            runtime.settings.scanner,
            library_id,
            full=full,
            allow_empty=allow_empty,
            progress=report,
        )
        return result.to_json()


async def _wait_for_task(
    runtime: Runtime, task_id: Any, *, fail_on_error: bool = True
) -> dict[str, Any]:
    """Follow a task by polling every 2 s; warn when no worker is alive."""
    if not (await instances.liveness(runtime, "worker")).ok:
        console.print("[yellow]warning:[/yellow] no worker is alive; the task waits for one")
    with _progress_bar() as bar:
        line = bar.add_task("Queued", total=None)
        while True:
            async with runtime.db.read() as session:
                task = await queue.get_task(session, task_id)
            progress = task.progress or {}
            bar.update(
                line,
                completed=progress.get("current", 0),
                total=progress.get("total") or None,
                description=progress.get("message", task.status),
            )
            if task.status in ("completed", "failed", "cancelled"):
                break
            await asyncio.sleep(2)
    if task.status != "completed" and fail_on_error:
        fail(f"task {task.status}: {task.last_error or ''}".strip())
    return task.result or {}


def _print_result(result: dict[str, Any]) -> None:
    summary = {k: v for k, v in result.items() if k != "errorSamples"}
    out.print(json.dumps(summary, indent=2))


@app.command()
def scan(
    library: str,
    full: Annotated[bool, typer.Option("--full", help="Re-read every file.")] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Allow an empty root to delete books.")
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Follow progress until the scan ends.")
    ] = False,
    inline: Annotated[bool, typer.Option("--inline", help="Run the scan in this process.")] = False,
) -> None:
    """Scan a library (by name or id)."""
    settings = _load().settings
    lock = _take_lock(settings) if inline else None

    async def work(runtime: Runtime) -> None:
        library_id = await _find_library_id(runtime, library)
        if inline:
            _print_result(
                await _scan_inline(runtime, library_id, full=full, allow_empty=allow_empty)
            )
            return
        task_id = await library_service.start_scan(
            runtime, library_id, actor="cli", full=full, allow_empty=allow_empty
        )
        out.print(f"scan queued: task {task_id}")
        if wait:
            _print_result(await _wait_for_task(runtime, task_id))

    try:
        _with_runtime(settings, work)
    finally:
        if lock:
            lock.release()


@app.command()
def demo(
    path: Annotated[Path | None, typer.Option(help="Where to generate the demo library.")] = None,
) -> None:
    """Create (once) a demo library, scan it, and print how to log in."""
    settings = _load().settings
    root = (path or settings.data_path / "demo-library").resolve()
    demo_tree.create_demo_tree(root)
    try:
        lock: DataDirLock | None = _take_lock(settings) if settings.is_sqlite else None
    except typer.Exit:
        lock = None  # a server holds the lock: enqueue the scan instead of running it here

    async def work(runtime: Runtime) -> None:
        async with runtime.db.read() as session:
            existing = await library_service.find_library(session, "Demo")
        if existing is None:
            dto, _ = await library_service.create_library(
                runtime, None, "Demo", str(root), scan=lock is None
            )
            out.print(f"library 'Demo' created on {root}")
            if lock is not None:
                await _scan_inline(runtime, dto.id, full=False, allow_empty=False)
        else:
            out.print(f"library 'Demo' exists ({existing.root_path})")
        await _load_secrets(runtime)
        plugin, created = await plugin_service.ensure_demo_plugin(runtime)
        out.print(f"plugin '{plugin.name}' {'created' if created else 'exists'}")
        library_id = await _find_library_id(runtime, "Demo")
        job, job_created = await job_lookup.ensure_demo_job(runtime, library_id)
        out.print(f"job '{job.name}' {'created' if job_created else 'exists'}")
        if await auth_service.count_users(runtime.db) == 0:
            out.print(
                "No users yet: run 'colophon admin create' (or start the server with "
                "COLOPHON_ADMIN_PASSWORD set) to create the first administrator."
            )

    try:
        _with_runtime(settings, work)
    finally:
        if lock:
            lock.release()


# ── jobs ─────────────────────────────────────────────────────────────────────


@jobs_app.command("list")
def jobs_list(
    library: Annotated[str | None, typer.Option(help="Library name or id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List jobs: id, library, name, enabled, cron, timezone, next run, last run status."""

    async def work(runtime: Runtime) -> None:
        library_id = await _find_library_id(runtime, library) if library else None
        lines = await job_lookup.list_job_lines(runtime, library_id)
        if as_json:
            rows = [
                {**line.job.model_dump(mode="json", by_alias=True), "library": line.library_name}
                for line in lines
            ]
            out.print_json(json.dumps(rows))
            return
        for line in lines:
            job = line.job
            next_run = job.next_run_at.isoformat() if job.next_run_at else "-"
            out.print(
                f"{job.id}  {line.library_name}  {job.name}  "
                f"{'enabled' if job.enabled else 'disabled'}  {job.cron_schedule}  "
                f"{job.effective_timezone}  next={next_run}  last={job.last_run_status or '-'}"
            )

    _with_runtime(_load().settings, work)


@jobs_app.command("run")
def jobs_run(
    job: Annotated[str, typer.Argument(help="Job id, or name with --library.")],
    library: Annotated[str | None, typer.Option(help="Library name or id.")] = None,
    wait: Annotated[bool, typer.Option(help="Follow the run until it ends.")] = False,
    inline: Annotated[bool, typer.Option(help="Run it in this process.")] = False,
) -> None:
    """Run a job now (trigger manual, created_by cli); exit 3 when a run is active."""
    settings = _load().settings
    lock = _take_lock(settings) if inline and settings.is_sqlite else None

    async def work(runtime: Runtime) -> None:
        library_id = await _find_library_id(runtime, library) if library else None
        try:
            found_library, job_id = await job_lookup.find_job(runtime, job, library_id)
            started = await job_service.run_now(
                runtime, found_library, job_id, requested_by=None, created_by="cli"
            )
        except Conflict as exc:
            fail(f"{exc.message} (task {exc.task_id}, run {exc.run_id})", 3)
        except ColophonError as exc:
            fail(exc.message)
        out.print(f"run {started.run_id} queued (task {started.task_id})")
        if inline:
            await _run_tasks_inline(runtime, started.task_id)
        if wait or inline:
            await _report_run(runtime, found_library, job_id, started.run_id)

    try:
        _with_runtime(settings, work)
    finally:
        if lock:
            lock.release()


async def _run_tasks_inline(runtime: Runtime, task_id: Any) -> None:
    """A worker in this process, for refresh tasks only, until ours is terminal."""
    handlers = {"refresh_library_metadata": task_handlers()["refresh_library_metadata"]}
    worker = Worker(runtime, handlers, task_abandoned_hooks())
    worker.start()
    try:
        await _wait_for_task(runtime, task_id, fail_on_error=False)
    finally:
        await worker.stop(0)


async def _report_run(runtime: Runtime, library_id: Any, job_id: Any, run_id: Any) -> None:
    """Exit 0 on success/partial (partial warns), 1 on failure/cancelled (platform §10)."""
    task = await _wait_for_task_of_run(runtime, library_id, job_id, run_id)
    run = await get_run(runtime, library_id, job_id, run_id, limit=1, cursor=None)
    out.print(f"{run.status}: {run.message}")
    if run.status == "partial":
        console.print("[yellow]warning:[/yellow] some items failed")
    if run.status in ("failure", "cancelled") or task is None:
        raise typer.Exit(1)


async def _wait_for_task_of_run(
    runtime: Runtime, library_id: Any, job_id: Any, run_id: Any
) -> dict[str, Any] | None:
    run = await get_run(runtime, library_id, job_id, run_id, limit=1, cursor=None)
    if run.task_id is None:
        return None
    return await _wait_for_task(runtime, run.task_id, fail_on_error=False)


# ── seed and plugins ─────────────────────────────────────────────────────────


async def _load_secrets(runtime: Runtime) -> None:
    """The credentials key (platform §6.4), for commands that store or use plugin credentials."""
    try:
        await prepare_secrets(runtime)
    except EncryptionKeyError as exc:
        fail(str(exc), 2)


@app.command()
def seed(
    file: Path,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate (plugins started), write nothing.")
    ] = False,
) -> None:
    """Apply a seed file: users, libraries, plugins and jobs, idempotently (platform §7)."""
    settings = _load().settings
    document = _seed_document(file)

    async def work(runtime: Runtime) -> list[str]:
        await _load_secrets(runtime)
        return await run_seed(runtime, document, dry_run=dry_run, environ=os.environ)

    try:
        lines = _with_runtime(settings, work)
    except SeedFailed as exc:
        for line in exc.errors:
            console.print(line, highlight=False, markup=False)
        raise typer.Exit(2) from None
    for line in lines:
        out.print(line, highlight=False, markup=False)


def _seed_document(file: Path) -> dict[str, Any]:
    try:
        return load_seed_file(file)
    except SeedFailed as exc:
        for line in exc.errors:
            console.print(line, highlight=False, markup=False)
        raise typer.Exit(2) from None


@plugins_app.command("list")
def plugins_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Name, display name, enabled, health, version, capabilities, scopes."""
    settings = _load().settings
    plugins = _with_runtime(settings, plugin_service.list_plugins)
    rows = [
        {
            "name": p.name,
            "displayName": p.display_name,
            "enabled": p.enabled,
            "health": p.health.status,
            "version": (p.manifest or {}).get("version"),
            "capabilities": ((p.manifest or {}).get("capabilities") or {}).get(
                "metadataProvider", []
            ),
            "scopes": p.scopes,
        }
        for p in plugins
    ]
    if as_json:
        out.print(json.dumps(rows, indent=2), highlight=False, markup=False)
        return
    for row in rows:
        out.print(
            f"{row['name']}\t{row['displayName']}\t"
            f"{'enabled' if row['enabled'] else 'disabled'}\t{row['health']}\t"
            f"{row['version'] or '-'}\t{','.join(row['capabilities']) or '-'}\t"
            f"{','.join(row['scopes'])}",
            highlight=False,
            markup=False,
        )


@plugins_app.command("test")
def plugins_test(
    name: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Spawn, initialize, ping and stop a plugin; cache its manifest; exit 1 on failure."""
    settings = _load().settings

    async def work(runtime: Runtime) -> Any:
        await _load_secrets(runtime)
        plugin_id = await plugin_service.find_plugin_id(runtime, name)
        return await plugin_service.test_plugin(runtime, plugin_id)

    result = _with_runtime(settings, work)
    if as_json:
        out.print(result.model_dump_json(by_alias=True, indent=2), highlight=False, markup=False)
    elif result.success and result.manifest is not None:
        manifest, timings = result.manifest, result.timings
        out.print(
            f"{name}: {manifest.get('displayName')} {manifest.get('version')} "
            f"(protocol {manifest.get('protocolVersion')}), "
            f"provides {', '.join(result.content_types) or 'nothing'}; "
            f"spawn {timings.spawn_ms} ms, initialize {timings.initialize_ms} ms, "
            f"ping {timings.ping_ms} ms",
            highlight=False,
            markup=False,
        )
    if not result.success:
        reason = result.error.message if result.error else "unknown error"
        fail(f"plugin '{name}' failed its test: {reason}")


# ── information ──────────────────────────────────────────────────────────────


@secrets_app.command("rotate")
def secrets_rotate() -> None:
    """Re-encrypt every stored secret with the first key of COLOPHON_ENCRYPTION_KEY."""
    settings = _load().settings

    async def work(runtime: Runtime) -> int:
        box = load_secret_box(settings.data_path, may_create=False)
        try:
            return await rotate_secrets(runtime.db, box)
        except InvalidToken:
            fail(f"a stored secret cannot be decrypted with the keys from {box.source}")

    try:
        count = _with_runtime(settings, work)
    except EncryptionKeyError as exc:
        fail(str(exc), 2)
    out.print(f"re-encrypted {count} plugin credential set(s) with the first key")


@config_app.command("show")
def config_show(
    check: Annotated[bool, typer.Option("--check", help="Only validate.")] = False,
) -> None:
    """Print the resolved configuration with each value's source (secrets hidden)."""
    loaded = _load()
    if check:
        out.print("configuration is valid")
        return
    out.print(redacted_yaml(loaded), highlight=False, markup=False)


@app.command()
def openapi(
    output: Annotated[Path | None, typer.Option("--output", help="Write to this file.")] = None,
) -> None:
    """Print the OpenAPI document (the web build generates its types from it)."""
    runtime = Runtime.from_settings(Settings())
    document = json.dumps(create_app(runtime).openapi(), indent=2)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document)
    else:
        out.print(document, highlight=False, markup=False)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(VERSION)


def main() -> None:
    app()
