"""The plugins of one server process wired to their rows (plugins.md §4.1, §4.2, §4.6, §4.8).

``PluginSupervisor`` owns this process's ``PluginHosts``: it resolves a plugin id to a host
built from the current row (re-read when older than 5 s, or at once on a ``plugin.*`` event),
persists what the hosts report (health, failures, auto-disable, the manifest), probes new or
changed plugins in the background, and stops every process when the server stops.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

from colophon.db.clock import utcnow
from colophon.errors import Conflict, NotFound
from colophon.plugins import health_rows, plugin_events
from colophon.plugins.credentials import CredentialsUndecryptable
from colophon.plugins.definition import HostSettings
from colophon.plugins.errors import PluginConfigError, PluginUnavailable
from colophon.plugins.health import HostObserver, PluginFailure, StartFailure
from colophon.plugins.host import PluginHost
from colophon.plugins.manifest import PluginManifest
from colophon.plugins.probe import ProbeError, ProbeResult, probe_plugin
from colophon.plugins.records import (
    PLUGIN_NOT_FOUND,
    PluginRecord,
    find_record,
    find_record_by_name,
)
from colophon.plugins.registry import PluginHosts
from colophon.plugins.rpc import ReverseHandler
from colophon.plugins.storage import StorageCalls
from colophon.plugins.storage_rows import DatabaseStorage, purge_expired_storage
from colophon.runtime import Runtime
from colophon.tasks.events import Event

log = structlog.get_logger(__name__)

ROW_MAX_AGE_S = 5.0  # §4.2: a call re-reads a cached row older than this
CLEANUP_INTERVAL_S = 24 * 3600.0
SUCCESS_WRITE_INTERVAL_S = health_rows.SUCCESS_WRITE_INTERVAL.total_seconds()
Write = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _CachedRecord:
    record: PluginRecord
    read_at: float


def host_settings_of(runtime: Runtime) -> HostSettings:
    """``plugins.*`` settings of this process as the host takes them."""
    settings = runtime.settings
    return HostSettings.from_config(
        settings.plugins,
        data_dir=settings.plugin_data_path,
        server_log_level=settings.logging.level,
    )


class _DatabaseObserver(HostObserver):
    """Queues the database writes for what the hosts report (callbacks must not block)."""

    def __init__(self, supervisor: PluginSupervisor) -> None:
        self._supervisor = supervisor
        # When each plugin's success was last written with nothing else reported since:
        # further successes within the interval need no write transaction at all.
        self._success_written_at: dict[str, float] = {}

    def on_started(self, plugin: str, manifest: PluginManifest, pid: int) -> None:
        self._success_written_at.pop(plugin, None)
        self._supervisor.persist(
            plugin,
            lambda pid_: health_rows.record_started(self._supervisor.runtime, pid_, manifest.raw),
        )

    def on_success(self, plugin: str) -> None:
        now = time.monotonic()
        written_at = self._success_written_at.get(plugin)
        if written_at is not None and now - written_at < SUCCESS_WRITE_INTERVAL_S:
            return
        self._success_written_at[plugin] = now
        self._supervisor.persist(
            plugin, lambda pid_: health_rows.record_success(self._supervisor.runtime, pid_)
        )

    def on_failure(self, failure: PluginFailure) -> None:
        self._success_written_at.pop(failure.plugin, None)
        self._supervisor.persist(
            failure.plugin,
            lambda pid_: health_rows.record_failure(self._supervisor.runtime, pid_, failure),
        )

    def on_start_failure(self, start_failure: StartFailure) -> None:
        self._success_written_at.pop(start_failure.failure.plugin, None)
        self._supervisor.persist_start_failure(start_failure.failure)


class PluginSupervisor:
    """Hosts of this process, resolved from plugin rows."""

    def __init__(self, runtime: Runtime, *, settings: HostSettings | None = None) -> None:
        self.runtime = runtime
        self.settings = settings or host_settings_of(runtime)
        self.hosts = PluginHosts(
            self.settings, observer=_DatabaseObserver(self), reverse_handlers=self._storage_for
        )
        self._records: dict[uuid.UUID, _CachedRecord] = {}
        self._ids: dict[str, uuid.UUID] = {}
        self._writes: asyncio.Queue[Write] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._testing: set[uuid.UUID] = set()
        self._stopping = False

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Listen for ``plugin.*`` events; ping running processes; clean up daily."""
        self.runtime.bus.add_listener(self._on_event)
        self._loops.append(asyncio.create_task(self.hosts.run_health_pings()))
        self._loops.append(asyncio.create_task(self._cleanup_forever()))

    async def stop(self) -> None:
        """Stop every plugin process in parallel (§4.8); failures from now on are not recorded."""
        self._stopping = True
        self.runtime.bus.remove_listener(self._on_event)
        for task in (*self._loops, *self._background):
            task.cancel()
        await asyncio.gather(*self._loops, *self._background, return_exceptions=True)
        await self.hosts.stop_all()
        await self.flush()
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)

    async def _cleanup_forever(self) -> None:
        while True:
            await asyncio.sleep(CLEANUP_INTERVAL_S)
            await self._cleanup()

    async def _cleanup(self) -> None:
        retention = self.runtime.settings.plugins.failure_retention_days
        failures = await health_rows.purge_old_failures(self.runtime, retention_days=retention)
        keys = await purge_expired_storage(self.runtime.db, now=utcnow())
        log.info("plugin_cleanup", failures_deleted=failures, storage_keys_deleted=keys)

    # --- rows ----------------------------------------------------------------------------

    async def record(self, plugin_id: uuid.UUID) -> PluginRecord:
        """The row of ``plugin_id`` (cached ≤ 5 s); raises ``PluginUnavailable`` when missing."""
        cached = self._records.get(plugin_id)
        if cached is not None and time.monotonic() - cached.read_at < ROW_MAX_AGE_S:
            return cached.record
        async with self.runtime.db.read() as session:
            record = await find_record(session, plugin_id)
        if record is None:
            self._records.pop(plugin_id, None)
            raise PluginUnavailable(str(plugin_id), "plugin_missing", "plugin not found")
        self._remember(record)
        return record

    async def record_by_name(self, name: str) -> PluginRecord:
        """The row named ``name``; raises ``PluginUnavailable('plugin_missing')``."""
        plugin_id = self._ids.get(name)
        if plugin_id is not None and plugin_id in self._records:
            return await self.record(plugin_id)
        async with self.runtime.db.read() as session:
            record = await find_record_by_name(session, name)
        if record is None:
            raise PluginUnavailable(name, "plugin_missing", f"plugin '{name}' not found")
        self._remember(record)
        return record

    def _remember(self, record: PluginRecord) -> None:
        self._records[record.id] = _CachedRecord(record, time.monotonic())
        self._ids[record.name] = record.id

    # --- hosts ---------------------------------------------------------------------------

    async def host(self, record: PluginRecord) -> PluginHost:
        """The long-lived host of an enabled plugin, updated to the row's revision.

        Raises ``PluginUnavailable('plugin_disabled')`` and, when the credentials cannot be
        decrypted, ``PluginConfigError`` (recorded as unhealthy, never counted, §4.6).
        """
        if not record.enabled:
            raise PluginUnavailable(
                record.name, "plugin_disabled", f"plugin '{record.name}' is disabled"
            )
        if self._stopping:
            raise PluginUnavailable(record.name, "stopped")
        current = self.hosts.find(record.name)
        if current is not None and self._ids.get(record.name) == record.id:
            if current.definition.revision >= record.revision:
                return current
        elif current is not None:
            await self.hosts.remove(record.name)  # same name, another (re-created) row
        try:
            definition = record.definition(self.runtime.secret_box)
        except CredentialsUndecryptable as exc:
            message = str(exc)
            self._ids[record.name] = record.id
            self.persist(
                record.name,
                lambda pid_: health_rows.record_unstartable(self.runtime, pid_, message),
            )
            raise PluginConfigError(record.name, message) from exc
        self._ids[record.name] = record.id
        try:
            return self.hosts.host_for(definition)
        except RuntimeError:  # the hosts were shut down meanwhile
            raise PluginUnavailable(record.name, "stopped") from None

    async def host_of(self, plugin_id: uuid.UUID) -> tuple[PluginRecord, PluginHost]:
        """Row and host of ``plugin_id``; the errors of ``record`` and ``host``."""
        record = await self.record(plugin_id)
        return record, await self.host(record)

    def _storage_for(self, name: str) -> ReverseHandler:
        plugin_settings = self.runtime.settings.plugins
        return StorageCalls(
            DatabaseStorage(self.runtime.db, self._ids[name]),
            max_keys=plugin_settings.storage_max_keys,
            max_value_bytes=plugin_settings.storage_max_value_bytes,
        )

    # --- changes from other requests and processes --------------------------------------

    async def _on_event(self, event: Event) -> None:
        plugin_id = plugin_events.plugin_id_of(event)
        if plugin_id is None or event.name == plugin_events.HEALTH_CHANGED or self._stopping:
            return
        self._records.pop(plugin_id, None)
        # Stopping a process takes seconds; never hold up the publisher of the event.
        self._spawn(self._apply_change(plugin_id, restart=bool(event.data.get("restart"))))

    async def _apply_change(self, plugin_id: uuid.UUID, *, restart: bool) -> None:
        name = next((n for n, i in self._ids.items() if i == plugin_id), None)
        async with self.runtime.db.read() as session:
            record = await find_record(session, plugin_id)
        if record is None or not record.enabled:
            if name is not None:
                await self.hosts.remove(name)
            return
        self._remember(record)
        if self.hosts.find(record.name) is None:
            return  # not running here: the next call starts it from the new row
        host = await self.host(record)
        if restart:
            host.restart()

    def _spawn(self, work: Awaitable[None]) -> None:
        async def guarded() -> None:
            try:
                await work
            except Exception:  # a background step must never take the server down
                log.exception("plugin_background_step_failed")

        task = asyncio.create_task(guarded())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # --- persistence ---------------------------------------------------------------------

    def persist(self, name: str, write: Callable[[uuid.UUID], Awaitable[None]]) -> None:
        """Queue a health write for the row of ``name`` (in order; dropped while stopping)."""
        plugin_id = self._ids.get(name)
        if plugin_id is None or self._stopping:
            return
        self._enqueue(lambda: write(plugin_id))

    def persist_start_failure(self, failure: PluginFailure) -> None:
        """Record an ``init_error`` and stop the host when it auto-disabled the plugin."""
        plugin_id = self._ids.get(failure.plugin)
        if plugin_id is None or self._stopping:
            return

        async def write() -> None:
            reason = await health_rows.record_start_failure(
                self.runtime,
                plugin_id,
                failure,
                disable_after=self.settings.auto_disable_failures,
                window_s=self.settings.auto_disable_window_s,
            )
            if reason is not None:
                self._records.pop(plugin_id, None)
                self._spawn(self.hosts.remove(failure.plugin))

        self._enqueue(write)

    def _enqueue(self, write: Write) -> None:
        if self._writes is None:
            self._writes = asyncio.Queue()
            self._writer = asyncio.create_task(self._write_forever(self._writes))
        self._writes.put_nowait(write)

    async def _write_forever(self, writes: asyncio.Queue[Write]) -> None:
        while True:
            write = await writes.get()
            try:
                await write()
            except Exception:  # health bookkeeping must never break plugin calls
                log.exception("plugin_health_write_failed")
            finally:
                writes.task_done()

    async def flush(self) -> None:
        """Wait until every queued health write is done (callers that report a failure)."""
        if self._writes is not None:
            await self._writes.join()

    # --- probes --------------------------------------------------------------------------

    def schedule_probe(self, plugin_id: uuid.UUID) -> None:
        """Cache the manifest of a new or changed plugin without a manual test (§7.2)."""
        if not self._stopping:
            self._spawn(self._background_probe(plugin_id))

    async def _background_probe(self, plugin_id: uuid.UUID) -> None:
        async with self.runtime.db.read() as session:
            record = await find_record(session, plugin_id)
        if record is None or not record.enabled:
            return
        result = await self._probe(record)
        if not result.success:
            log.warning("plugin_probe_failed", plugin=record.name, error=result.error)

    async def test(self, plugin_id: uuid.UUID) -> tuple[PluginRecord, ProbeResult]:
        """The test endpoint's probe; 409 while another test of the plugin runs here."""
        async with self.runtime.db.read() as session:
            record = await find_record(session, plugin_id)
        if record is None:
            raise NotFound(PLUGIN_NOT_FOUND)
        if plugin_id in self._testing:
            raise Conflict(f"a test of plugin '{record.name}' is already running")
        self._testing.add(plugin_id)
        try:
            return record, await self._probe(record)
        finally:
            self._testing.discard(plugin_id)

    async def _probe(self, record: PluginRecord) -> ProbeResult:
        """Spawn a throwaway process; cache the manifest on success; never touch health."""
        try:
            definition = record.definition(self.runtime.secret_box)
        except CredentialsUndecryptable as exc:
            return ProbeResult(False, error=ProbeError("config", str(exc)))
        result = await probe_plugin(definition, self.settings)
        if result.manifest is not None:
            await health_rows.cache_manifest(self.runtime, record.id, result.manifest.raw)
        return result


_SUPERVISORS: dict[uuid.UUID, PluginSupervisor] = {}


def supervisor_of(runtime: Runtime) -> PluginSupervisor:
    """The supervisor of ``runtime`` (one per server process), created on first use."""
    supervisor = _SUPERVISORS.get(runtime.instance_id)
    if supervisor is None:
        supervisor = _SUPERVISORS[runtime.instance_id] = PluginSupervisor(runtime)
    return supervisor


async def start_supervisor(runtime: Runtime) -> None:
    """Start the supervisor of ``runtime`` (``RoleSet.start``)."""
    await supervisor_of(runtime).start()


async def stop_supervisor(runtime: Runtime) -> None:
    """Stop every plugin process of ``runtime`` (``RoleSet.stop``); the stopped supervisor stays
    registered so late requests get ``unavailable`` instead of spawning new processes."""
    supervisor = _SUPERVISORS.get(runtime.instance_id)
    if supervisor is not None:
        await supervisor.stop()
