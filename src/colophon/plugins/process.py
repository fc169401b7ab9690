"""One plugin child process: spawn, JSON-RPC channel, stderr relay, exit watch, stop sequence."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import structlog

from colophon.plugins.definition import HostSettings, PluginDefinition
from colophon.plugins.errors import PluginCrashed, PluginError, PluginUnavailable
from colophon.plugins.launch import (
    LaunchError,
    build_child_env,
    command_not_allowed_message,
    credential_env,
    is_command_allowed,
    prepare_data_dir,
    resolve_command,
)
from colophon.plugins.protocol import JsonObject, Method
from colophon.plugins.redaction import Redactor
from colophon.plugins.rpc import ReverseHandler, RpcConnection
from colophon.plugins.stderr import StderrRelay

log = structlog.get_logger(__name__)

# After stdout closes, the exit code and last stderr lines normally follow within milliseconds.
EXIT_AFTER_EOF_S = 2.0
STDERR_AFTER_EXIT_S = 1.0
FAILURE_TAIL_LINES = 20


@dataclass(frozen=True, slots=True)
class ExitInfo:
    """How a process ended without being asked to."""

    exit_code: int | None
    stderr_tail: tuple[str, ...]


ExitCallback = Callable[["PluginProcess", ExitInfo], None]


class PluginProcess:
    """A running plugin child; ``request`` pipelines calls, ``stop`` runs §3.6's sequence."""

    def __init__(
        self,
        definition: PluginDefinition,
        settings: HostSettings,
        proc: asyncio.subprocess.Process,
        rpc: RpcConnection,
        relay: StderrRelay,
        data_dir: str,
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.data_dir = data_dir
        self.rpc = rpc
        self.relay = relay
        self._proc = proc
        self._slots = asyncio.Semaphore(settings.max_in_flight)
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self._stopped = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.consecutive_failures = 0
        self.had_success = False

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def exit_code(self) -> int | None:
        return self._proc.returncode

    @property
    def is_stopping(self) -> bool:
        return self._stopping

    @classmethod
    async def spawn(
        cls,
        definition: PluginDefinition,
        settings: HostSettings,
        *,
        reverse_handler: ReverseHandler,
        on_protocol_error: Callable[[str], None],
        on_exit: ExitCallback,
    ) -> PluginProcess:
        """Start the child with its own process group; raises ``LaunchError`` when it cannot."""
        env = build_child_env(
            settings.server_env,
            definition.env,
            env_credentials=_env_credentials(definition),
        )
        if not is_command_allowed(definition.command, settings.allowed_commands):
            raise LaunchError(command_not_allowed_message(definition.command))
        executable = resolve_command(definition.command, path=env.get("PATH"))
        data_dir = str(prepare_data_dir(settings.data_dir, definition.name))
        proc = await _create_process(executable, definition, env, data_dir, settings)
        redact = Redactor(definition.credentials.values())
        assert proc.stdout is not None and proc.stdin is not None and proc.stderr is not None
        rpc = RpcConnection(
            definition.name,
            proc.stdout,
            proc.stdin,
            max_line_bytes=settings.max_line_bytes,
            reverse_handler=reverse_handler,
            on_protocol_error=on_protocol_error,
            redact=redact,
        )
        relay = StderrRelay(
            definition.name, lines_per_second=settings.stderr_lines_per_second, redact=redact
        )
        process = cls(definition, settings, proc, rpc, relay, data_dir)
        process._begin(proc.stderr, on_exit)
        log.info("plugin_spawned", plugin=definition.name, pid=proc.pid)
        return process

    def _begin(self, stderr: asyncio.StreamReader, on_exit: ExitCallback) -> None:
        self.rpc.start()
        self._stderr_task = asyncio.create_task(self.relay.run(stderr))
        self._tasks = [self._stderr_task, asyncio.create_task(self._watch_exit(on_exit))]

    async def request(self, method: str, params: JsonObject | None, *, timeout_s: float) -> object:
        """Send one request on this process (no slot accounting; see ``slot``)."""
        return await self.rpc.request(method, params, timeout_s=timeout_s)

    @contextlib.asynccontextmanager
    async def slot(self, *, max_wait_s: float) -> AsyncIterator[None]:
        """Hold one of ``maxInFlight`` slots; raises ``TimeoutError`` past ``max_wait_s``."""
        await asyncio.wait_for(self._slots.acquire(), max_wait_s)
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._slots.release()
            if self._in_flight == 0:
                self._idle.set()

    async def wait_idle(self, timeout_s: float) -> None:
        """Return when no call is in flight, or after ``timeout_s`` (drain before replace)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout_s)

    def stderr_tail(self, count: int = FAILURE_TAIL_LINES) -> tuple[str, ...]:
        """The last ``count`` redacted stderr lines."""
        return self.relay.tail_lines(count)

    async def stop(self, *, send_shutdown: bool = True) -> None:
        """Stop sequence (§3.6): shutdown, close stdin, wait the grace, SIGKILL the group, reap."""
        if self._stopping:
            await self._stopped.wait()
            return
        self._stopping = True
        try:
            if send_shutdown and not self.rpc.at_eof and self._proc.returncode is None:
                await self._ask_to_shut_down()
            self._close_stdin()
            await self._wait_or_kill(self.settings.shutdown_grace_s)
            stopped = PluginUnavailable(self.definition.name, "stopped")
            self.rpc.fail_pending(stopped)
            await asyncio.wait(self._tasks, timeout=STDERR_AFTER_EXIT_S)
        finally:
            await self.rpc.aclose()
            for task in self._tasks:
                task.cancel()
            self._stopped.set()
            log.info("plugin_stopped", plugin=self.definition.name, pid=self.pid)

    async def _ask_to_shut_down(self) -> None:
        timeout_s = self.settings.shutdown_reply_timeout_s
        try:
            await self.rpc.request(Method.SHUTDOWN, None, timeout_s=timeout_s)
        except PluginError as exc:
            log.debug("plugin_shutdown_unanswered", plugin=self.definition.name, error=str(exc))

    def _close_stdin(self) -> None:
        stdin = self._proc.stdin
        if stdin is not None and not stdin.is_closing():
            stdin.close()

    async def _wait_or_kill(self, grace_s: float) -> None:
        try:
            await asyncio.wait_for(self._proc.wait(), grace_s)
        except TimeoutError:
            log.warning("plugin_killed", plugin=self.definition.name, pid=self.pid)
            self._kill_group()
            await self._proc.wait()

    def _kill_group(self) -> None:
        # The plugin leads its own process group, so `npx → node` chains die together.
        try:
            if hasattr(os, "killpg"):
                os.killpg(self._proc.pid, signal.SIGKILL)
            else:
                self._proc.kill()
        except ProcessLookupError:
            pass

    async def _watch_exit(self, on_exit: ExitCallback) -> None:
        await self.rpc.wait_eof()
        if self._stopping:
            return
        await self._wait_or_kill(EXIT_AFTER_EOF_S)
        await asyncio.wait([self._stderr_task], timeout=STDERR_AFTER_EXIT_S)
        if self._stopping:
            return
        info = ExitInfo(self._proc.returncode, self.stderr_tail())
        log.warning(
            "plugin_exited", plugin=self.definition.name, pid=self.pid, exit_code=info.exit_code
        )
        self._stopping = True
        # Report first, so the crash is recorded before any caller sees PluginCrashed.
        on_exit(self, info)
        self.rpc.fail_pending(
            PluginCrashed(
                self.definition.name,
                f"plugin '{self.definition.name}' exited with code {info.exit_code}",
                exit_code=info.exit_code,
                stderr_tail=info.stderr_tail,
            )
        )
        self._close_stdin()
        await self.rpc.aclose()
        self._stopped.set()


def _env_credentials(definition: PluginDefinition) -> dict[str, str] | None:
    if definition.credential_delivery in ("env", "both"):
        return credential_env(definition.credentials)
    return None


async def _create_process(
    executable: str,
    definition: PluginDefinition,
    env: dict[str, str],
    data_dir: str,
    settings: HostSettings,
) -> asyncio.subprocess.Process:
    try:
        return await asyncio.create_subprocess_exec(
            executable,
            *definition.args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=settings.max_line_bytes,
            start_new_session=True,
            env=env,
            cwd=definition.working_dir or data_dir,
        )
    except OSError as exc:
        raise LaunchError(f"cannot start '{definition.command}': {exc}") from exc
