"""Errors of plugin calls; `api/` maps them to HTTP (plugins.md §4.10), they only carry data.

PluginError ─┬─ PluginUnavailable(reason)   no process to talk to (missing, disabled, restarting…)
             ├─ PluginTimeout               no reply within the request timeout
             ├─ PluginCrashed               the process exited while the call was pending
             │    └─ PluginWriteFailed      the request could not be written (broken pipe)
             ├─ PluginProtocolError         the reply is unusable (not an object, no externalId…)
             └─ PluginRemoteError(code, message, data)   a JSON-RPC error reply (§3.9)
                  ├─ PluginMethodNotSupported  -32601 (also raised locally, nothing sent)
                  ├─ PluginInvalidParams       -32602 (also raised locally for blank params)
                  ├─ PluginRateLimited         -32001 (+ retry_after_s; also raised by the limiter)
                  ├─ PluginNotFound            -32002
                  ├─ PluginAuthFailed          -32003
                  ├─ PluginApiError            -32004
                  └─ PluginConfigError         -32005
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RATE_LIMITED = -32001
NOT_FOUND = -32002
AUTH_FAILED = -32003
API_ERROR = -32004
CONFIG_ERROR = -32005

MAX_MESSAGE_CHARS = 2000
DEFAULT_RETRY_AFTER_S = 60
MIN_RETRY_AFTER_S = 1
MAX_RETRY_AFTER_S = 3600

UnavailableReason = Literal[
    "plugin_missing", "plugin_disabled", "restarting", "start_failed", "stopped"
]


class PluginError(Exception):
    """Base of every failure of a call to a plugin."""

    def __init__(self, plugin: str, message: str) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.message = message


class PluginUnavailable(PluginError):
    """No usable process: ``reason`` says why; ``retry_at`` is set while restarting."""

    def __init__(
        self,
        plugin: str,
        reason: UnavailableReason,
        message: str | None = None,
        *,
        retry_at: datetime | None = None,
    ) -> None:
        super().__init__(plugin, message or f"plugin '{plugin}' is unavailable ({reason})")
        self.reason: UnavailableReason = reason
        self.retry_at = retry_at


class PluginTimeout(PluginError):
    """The plugin did not answer ``method`` within ``timeout_s``."""

    def __init__(self, plugin: str, method: str, timeout_s: float) -> None:
        super().__init__(plugin, f"plugin '{plugin}' did not answer {method} within {timeout_s:g}s")
        self.method = method
        self.timeout_s = timeout_s


class PluginCrashed(PluginError):
    """The process exited (or its pipe broke) while the call was pending."""

    def __init__(
        self,
        plugin: str,
        message: str,
        *,
        exit_code: int | None = None,
        stderr_tail: tuple[str, ...] = (),
    ) -> None:
        super().__init__(plugin, message)
        self.exit_code = exit_code
        self.stderr_tail = stderr_tail


class PluginWriteFailed(PluginCrashed):
    """Writing the request failed (broken pipe): the process is gone or closed its stdin."""


class PluginProtocolError(PluginError):
    """The plugin answered something the protocol does not allow."""


class PluginRemoteError(PluginError):
    """A JSON-RPC error reply, ``code``/``message``/``data`` preserved (message truncated)."""

    def __init__(self, plugin: str, code: int, message: str, data: Any = None) -> None:
        super().__init__(plugin, message[:MAX_MESSAGE_CHARS])
        self.code = code
        self.data = data


class PluginMethodNotSupported(PluginRemoteError):
    """-32601, or a method for a content type the manifest does not declare."""

    def __init__(self, plugin: str, message: str, data: Any = None) -> None:
        super().__init__(plugin, METHOD_NOT_FOUND, message, data)


class PluginInvalidParams(PluginRemoteError):
    """-32602; ``field`` comes from ``data.field`` when the plugin gave one."""

    def __init__(self, plugin: str, message: str, data: Any = None) -> None:
        super().__init__(plugin, INVALID_PARAMS, message, data)
        field = data.get("field") if isinstance(data, dict) else None
        self.field = field if isinstance(field, str) else None


class PluginRateLimited(PluginRemoteError):
    """-32001 from the plugin, or the limiter refusing to wait; retry after ``retry_after_s``."""

    def __init__(
        self, plugin: str, message: str, data: Any = None, *, retry_after_s: int | None = None
    ) -> None:
        super().__init__(plugin, RATE_LIMITED, message, data)
        self.retry_after_s = (
            retry_after_s if retry_after_s is not None else retry_after_from_data(data)
        )


class PluginNotFound(PluginRemoteError):
    """-32002: the provider has no such item."""

    def __init__(self, plugin: str, message: str, data: Any = None) -> None:
        super().__init__(plugin, NOT_FOUND, message, data)


class PluginAuthFailed(PluginRemoteError):
    """-32003: the provider refused the plugin's credentials."""

    def __init__(self, plugin: str, message: str, data: Any = None) -> None:
        super().__init__(plugin, AUTH_FAILED, message, data)


class PluginApiError(PluginRemoteError):
    """-32004: the provider failed; ``status_code`` from ``data.statusCode`` when given."""

    def __init__(self, plugin: str, message: str, data: Any = None) -> None:
        super().__init__(plugin, API_ERROR, message, data)
        status = data.get("statusCode") if isinstance(data, dict) else None
        self.status_code = status if isinstance(status, int) else None


class PluginConfigError(PluginRemoteError):
    """-32005: the plugin is misconfigured (missing credential, bad admin config)."""

    def __init__(self, plugin: str, message: str, data: Any = None) -> None:
        super().__init__(plugin, CONFIG_ERROR, message, data)


_BY_CODE: dict[int, Callable[[str, str, Any], PluginRemoteError]] = {
    METHOD_NOT_FOUND: PluginMethodNotSupported,
    INVALID_PARAMS: PluginInvalidParams,
    RATE_LIMITED: PluginRateLimited,
    NOT_FOUND: PluginNotFound,
    AUTH_FAILED: PluginAuthFailed,
    API_ERROR: PluginApiError,
    CONFIG_ERROR: PluginConfigError,
}


def retry_after_from_data(data: Any) -> int:
    """``data.retryAfterSeconds`` clamped to 1..3600; 60 when missing, not a number or ≤ 0."""
    value = data.get("retryAfterSeconds") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return DEFAULT_RETRY_AFTER_S
    if value <= 0:
        return DEFAULT_RETRY_AFTER_S
    return int(min(MAX_RETRY_AFTER_S, max(MIN_RETRY_AFTER_S, math.ceil(value))))


def error_from_reply(plugin: str, code: int, message: str, data: Any = None) -> PluginRemoteError:
    """The exception class of §3.9 for a JSON-RPC error code; other codes give the base class."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return PluginRemoteError(plugin, code, message, data)
    return cls(plugin, message, data)
