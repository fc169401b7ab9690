"""The rules of a plugin row's writable fields (plugins.md §5.1, §7.2), shared by API and seed.

Each rule takes the value already typed by the schema and returns the problems as
``FieldError``s with the camelCase field name, so the API and the seed report the same text.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from colophon.errors import FieldError, ValidationFailed
from colophon.metadata.permissions import validate_permissions
from colophon.plugins.launch import (
    command_not_allowed_message,
    is_command_allowed,
    is_forbidden_env_name,
)
from colophon.plugins.qualification import ALL_SCOPES, invalid_scope_message

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_ARGS = 64
MAX_ADMIN_CONFIG_BYTES = 64 * 1024
MAX_DISPLAY_NAME_CHARS = 200
RATE_LIMIT_RANGE = (0, 6000)
REQUEST_TIMEOUT_RANGE = (1, 600)
LOG_LEVELS = ("debug", "info", "warn", "error")
CREDENTIAL_DELIVERIES = ("init_message", "env", "both")
NAME_CANNOT_CHANGE = "name cannot be changed"


def check_name(name: str) -> list[FieldError]:
    """The row name pattern of §5.1."""
    if NAME_PATTERN.match(name):
        return []
    return [FieldError("name", f"name must match {NAME_PATTERN.pattern}")]


def _display_name(value: str) -> list[FieldError]:
    if not value.strip():
        return [FieldError("displayName", "displayName must not be empty")]
    if len(value) > MAX_DISPLAY_NAME_CHARS:
        return [FieldError("displayName", f"displayName must be at most {MAX_DISPLAY_NAME_CHARS}")]
    return []


def _args(value: Sequence[str]) -> list[FieldError]:
    if len(value) > MAX_ARGS:
        return [FieldError("args", f"args must have at most {MAX_ARGS} items")]
    return [
        FieldError(f"args[{i}]", "args must not contain NUL characters")
        for i, arg in enumerate(value)
        if "\x00" in arg
    ]


def _env(value: Mapping[str, str]) -> list[FieldError]:
    errors: list[FieldError] = []
    for name in value:
        if not ENV_NAME_PATTERN.match(name):
            errors.append(FieldError(f"env.{name}", f"env name '{name}' is not valid"))
        elif is_forbidden_env_name(name):
            errors.append(FieldError(f"env.{name}", f"env name '{name}' is not allowed"))
    return errors


def _working_dir(value: str | None) -> list[FieldError]:
    if value is None or os.path.isabs(value):
        return []
    return [FieldError("workingDir", "workingDir must be an absolute path")]


def _admin_config(value: Mapping[str, Any]) -> list[FieldError]:
    size = len(json.dumps(value, separators=(",", ":")).encode())
    if size > MAX_ADMIN_CONFIG_BYTES:
        return [FieldError("adminConfig", "adminConfig must be at most 64 KiB")]
    return []


def _permissions(value: Sequence[str]) -> list[FieldError]:
    try:
        validate_permissions(value)
    except ValidationFailed as exc:
        return exc.errors
    return []


def _scopes(value: Sequence[str]) -> list[FieldError]:
    valid = {scope.value for scope in ALL_SCOPES}
    return [
        FieldError(f"scopes[{i}]", invalid_scope_message(scope))
        for i, scope in enumerate(value)
        if scope not in valid
    ]


def _in_range(field: str, bounds: tuple[int, int]) -> Callable[[int | None], list[FieldError]]:
    low, high = bounds

    def check(value: int | None) -> list[FieldError]:
        if value is None or low <= value <= high:
            return []
        return [FieldError(field, f"{field} must be between {low} and {high}")]

    return check


def _one_of(field: str, allowed: Sequence[str]) -> Callable[[str | None], list[FieldError]]:
    def check(value: str | None) -> list[FieldError]:
        if value is None or value in allowed:
            return []
        return [FieldError(field, f"{field} must be one of {', '.join(allowed)}")]

    return check


_RULES: dict[str, Callable[[Any], list[FieldError]]] = {
    "display_name": _display_name,
    "args": _args,
    "env": _env,
    "working_dir": _working_dir,
    "admin_config": _admin_config,
    "permissions": _permissions,
    "scopes": _scopes,
    "rate_limit_per_minute": _in_range("rateLimitPerMinute", RATE_LIMIT_RANGE),
    "request_timeout_s": _in_range("requestTimeoutS", REQUEST_TIMEOUT_RANGE),
    "log_level": _one_of("logLevel", LOG_LEVELS),
    "credential_delivery": _one_of("credentialDelivery", CREDENTIAL_DELIVERIES),
}


def field_errors(values: Mapping[str, Any], *, allowed_commands: Sequence[str]) -> list[FieldError]:
    """Every problem with the given writable fields (snake_case keys, typed values)."""
    errors: list[FieldError] = []
    if "command" in values:
        command = values["command"]
        if not command.strip():
            errors.append(FieldError("command", "command must not be empty"))
        elif not is_command_allowed(command, allowed_commands):
            errors.append(FieldError("command", command_not_allowed_message(command)))
    for key, value in values.items():
        rule = _RULES.get(key)
        if rule is not None:
            errors.extend(rule(value))
    return errors
