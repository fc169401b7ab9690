"""``PluginHost``: one plugin's runtime in a server process (plugins.md §4.1-§4.6).

It starts the process lazily on the first call (concurrent first calls share one spawn),
pipelines every call through it, counts liveness failures, restarts with backoff, reports
start failures (disabling itself after too many) and replaces the process when the launch
configuration changes. The process and its failures never raise past ``call``'s
``PluginError``s.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, NoReturn

import structlog

from colophon.plugins.definition import HostSettings, PluginDefinition
from colophon.plugins.errors import (
    PluginError,
    PluginMethodNotSupported,
    PluginRateLimited,
    PluginRemoteError,
    PluginTimeout,
    PluginUnavailable,
    PluginWriteFailed,
)
from colophon.plugins.health import (
    FailureKind,
    HostObserver,
    PluginFailure,
    StartFailure,
    StartFailureWindow,
    auto_disable_reason,
    restart_delay_s,
)
from colophon.plugins.launch import LaunchError
from colophon.plugins.limiter import RateLimiter
from colophon.plugins.manifest import ManifestError, PluginManifest, parse_manifest
from colophon.plugins.process import ExitInfo, PluginProcess
from colophon.plugins.protocol import ContentType, JsonObject, Method, content_type_of
from colophon.plugins.rpc import ReverseHandler, refuse_reverse_calls

log = structlog.get_logger(__name__)


class HostState(StrEnum):
    """Where the plugin is in its lifecycle in this server process."""

    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    BACKOFF = "backoff"
    DISABLED = "disabled"
    CLOSED = "closed"


class PluginHost:
    """The long-lived process of one plugin, shared by every caller in this server process."""

    def __init__(
        self,
        definition: PluginDefinition,
        settings: HostSettings,
        *,
        observer: HostObserver | None = None,
        reverse_handler: ReverseHandler = refuse_reverse_calls,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._definition = definition
        self._settings = settings
        self._observer = observer or HostObserver()
        self._reverse_handler = reverse_handler
        self._clock = clock
        self.limiter = RateLimiter(definition.name, definition.rate_limit_per_minute)
        self.manifest: PluginManifest | None = None
        self._process: PluginProcess | None = None
        self._starting: asyncio.Task[PluginProcess] | None = None
        self._backoff_until = 0.0
        self._unplanned_restarts = 0
        self._start_failures = StartFailureWindow(settings.auto_disable_window_s)
        self._disabled_reason: str | None = None
        self._closed = False
        self._retiring: set[asyncio.Task[None]] = set()

    # --- introspection -------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._definition.name

    @property
    def definition(self) -> PluginDefinition:
        return self._definition

    @property
    def pid(self) -> int | None:
        """The running process's pid, None when there is none."""
        return self._process.pid if self._process else None

    @property
    def disabled_reason(self) -> str | None:
        """Set after auto-disable (§4.6) until ``enable()``."""
        return self._disabled_reason

    @property
    def state(self) -> HostState:
        if self._closed:
            return HostState.CLOSED
        if self._disabled_reason is not None:
            return HostState.DISABLED
        if self._process is not None:
            return HostState.RUNNING
        if self._starting is not None:
            return HostState.STARTING
        return HostState.BACKOFF if self._clock() < self._backoff_until else HostState.STOPPED

    # --- calls -------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        params: JsonObject | None = None,
        *,
        timeout_s: float | None = None,
        max_wait_s: float | None = None,
    ) -> Any:
        """Send one request and return its result (§4.3); raises a ``PluginError``.

        ``max_wait_s`` bounds waiting for the spawn, a limiter token and an in-flight slot;
        ``timeout_s`` bounds the wait for the reply (default: the plugin's request timeout).
        """
        wait_s = self._settings.max_queue_wait_s if max_wait_s is None else max_wait_s
        deadline = self._clock() + wait_s
        process = await self._ensure_running(wait_s)
        content_type = content_type_of(method)
        if content_type is not None:
            self._require_capability(content_type, method)
            await self.limiter.acquire(max_wait_s=self._remaining(deadline))
        try:
            async with process.slot(max_wait_s=self._remaining(deadline)):
                timeout = timeout_s or self._settings.request_timeout_for(self._definition)
                return await self._send(process, method, params, timeout)
        except TimeoutError:
            raise PluginRateLimited(
                self.name, f"plugin '{self.name}' has no free in-flight slot", retry_after_s=1
            ) from None

    def _remaining(self, deadline: float) -> float:
        return max(0.0, deadline - self._clock())

    def _require_capability(self, content_type: ContentType, method: str) -> None:
        if self.manifest is None or not self.manifest.provides(content_type):
            raise PluginMethodNotSupported(
                self.name,
                f"plugin '{self.name}' does not provide {content_type} metadata ({method})",
            )

    async def _send(
        self, process: PluginProcess, method: str, params: JsonObject | None, timeout_s: float
    ) -> Any:
        try:
            result = await process.request(method, params, timeout_s=timeout_s)
        except PluginTimeout as exc:
            self._liveness_failure(process, "timeout", exc.message, method=method)
            raise
        except PluginWriteFailed as exc:
            self._liveness_failure(process, "write_error", exc.message, method=method)
            raise
        except PluginRemoteError as exc:
            self._proved_alive(process)
            if isinstance(exc, PluginRateLimited):
                self.limiter.pause(exc.retry_after_s)
            raise
        self._proved_alive(process)
        self._succeeded(process)
        return result

    # --- health --------------------------------------------------------------------------

    async def ping(self) -> None:
        """Health ping (§4.5) of a running process; never starts one. Failures are counted."""
        process = self._process
        if process is None or self._closed:
            return
        try:
            await process.request(Method.PING, None, timeout_s=self._settings.ping_timeout_s)
        except (PluginTimeout, PluginRemoteError, PluginWriteFailed) as exc:
            self._liveness_failure(process, "ping_failed", exc.message, method=Method.PING)
        except PluginError:
            return  # the process is exiting; the exit watcher reports it
        else:
            self._proved_alive(process)

    def _proved_alive(self, process: PluginProcess) -> None:
        process.consecutive_failures = 0

    def _succeeded(self, process: PluginProcess) -> None:
        if not process.had_success:
            process.had_success = True
            self._unplanned_restarts = 0  # §4.5: a working new process resets the backoff
        self._notify("on_success", self.name)

    def _liveness_failure(
        self, process: PluginProcess, kind: FailureKind, message: str, *, method: str | None
    ) -> None:
        if process is not self._process:
            return  # a retired process; its failures no longer matter
        process.consecutive_failures += 1
        failure = PluginFailure(
            self.name,
            kind,
            message,
            method=method,
            consecutive_failures=process.consecutive_failures,
        )
        self._notify("on_failure", failure)
        if process.consecutive_failures >= self._settings.failure_threshold:
            log.warning(
                "plugin_restarting", plugin=self.name, failures=failure.consecutive_failures
            )
            self._process = None
            process.rpc.fail_pending(PluginUnavailable(self.name, "restarting"))
            self._enter_backoff()
            self._retire(process, drain=False)

    def _protocol_error(self, message: str) -> None:
        process = self._process
        if process is None:
            self._notify("on_failure", PluginFailure(self.name, "protocol_error", message))
            return
        self._liveness_failure(process, "protocol_error", message, method=None)

    def _process_exited(self, process: PluginProcess, info: ExitInfo) -> None:
        if process is not self._process:
            return  # exited during initialize (reported as a start failure) or retired
        self._process = None
        failure = PluginFailure(
            self.name,
            "crash",
            f"plugin exited with code {info.exit_code}",
            exit_code=info.exit_code,
            stderr_tail=info.stderr_tail,
            consecutive_failures=process.consecutive_failures + 1,
        )
        self._notify("on_failure", failure)
        self._enter_backoff()

    def _enter_backoff(self) -> None:
        self._unplanned_restarts += 1
        delay = restart_delay_s(
            self._unplanned_restarts,
            initial_s=self._settings.restart_backoff_initial_s,
            maximum_s=self._settings.restart_backoff_max_s,
        )
        self._backoff_until = self._clock() + delay

    def _notify(self, callback: str, *args: Any) -> None:
        try:
            getattr(self._observer, callback)(*args)
        except Exception:  # an observer bug must never fail a plugin call
            log.exception("plugin_observer_failed", plugin=self.name, callback=callback)

    # --- starting ----------------------------------------------------------------------

    async def _ensure_running(self, wait_s: float) -> PluginProcess:
        if self._closed:
            raise PluginUnavailable(self.name, "stopped")
        if self._disabled_reason is not None:
            raise PluginUnavailable(self.name, "plugin_disabled", self._disabled_reason)
        if self._process is not None:
            return self._process
        backoff_s = self._backoff_until - self._clock()
        if backoff_s > wait_s:
            retry_at = datetime.now(UTC) + timedelta(seconds=backoff_s)
            raise PluginUnavailable(self.name, "restarting", retry_at=retry_at)
        if self._starting is None:
            self._starting = asyncio.create_task(self._start(max(0.0, backoff_s)))
        try:
            return await asyncio.wait_for(asyncio.shield(self._starting), wait_s)
        except TimeoutError:
            raise PluginUnavailable(self.name, "restarting", "plugin is still starting") from None

    async def _start(self, delay_s: float) -> PluginProcess:
        try:
            if delay_s > 0:
                await asyncio.sleep(delay_s)
            while True:
                definition = self._definition
                process = await self._spawn_and_initialize(definition)
                if definition.launch_fields() == self._definition.launch_fields():
                    self._process = process
                    return process
                self._retire(process, drain=False)  # reconfigured while starting
        finally:
            self._starting = None

    async def _spawn_and_initialize(self, definition: PluginDefinition) -> PluginProcess:
        try:
            process = await PluginProcess.spawn(
                definition,
                self._settings,
                reverse_handler=self._reverse_handler,
                on_protocol_error=self._protocol_error,
                on_exit=self._process_exited,
            )
        except LaunchError as exc:
            self._start_failed(str(exc))
        try:
            manifest = await self._initialize(process, definition)
        except (PluginError, ManifestError) as exc:
            await process.stop(send_shutdown=False)
            code = exc.code if isinstance(exc, PluginRemoteError) else None
            message = exc.message if isinstance(exc, PluginError) else str(exc)
            self._start_failed(message, code=code, process=process)
        self.manifest = manifest
        if manifest.name != definition.name:
            log.info("plugin_manifest_name_differs", plugin=self.name, manifest_name=manifest.name)
        self._notify("on_started", self.name, manifest, process.pid)
        return process

    async def _initialize(
        self, process: PluginProcess, definition: PluginDefinition
    ) -> PluginManifest:
        params = initialize_params(definition, self._settings, data_dir=process.data_dir)
        shown = {**params, "credentials": "[REDACTED]"} if "credentials" in params else params
        log.debug("plugin_initialize", plugin=self.name, params=shown)
        timeout_s = self._settings.initialize_timeout_s
        result = await process.request(Method.INITIALIZE, params, timeout_s=timeout_s)
        return parse_manifest(result)

    def _start_failed(
        self, message: str, *, code: int | None = None, process: PluginProcess | None = None
    ) -> NoReturn:
        failure = PluginFailure(
            self.name,
            "init_error",
            message,
            method=Method.INITIALIZE,
            code=code,
            exit_code=process.exit_code if process else None,
            stderr_tail=process.stderr_tail() if process else (),
        )
        failed_starts = self._start_failures.record(self._clock())
        reason = None
        if failed_starts >= self._settings.auto_disable_failures:
            reason = auto_disable_reason(
                failed_starts, self._settings.auto_disable_window_s, message
            )
            self._disabled_reason = reason
            log.error("plugin_auto_disabled", plugin=self.name, reason=reason)
        else:
            log.warning("plugin_start_failed", plugin=self.name, error=message)
        self._enter_backoff()
        self._notify("on_start_failure", StartFailure(failure, failed_starts, reason))
        raise PluginUnavailable(self.name, "start_failed", message)

    # --- configuration and stopping ---------------------------------------------------

    def update(self, definition: PluginDefinition) -> None:
        """Apply a changed row (§4.2): launch fields drain and replace the process; the rate
        limit and request timeout apply live."""
        previous, self._definition = self._definition, definition
        if definition.rate_limit_per_minute != previous.rate_limit_per_minute:
            self.limiter.set_rate(definition.rate_limit_per_minute)
        if definition.launch_fields() != previous.launch_fields():
            self.restart()

    def restart(self) -> None:
        """Send new calls to a fresh process; the old one stops once its calls finish."""
        process, self._process = self._process, None
        if process is not None:
            self._retire(process, drain=True)

    def enable(self) -> None:
        """Clear an auto-disable and forget earlier start failures and backoff (§4.6)."""
        self._disabled_reason = None
        self._start_failures.reset()
        self._unplanned_restarts = 0
        self._backoff_until = 0.0

    def _retire(self, process: PluginProcess, *, drain: bool) -> None:
        async def retire() -> None:
            if drain:
                await process.wait_idle(self._settings.request_timeout_for(self._definition))
            await process.stop()

        task = asyncio.create_task(retire())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def stop(self) -> None:
        """Stop admitting calls and stop every process of this plugin (§3.6)."""
        self._closed = True
        if self._starting is not None:
            self._starting.cancel()
        process, self._process = self._process, None
        stopping = [p.stop() for p in (process,) if p is not None]
        await asyncio.gather(*stopping, *self._retiring, return_exceptions=True)


def initialize_params(
    definition: PluginDefinition, settings: HostSettings, *, data_dir: str
) -> JsonObject:
    """``initialize`` params (§3.4); credentials only for ``init_message``/``both`` delivery."""
    admin_config = dict(definition.admin_config)
    params: JsonObject = {
        "adminConfig": admin_config,
        "config": admin_config,
        "dataDir": data_dir,
        "logLevel": settings.plugin_log_level(definition),
    }
    if definition.credential_delivery in ("init_message", "both"):
        params["credentials"] = dict(definition.credentials)
    return params
