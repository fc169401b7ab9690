"""Fixtures for the plugin host tests: small timeouts, hosts that are always stopped."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from colophon.plugins.definition import HostSettings, PluginDefinition
from colophon.plugins.health import HostObserver, PluginFailure, StartFailure
from colophon.plugins.host import PluginHost
from colophon.plugins.manifest import PluginManifest
from colophon.plugins.rpc import ReverseHandler
from colophon.plugins.storage import memory_storage_handler

RAW_PLUGIN = str(Path(__file__).parent / "compat" / "raw_plugin.py")


class RecordingObserver(HostObserver):
    """Keeps what the host reported, for assertions."""

    def __init__(self) -> None:
        self.failures: list[PluginFailure] = []
        self.start_failures: list[StartFailure] = []
        self.started: list[tuple[str, int]] = []
        self.successes = 0

    def on_started(self, plugin: str, manifest: PluginManifest, pid: int) -> None:
        self.started.append((plugin, pid))

    def on_success(self, plugin: str) -> None:
        self.successes += 1

    def on_failure(self, failure: PluginFailure) -> None:
        self.failures.append(failure)

    def on_start_failure(self, start_failure: StartFailure) -> None:
        self.start_failures.append(start_failure)

    def kinds(self) -> list[str]:
        return [failure.kind for failure in self.failures]


@pytest.fixture
def settings(tmp_path: Path) -> HostSettings:
    """Host settings with timeouts small enough for a fast suite."""
    return HostSettings(
        data_dir=tmp_path / "plugins",
        request_timeout_s=5.0,
        initialize_timeout_s=10.0,
        ping_timeout_s=2.0,
        shutdown_reply_timeout_s=2.0,
        shutdown_grace_s=1.0,
        restart_backoff_initial_s=0.01,
        restart_backoff_max_s=0.05,
        max_queue_wait_s=10.0,
        server_env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "COLOPHON_SECRET": "must-not-leak",
        },
    )


def echo_definition(name: str = "echo", **admin_config: Any) -> PluginDefinition:
    return PluginDefinition(
        name=name,
        command="python",
        args=("-m", "colophon_plugins.echo"),
        admin_config=admin_config,
        rate_limit_per_minute=0,
    )


def raw_definition(mode: str = "normal", **fields: Any) -> PluginDefinition:
    admin_config = {"mode": mode, **fields.pop("admin_config", {})}
    return PluginDefinition(
        name="raw",
        command=sys.executable,
        args=(RAW_PLUGIN,),
        admin_config=admin_config,
        rate_limit_per_minute=0,
        **fields,
    )


HostFactory = Callable[..., PluginHost]


@pytest.fixture
async def make_host(settings: HostSettings) -> AsyncIterator[HostFactory]:
    """Build hosts (with in-memory storage); every one is stopped at teardown."""
    hosts: list[PluginHost] = []

    def build(
        definition: PluginDefinition,
        *,
        observer: HostObserver | None = None,
        reverse_handler: ReverseHandler | None = None,
        host_settings: HostSettings | None = None,
    ) -> PluginHost:
        host = PluginHost(
            definition,
            host_settings or settings,
            observer=observer,
            reverse_handler=reverse_handler or memory_storage_handler(),
        )
        hosts.append(host)
        return host

    yield build
    for host in hosts:
        await host.stop()
