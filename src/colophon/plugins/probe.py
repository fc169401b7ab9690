"""The test endpoint's throwaway process (plugins.md §7.2): spawn, initialize, ping, stop.

It never touches the long-lived process, health counters or auto-disable counting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from colophon.plugins.definition import HostSettings, PluginDefinition
from colophon.plugins.errors import PluginError, PluginRemoteError
from colophon.plugins.host import initialize_params
from colophon.plugins.launch import LaunchError
from colophon.plugins.manifest import ManifestError, PluginManifest, parse_manifest
from colophon.plugins.process import PluginProcess
from colophon.plugins.protocol import Method
from colophon.plugins.rpc import ReverseHandler
from colophon.plugins.storage import memory_storage_handler

PROBE_TAIL_LINES = 50


@dataclass(frozen=True, slots=True)
class ProbeError:
    """Why the probe failed: ``kind`` is ``spawn``, ``initialize``, ``manifest`` or ``ping``."""

    kind: str
    message: str
    code: int | None = None
    data: Any = None


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """The outcome of one probe; timings in milliseconds (None for steps not reached)."""

    success: bool
    manifest: PluginManifest | None = None
    error: ProbeError | None = None
    spawn_ms: float | None = None
    initialize_ms: float | None = None
    ping_ms: float | None = None
    stderr_tail: tuple[str, ...] = field(default_factory=tuple)


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _error(kind: str, exc: Exception) -> ProbeError:
    if isinstance(exc, PluginRemoteError):
        return ProbeError(kind, exc.message, exc.code, exc.data)
    return ProbeError(kind, exc.message if isinstance(exc, PluginError) else str(exc))


async def probe_plugin(
    definition: PluginDefinition,
    settings: HostSettings,
    *,
    reverse_handler: ReverseHandler | None = None,
) -> ProbeResult:
    """Spawn a separate process, run ``initialize`` and ``ping``, then stop it."""
    started = time.perf_counter()
    try:
        process = await PluginProcess.spawn(
            definition,
            settings,
            reverse_handler=reverse_handler or memory_storage_handler(),
            on_protocol_error=lambda message: None,
            on_exit=lambda process, info: None,
        )
    except LaunchError as exc:
        return ProbeResult(False, error=ProbeError("spawn", str(exc)))
    spawn_ms = _elapsed_ms(started)
    try:
        return await _initialize_and_ping(process, definition, settings, spawn_ms)
    finally:
        await process.stop(send_shutdown=True)


async def _initialize_and_ping(
    process: PluginProcess, definition: PluginDefinition, settings: HostSettings, spawn_ms: float
) -> ProbeResult:
    started = time.perf_counter()
    params = initialize_params(definition, settings, data_dir=process.data_dir)
    try:
        raw = await process.request(
            Method.INITIALIZE, params, timeout_s=settings.initialize_timeout_s
        )
        manifest = parse_manifest(raw)
    except (PluginError, ManifestError) as exc:
        kind = "manifest" if isinstance(exc, ManifestError) else "initialize"
        tail = process.stderr_tail(PROBE_TAIL_LINES)
        return ProbeResult(False, error=_error(kind, exc), spawn_ms=spawn_ms, stderr_tail=tail)
    initialize_ms = _elapsed_ms(started)
    started = time.perf_counter()
    try:
        await process.request(Method.PING, None, timeout_s=settings.ping_timeout_s)
    except PluginError as exc:
        return ProbeResult(
            False,
            manifest,
            _error("ping", exc),
            spawn_ms,
            initialize_ms,
            stderr_tail=process.stderr_tail(PROBE_TAIL_LINES),
        )
    return ProbeResult(
        True,
        manifest,
        None,
        spawn_ms,
        initialize_ms,
        _elapsed_ms(started),
        process.stderr_tail(PROBE_TAIL_LINES),
    )
