"""Plugin logging to stderr in the Codex SDK line format the host parses (plugins.md §3.11)."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

_LEVELS = {"debug": 10, "info": 20, "warn": 30, "error": 40}
_LEVEL_ALIASES = {"warning": "warn", "trace": "debug", "critical": "error"}


def parse_level(value: str | None, default: str = "info") -> str:
    """Map a level name to debug/info/warn/error; unknown names give ``default``."""
    if not value:
        return default
    name = value.strip().lower()
    name = _LEVEL_ALIASES.get(name, name)
    return name if name in _LEVELS else default


class PluginLogger:
    """Writes ``<ISO time> [LEVEL] [<name>] message - {json}`` lines to stderr."""

    def __init__(self, name: str, *, level: str | None = None, stream: TextIO | None = None):
        self.name = name
        self.level = parse_level(level or os.environ.get("COLOPHON_PLUGIN_LOG_LEVEL"))
        self._stream = stream

    def set_level(self, level: str | None) -> None:
        """Change the threshold (from ``initialize.logLevel``)."""
        self.level = parse_level(level, self.level)

    def debug(self, message: str, **data: Any) -> None:
        self._write("debug", message, data)

    def info(self, message: str, **data: Any) -> None:
        self._write("info", message, data)

    def warn(self, message: str, **data: Any) -> None:
        self._write("warn", message, data)

    def error(self, message: str, **data: Any) -> None:
        self._write("error", message, data)

    def _write(self, level: str, message: str, data: dict[str, Any]) -> None:
        if _LEVELS[level] < _LEVELS[self.level]:
            return
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        line = f"{stamp} [{level.upper()}] [{self.name}] {message}"
        if data:
            line += " - " + json.dumps(data, ensure_ascii=False, default=str)
        stream = self._stream or sys.__stderr__ or sys.stderr
        print(line, file=stream, flush=True)
