"""Plugin side of the stdio JSON-RPC channel: line framing, locked writes, reverse calls."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import IO, Any

from ._errors import INVALID_REQUEST, PARSE_ERROR, PluginError

MAX_LINE_BYTES = 16 * 1024 * 1024
_READ_CHUNK_BYTES = 256 * 1024

WriteLine = Callable[[bytes], Awaitable[None]]


class OversizeLine:
    """Marker yielded instead of a line longer than the limit (its bytes were discarded)."""


OVERSIZE = OversizeLine()


async def iter_lines(
    reader: asyncio.StreamReader, max_line_bytes: int = MAX_LINE_BYTES
) -> AsyncIterator[bytes | OversizeLine]:
    """Yield complete ``\\n``-terminated lines (without the newline) until EOF.

    A line longer than ``max_line_bytes`` is discarded up to its newline and reported once as
    ``OVERSIZE`` so the caller can log it; the stream stays usable afterwards.
    """
    parts: list[bytes] = []
    size = 0
    discarding = False
    while chunk := await reader.read(_READ_CHUNK_BYTES):
        start = 0
        while (newline := chunk.find(b"\n", start)) != -1:
            piece = chunk[start:newline]
            start = newline + 1
            if discarding or size + len(piece) > max_line_bytes:
                discarding = False
                parts, size = [], 0
                yield OVERSIZE
                continue
            parts.append(piece)
            yield b"".join(parts)
            parts, size = [], 0
        rest = chunk[start:]
        if discarding:
            continue
        if size + len(rest) > max_line_bytes:
            discarding = True
            parts, size = [], 0
            continue
        if rest:
            parts.append(rest)
            size += len(rest)
    if parts and not discarding:
        yield b"".join(parts)


def encode_message(message: dict[str, Any]) -> bytes:
    """Compact JSON on one line; ``json.dumps`` escapes CR/LF inside strings."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8") + b"\n"


class StdioChannel:
    """Writes replies and reverse calls under one lock; resolves reverse-call replies by id."""

    def __init__(self, write_line: WriteLine) -> None:
        self._write_line = write_line
        self._lock = asyncio.Lock()
        self._next_id = 1
        self._pending: dict[int, asyncio.Future[Any]] = {}

    async def send(self, message: dict[str, Any]) -> None:
        """Write one message as one line."""
        line = encode_message(message)
        async with self._lock:
            await self._write_line(line)

    async def reply(self, request_id: Any, result: Any) -> None:
        """Answer a host request with a result (``None`` is a valid result)."""
        await self.send({"jsonrpc": "2.0", "id": request_id, "result": result})

    async def reply_error(self, request_id: Any, error: dict[str, Any]) -> None:
        """Answer a host request (or an unparseable line, id null) with an error object."""
        await self.send({"jsonrpc": "2.0", "id": request_id, "error": error})

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Send a plugin → host request and wait for its reply; errors raise ``PluginError``."""
        request_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self.send(
                {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
            )
            return await future
        finally:
            self._pending.pop(request_id, None)

    def resolve(self, message: dict[str, Any]) -> None:
        """Complete the reverse call a host reply answers; unknown ids are ignored."""
        request_id = message.get("id")
        future = self._pending.get(request_id) if isinstance(request_id, int) else None
        if future is None or future.done():
            return
        error = message.get("error")
        if isinstance(error, dict):
            remote = PluginError(str(error.get("message", "host error")))
            remote.code = int(error.get("code", -32603))
            future.set_exception(remote)
        else:
            future.set_result(message.get("result"))

    def fail_all(self, reason: str) -> None:
        """Fail every pending reverse call (the host went away)."""
        for future in self._pending.values():
            if not future.done():
                future.set_exception(PluginError(reason))


def parse_line(line: bytes) -> dict[str, Any] | dict[str, dict[str, Any]] | None:
    """The message object of a line, ``{"error": ...}`` for a garbage line, None for a blank one."""
    text = line.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return {"error": {"code": PARSE_ERROR, "message": "Parse error: invalid JSON"}}
    if not isinstance(message, dict):
        return {"error": {"code": INVALID_REQUEST, "message": "Invalid Request"}}
    return message


async def open_stdio(stdin: IO[bytes], protocol_fd: int) -> tuple[asyncio.StreamReader, WriteLine]:
    """A stream reader over stdin and a line writer over ``protocol_fd`` (pipes preferred)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    except ValueError:
        # stdin is a regular file (manual runs with `< requests.jsonl`): read it in a thread.
        asyncio.get_running_loop().create_task(_feed_from_file(reader, stdin))
    out = os.fdopen(protocol_fd, "wb", buffering=0)
    try:
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, out)
    except ValueError:
        return reader, _blocking_writer(out)
    writer = asyncio.StreamWriter(transport, protocol, None, loop)

    async def write_line(line: bytes) -> None:
        writer.write(line)
        await writer.drain()

    return reader, write_line


async def _feed_from_file(reader: asyncio.StreamReader, stdin: IO[bytes]) -> None:
    while chunk := await asyncio.to_thread(stdin.read, _READ_CHUNK_BYTES):
        reader.feed_data(chunk)
    reader.feed_eof()


def _blocking_writer(out: IO[bytes]) -> WriteLine:
    async def write_line(line: bytes) -> None:
        out.write(line)
        out.flush()

    return write_line
