"""Line framing of the plugin's stdout (plugins.md §3.1): ``\\n``-terminated lines, bounded size."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

READ_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class OversizeLine:
    """A line longer than the limit; its bytes were discarded up to the next newline."""

    limit_bytes: int


class LineSplitter:
    """Splits a byte stream into lines, dropping (and reporting) any over ``max_line_bytes``."""

    def __init__(self, max_line_bytes: int) -> None:
        self.max_line_bytes = max_line_bytes
        self._parts: list[bytes] = []
        self._size = 0
        self._discarding = False

    def feed(self, chunk: bytes) -> list[bytes | OversizeLine]:
        """The lines completed by ``chunk``, in order, without their newline."""
        lines: list[bytes | OversizeLine] = []
        start = 0
        while (newline := chunk.find(b"\n", start)) != -1:
            lines.append(self._complete(chunk[start:newline]))
            start = newline + 1
        self._hold(chunk[start:])
        return lines

    def finish(self) -> list[bytes | OversizeLine]:
        """The last line when the stream ended without a newline."""
        if self._discarding:
            return [OversizeLine(self.max_line_bytes)]
        return [self._complete(b"")] if self._parts else []

    def _complete(self, tail: bytes) -> bytes | OversizeLine:
        oversize = self._discarding or self._size + len(tail) > self.max_line_bytes
        line = b"".join([*self._parts, tail])
        self._parts, self._size, self._discarding = [], 0, False
        return OversizeLine(self.max_line_bytes) if oversize else line

    def _hold(self, rest: bytes) -> None:
        if self._discarding or not rest:
            return
        if self._size + len(rest) > self.max_line_bytes:
            # Keep nothing of an oversize line: memory stays bounded by the limit.
            self._parts, self._size, self._discarding = [], 0, True
            return
        self._parts.append(rest)
        self._size += len(rest)


async def read_lines(
    reader: asyncio.StreamReader, max_line_bytes: int
) -> AsyncIterator[bytes | OversizeLine]:
    """Yield the lines of ``reader`` until EOF."""
    splitter = LineSplitter(max_line_bytes)
    while chunk := await reader.read(READ_CHUNK_BYTES):
        for line in splitter.feed(chunk):
            yield line
    for line in splitter.finish():
        yield line
