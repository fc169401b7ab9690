"""What the host needs to run a plugin: its definition (from the row) and the host settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from colophon.config import PluginSettings
from colophon.plugins.launch import DEFAULT_ALLOWED_COMMANDS

CredentialDelivery = Literal["init_message", "env", "both"]
MIN_LINE_BYTES = 16 * 1024 * 1024
# `plugins.logLevel` is unset by default: the server level maps onto the SDK's names (§3.4).
SERVER_TO_PLUGIN_LEVEL = {
    "debug": "debug",
    "info": "info",
    "warning": "warn",
    "error": "error",
    "critical": "error",
}


@dataclass(frozen=True, slots=True)
class PluginDefinition:
    """One plugin row as the host sees it; ``name`` is the identity (immutable)."""

    name: str
    command: str
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    working_dir: str | None = None
    admin_config: Mapping[str, Any] = field(default_factory=dict)
    credentials: Mapping[str, str] = field(default_factory=dict)
    credential_delivery: CredentialDelivery = "init_message"
    log_level: str | None = None
    rate_limit_per_minute: int = 60
    request_timeout_s: float | None = None
    revision: int = 1

    def launch_fields(self) -> tuple[Any, ...]:
        """The fields whose change replaces the process (§4.2); the others apply live."""
        return (
            self.command,
            self.args,
            tuple(sorted(self.env.items())),
            self.working_dir,
            _freeze(self.admin_config),
            tuple(sorted(self.credentials.items())),
            self.credential_delivery,
            self.log_level,
        )


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class HostSettings:
    """``plugins.*`` settings (plugins.md §9) as plain values, plus the server's environment."""

    data_dir: Path
    allowed_commands: tuple[str, ...] = DEFAULT_ALLOWED_COMMANDS
    request_timeout_s: float = 30.0
    initialize_timeout_s: float = 60.0
    ping_timeout_s: float = 10.0
    ping_interval_s: float = 60.0
    shutdown_reply_timeout_s: float = 5.0
    failure_threshold: int = 3
    restart_backoff_initial_s: float = 1.0
    restart_backoff_max_s: float = 60.0
    auto_disable_failures: int = 3
    auto_disable_window_s: float = 3600.0
    shutdown_grace_s: float = 5.0
    max_line_bytes: int = MIN_LINE_BYTES
    max_in_flight: int = 32
    max_queue_wait_s: float = 300.0
    stderr_lines_per_second: int = 100
    server_log_level: str = "info"
    # The child environment copies a few of these (launch.INHERITED_ENV), never all of them.
    server_env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @classmethod
    def from_config(
        cls,
        config: PluginSettings,
        *,
        data_dir: Path,
        server_log_level: str = "info",
        server_env: Mapping[str, str] | None = None,
    ) -> HostSettings:
        """Build from the `plugins` section; `data_dir` is `Settings.plugin_data_path`."""
        return cls(
            data_dir=data_dir,
            allowed_commands=tuple(config.allowed_commands),
            request_timeout_s=config.request_timeout_s,
            initialize_timeout_s=config.initialize_timeout_s,
            ping_timeout_s=config.ping_timeout_s,
            ping_interval_s=config.ping_interval_s,
            failure_threshold=config.failure_threshold,
            restart_backoff_max_s=config.restart_backoff_max_s,
            auto_disable_failures=config.auto_disable_failures,
            auto_disable_window_s=config.auto_disable_window_s,
            shutdown_grace_s=config.shutdown_grace_s,
            max_line_bytes=max(config.max_line_bytes, MIN_LINE_BYTES),
            max_in_flight=config.max_in_flight,
            max_queue_wait_s=config.max_queue_wait_s,
            stderr_lines_per_second=config.stderr_lines_per_second,
            server_log_level=server_log_level,
            server_env=dict(os.environ) if server_env is None else dict(server_env),
        )

    def plugin_log_level(self, definition: PluginDefinition) -> str:
        """``initialize.logLevel``: the row's level, else the server's mapped to SDK names."""
        if definition.log_level:
            return definition.log_level
        return SERVER_TO_PLUGIN_LEVEL.get(self.server_log_level.lower(), "info")

    def request_timeout_for(self, definition: PluginDefinition) -> float:
        """The row's ``requestTimeoutS``, else ``plugins.requestTimeoutS``."""
        return definition.request_timeout_s or self.request_timeout_s
