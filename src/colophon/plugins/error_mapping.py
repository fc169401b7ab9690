"""How a failed plugin call reads in an interactive endpoint (plugins.md §4.10, metadata §8).

One pure mapping from ``PluginError`` to status, error code and message, used by the API's
exception handler and by the ``execute`` proxy, which reports the same view in its body.
"""

from __future__ import annotations

from dataclasses import dataclass

from colophon.plugins.errors import (
    PluginApiError,
    PluginAuthFailed,
    PluginConfigError,
    PluginError,
    PluginInvalidParams,
    PluginMethodNotSupported,
    PluginNotFound,
    PluginRateLimited,
    PluginRemoteError,
    PluginTimeout,
    PluginUnavailable,
)

# Remote errors whose code names the failing side (-32003, -32005, -32004).
_FAILED_CODES: tuple[tuple[type[PluginRemoteError], str], ...] = (
    (PluginAuthFailed, "provider_auth_failed"),
    (PluginConfigError, "plugin_config_error"),
    (PluginApiError, "provider_error"),
)


@dataclass(frozen=True, slots=True)
class PluginErrorView:
    """The HTTP face of a plugin failure; ``field`` is set for 400s, ``retry_after_s`` for 429."""

    status: int
    code: str
    message: str
    retry_after_s: int | None = None
    field: str | None = None


def describe_plugin_error(exc: PluginError) -> PluginErrorView:
    """Status, ``error`` code and message for ``exc``; never includes plugin credentials."""
    name = exc.plugin
    if isinstance(exc, PluginUnavailable):
        if exc.reason == "plugin_missing":
            return PluginErrorView(404, "plugin_not_found", "plugin not found")
        return PluginErrorView(503, "unavailable", exc.message)
    if isinstance(exc, PluginRateLimited):
        message = f"plugin '{name}' is rate limited"
        return PluginErrorView(429, "plugin_rate_limited", message, exc.retry_after_s)
    if isinstance(exc, PluginTimeout):
        return PluginErrorView(504, "plugin_timeout", f"plugin '{name}' timed out")
    if isinstance(exc, PluginNotFound):
        return PluginErrorView(404, "provider_item_not_found", exc.message)
    if isinstance(exc, PluginInvalidParams):
        field = f"params.{exc.field}" if exc.field else "params"
        return PluginErrorView(400, "validation_error", exc.message, field=field)
    if isinstance(exc, PluginMethodNotSupported):
        return PluginErrorView(400, "validation_error", exc.message, field="params")
    failed = f"plugin '{name}' failed: {exc.message}"
    for cls, code in _FAILED_CODES:
        if isinstance(exc, cls):
            return PluginErrorView(502, code, failed)
    return PluginErrorView(502, "plugin_error", failed)
