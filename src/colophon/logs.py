"""Logging: structlog JSON lines or console, optionally also a JSON file, with secrets redacted
(platform §9.1, §6.2)."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from collections.abc import MutableMapping
from pathlib import Path
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


def _renderers(*, use_json: bool) -> list[Any]:
    if use_json:
        return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    # Tracebacks without frame locals: a local can hold a password or decrypted credentials,
    # and the redaction above sees only the event's own keys.
    return [
        structlog.dev.ConsoleRenderer(
            exception_formatter=structlog.dev.RichTracebackFormatter(show_locals=False)
        )
    ]


def _formatter(shared: list[Any], *, use_json: bool) -> logging.Formatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *_renderers(use_json=use_json),
        ],
    )


def _file_handler(path: str, shared: list[Any]) -> logging.Handler:
    """JSON lines appended to ``logging.file``; OSError when it cannot be opened."""
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Watched: after logrotate moves the file away, the next line goes to a fresh one.
    handler = logging.handlers.WatchedFileHandler(target, encoding="utf-8")
    handler.setFormatter(_formatter(shared, use_json=True))
    return handler


def _replace_root_handlers(handlers: list[logging.Handler]) -> None:
    root = logging.getLogger()
    for old in root.handlers:
        if isinstance(old, logging.FileHandler):
            old.close()  # a reconfigured process must not keep the previous file open
    root.handlers[:] = handlers


def configure_logging(
    level: str,
    fmt: str,
    *,
    file: str | None = None,
    instance: str | None = None,
    role: str | None = None,
) -> None:
    """Route stdlib and structlog output through one renderer on stderr, plus JSON lines to
    ``file`` when given (platform §6.2 ``logging.file``); OSError when the file cannot be opened."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
        _add_identity,
        _redact,
    ]
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    handlers[0].setFormatter(_formatter(shared, use_json=use_json))
    if file is not None:
        handlers.append(_file_handler(file, shared))
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    _replace_root_handlers(handlers)
    logging.getLogger().setLevel(level.upper())
    for noisy in ("uvicorn.access", "httpx", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if instance is not None and role is not None:
        set_process_identity(instance=instance, role=role)
