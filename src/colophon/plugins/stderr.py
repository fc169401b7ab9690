"""A plugin's stderr re-logged under ``colophon.plugin.<name>`` (plugins.md §3.11).

Lines are redacted, stripped of ANSI escapes, levelled from the SDK format (an unlevelled
line keeps the previous level, so stack traces stay at ERROR), flood-limited, and the last
200 kept for failure reports.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from collections.abc import Callable

from colophon.plugins.flood_control import FloodGate

MAX_STDERR_LINE_BYTES = 64 * 1024
TAIL_LINES = 200
READ_CHUNK_BYTES = 64 * 1024

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\s*"
)
_LEVEL_WORDS = {
    "ERROR": logging.ERROR,
    "ERR": logging.ERROR,
    "CRITICAL": logging.ERROR,
    "FATAL": logging.ERROR,
    "WARN": logging.WARNING,
    "WARNING": logging.WARNING,
    "INFO": logging.INFO,
    "DEBUG": logging.DEBUG,
    "TRACE": logging.DEBUG,
}
_BRACKET_LEVEL = re.compile(r"^\[(" + "|".join(_LEVEL_WORDS) + r")\]", re.IGNORECASE)
_COLON_LEVEL = re.compile(r"^(" + "|".join(_LEVEL_WORDS) + r"):", re.IGNORECASE)


def detect_level(line: str) -> int | None:
    """The logging level a line declares (after an optional ISO timestamp), or None."""
    rest = _TIMESTAMP.sub("", line, count=1)
    found = _BRACKET_LEVEL.match(rest) or _COLON_LEVEL.match(rest)
    return _LEVEL_WORDS[found.group(1).upper()] if found else None


def clean_line(raw: bytes, redact: Callable[[str], str]) -> str:
    """Decoded with replacement, ANSI escapes removed, secrets redacted, trailing space cut."""
    text = raw[:MAX_STDERR_LINE_BYTES].decode("utf-8", errors="replace")
    return redact(_ANSI.sub("", text)).rstrip()


class StderrRelay:
    """Reads one process's stderr until EOF and re-logs it."""

    def __init__(
        self,
        plugin: str,
        *,
        lines_per_second: int,
        redact: Callable[[str], str] = str,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.logger = logging.getLogger(f"colophon.plugin.{plugin}")
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._redact = redact
        self._gate = (
            FloodGate(lines_per_second)
            if clock is None
            else FloodGate(lines_per_second, clock=clock)
        )
        self._level = logging.INFO

    def tail_lines(self, count: int = TAIL_LINES) -> tuple[str, ...]:
        """The last ``count`` redacted lines."""
        return tuple(self.tail)[-count:]

    def relay_line(self, raw: bytes) -> None:
        """Log one stderr line at its detected (or inherited) level."""
        text = clean_line(raw, self._redact)
        if not text.strip():
            return
        self._level = detect_level(text) or self._level
        self.tail.append(text)
        admitted, suppressed = self._gate.admit()
        if suppressed:
            self.logger.warning("%d lines suppressed", suppressed)
        if admitted:
            self.logger.log(self._level, "%s", text)

    async def run(self, reader: asyncio.StreamReader) -> None:
        """Drain ``reader`` until EOF, continuously, so the plugin never blocks on stderr."""
        try:
            while True:
                line = await _read_stderr_line(reader)
                if line is None:
                    break
                self.relay_line(line)
        except (ConnectionError, OSError):
            pass  # the pipe went away with the process; the exit path reports it
        suppressed = self._gate.drain()
        if suppressed:
            self.logger.warning("%d lines suppressed", suppressed)


async def _read_stderr_line(reader: asyncio.StreamReader) -> bytes | None:
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        return exc.partial or None
    except asyncio.LimitOverrunError as exc:
        # Keep the first 64 KiB of a huge line and skip the rest of it.
        head = await reader.readexactly(exc.consumed)
        await _skip_to_newline(reader)
        return head
    return line


async def _skip_to_newline(reader: asyncio.StreamReader) -> None:
    while True:
        try:
            await reader.readuntil(b"\n")
            return
        except asyncio.IncompleteReadError:
            return
        except asyncio.LimitOverrunError as exc:
            await reader.readexactly(exc.consumed)
