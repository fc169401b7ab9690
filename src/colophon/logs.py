"""Logging: structlog JSON lines or console, with secrets redacted (platform §9.1)."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_IDENTITY: dict[str, str] = {}
SECRET_KEY = re.compile(r"password|secret|token|credential|api_?key|authorization|cookie", re.I)
REDACTED = "[REDACTED]"


def _redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if SECRET_KEY.search(key):
            event[key] = REDACTED
    return event


def set_process_identity(*, instance: str, role: str) -> None:
    """Stamp every following line with this process's ``instance`` and ``role`` (§9.1)."""
    _IDENTITY.update(instance=instance, role=role)


def _add_identity(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in _IDENTITY.items():
        event.setdefault(key, value)
    return event


def configure_logging(
    level: str, fmt: str, *, instance: str | None = None, role: str | None = None
) -> None:
    """Route stdlib and structlog output through one renderer."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderers: list[Any] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if use_json
        # Tracebacks without frame locals: a local can hold a password or decrypted credentials,
        # and the redaction above sees only the event's own keys.
        else [
            structlog.dev.ConsoleRenderer(
                exception_formatter=structlog.dev.RichTracebackFormatter(show_locals=False)
            )
        ]
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
        _add_identity,
        _redact,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderers],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "httpx", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if instance is not None and role is not None:
        set_process_identity(instance=instance, role=role)
