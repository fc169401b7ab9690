"""Errors a plugin raises on purpose; each becomes the JSON-RPC error of plugins.md §3.9.

PluginError ─┬─ MethodNotFoundError  -32601
             ├─ InvalidParamsError   -32602  (+ field)
             ├─ RateLimitError       -32001  (+ retry_after_seconds)
             ├─ NotFoundError        -32002
             ├─ AuthError            -32003
             ├─ ApiError             -32004  (+ status_code)
             └─ ConfigError          -32005
Any other exception raised by a handler becomes -32603 with its message.
"""

from __future__ import annotations

from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
RATE_LIMITED = -32001
NOT_FOUND = -32002
AUTH_FAILED = -32003
API_ERROR = -32004
CONFIG_ERROR = -32005


class PluginError(Exception):
    """Base of the errors that map to a JSON-RPC error reply."""

    code = INTERNAL_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def data(self) -> dict[str, Any] | None:
        """The JSON-RPC ``data`` member, or None when the code carries none."""
        return None

    def to_wire(self) -> dict[str, Any]:
        """The ``error`` object of the reply."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class MethodNotFoundError(PluginError):
    """The plugin does not implement the method (-32601)."""

    code = METHOD_NOT_FOUND


class InvalidParamsError(PluginError):
    """A parameter is missing or malformed (-32602); ``field`` names it."""

    code = INVALID_PARAMS

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    @property
    def data(self) -> dict[str, Any]:
        return {"field": self.field}


class RateLimitError(PluginError):
    """The provider asked us to slow down (-32001); the host pauses every caller."""

    code = RATE_LIMITED

    def __init__(self, retry_after_seconds: float, message: str | None = None) -> None:
        super().__init__(message or f"rate limited, retry after {retry_after_seconds:g}s")
        self.retry_after_seconds = retry_after_seconds

    @property
    def data(self) -> dict[str, Any]:
        return {"retryAfterSeconds": self.retry_after_seconds}


class NotFoundError(PluginError):
    """The provider has no such item (-32002)."""

    code = NOT_FOUND


class AuthError(PluginError):
    """The provider refused our credentials (-32003)."""

    code = AUTH_FAILED

    def __init__(self, message: str = "Authentication failed") -> None:
        super().__init__(message)


class ApiError(PluginError):
    """The provider failed or answered something unusable (-32004)."""

    code = API_ERROR

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code

    @property
    def data(self) -> dict[str, Any] | None:
        return None if self.status_code is None else {"statusCode": self.status_code}


class ConfigError(PluginError):
    """The plugin is misconfigured (-32005), e.g. a required credential is missing."""

    code = CONFIG_ERROR
