"""JSON-RPC 2.0 over a plugin's stdio (plugins.md §3.1, §3.2, §3.10).

``RpcConnection`` pipelines host requests (any number in flight, replies in any order),
answers the plugin's own requests (reverse calls such as ``storage/*``) through a handler
callback, and survives whatever the plugin prints: garbage, oversize lines, late replies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from colophon.plugins.errors import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    PluginCrashed,
    PluginError,
    PluginProtocolError,
    PluginTimeout,
    PluginWriteFailed,
    error_from_reply,
)
from colophon.plugins.flood_control import FloodGate
from colophon.plugins.framing import OversizeLine, read_lines
from colophon.plugins.protocol import (
    Ignored,
    JsonObject,
    ReverseRequest,
    encode_line,
    error_message,
    request_message,
    result_message,
)
from colophon.plugins.protocol import Response as RpcResponse
from colophon.plugins.protocol import classify as classify_message

log = structlog.get_logger(__name__)

INVALID_REQUEST = -32600
GARBAGE_LOGS_PER_SECOND = 5
GARBAGE_PREVIEW_CHARS = 200


class ReverseCallError(Exception):
    """Raised by a reverse-call handler to answer with a JSON-RPC error."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


ReverseHandler = Callable[[str, JsonObject], Awaitable[Any]]
"""Answers one plugin → host request (method, params); raises ``ReverseCallError``."""


async def refuse_reverse_calls(method: str, params: JsonObject) -> Any:
    """A handler that supports no method at all."""
    raise ReverseCallError(-32601, f"Method not found: {method}")


class RpcConnection:
    """One plugin process's channel: a reader task, a locked writer, a pending-request map."""

    def __init__(
        self,
        plugin: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        max_line_bytes: int,
        reverse_handler: ReverseHandler = refuse_reverse_calls,
        on_protocol_error: Callable[[str], None] = lambda message: None,
        redact: Callable[[str], str] = str,
    ) -> None:
        self.plugin = plugin
        self._reader = reader
        self._writer = writer
        self._max_line_bytes = max_line_bytes
        self._reverse_handler = reverse_handler
        self._on_protocol_error = on_protocol_error
        self._redact = redact
        self._write_lock = asyncio.Lock()
        self._next_id = 1
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reverse_tasks: set[asyncio.Task[None]] = set()
        self._garbage_gate = FloodGate(GARBAGE_LOGS_PER_SECOND)
        self._reader_task: asyncio.Task[None] | None = None
        self._eof = asyncio.Event()

    @property
    def last_request_id(self) -> int:
        """The id of the most recent host request (0 before the first)."""
        return self._next_id - 1

    @property
    def pending_count(self) -> int:
        """Host requests awaiting a reply."""
        return len(self._pending)

    @property
    def at_eof(self) -> bool:
        """True once the plugin's stdout has closed."""
        return self._eof.is_set()

    def start(self) -> None:
        """Start draining stdout (also when no request is pending, §3.1)."""
        self._reader_task = asyncio.create_task(self._read_loop(), name=f"plugin-rpc-{self.plugin}")

    async def wait_eof(self) -> None:
        """Return once stdout has closed (the process exited or closed it)."""
        await self._eof.wait()

    async def request(self, method: str, params: JsonObject | None, *, timeout_s: float) -> Any:
        """Send one request and await its reply; raises a ``PluginError`` subclass on failure.

        The timeout runs from the write to the reply. Cancelling the caller removes the pending
        entry, so a late reply is dropped.
        """
        if self.at_eof:
            raise PluginCrashed(self.plugin, f"plugin '{self.plugin}' has exited")
        request_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self._write(request_message(request_id, method, params))
            try:
                return await asyncio.wait_for(future, timeout_s)
            except TimeoutError:
                raise PluginTimeout(self.plugin, method, timeout_s) from None
        finally:
            self._pending.pop(request_id, None)

    def fail_pending(self, error: PluginError) -> None:
        """Fail every pending host request with ``error`` (exit, restart, stop)."""
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)

    async def aclose(self) -> None:
        """Stop the reader and any reverse calls still being served."""
        tasks = [t for t in (self._reader_task, *self._reverse_tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _write(self, message: JsonObject) -> None:
        line = encode_line(message)
        try:
            async with self._write_lock:
                self._writer.write(line)
                await self._writer.drain()
        except (ConnectionError, RuntimeError) as exc:
            # RuntimeError: asyncio refuses writes to a transport that is already closing.
            raise PluginWriteFailed(self.plugin, f"writing to plugin failed: {exc}") from exc

    async def _read_loop(self) -> None:
        try:
            async for line in read_lines(self._reader, self._max_line_bytes):
                if isinstance(line, OversizeLine):
                    self._report_oversize(line)
                    continue
                message = self._decode(line)
                if message is not None:
                    self._route(message)
        except (ConnectionError, OSError) as exc:
            log.warning("plugin_stdout_read_failed", plugin=self.plugin, error=str(exc))
        finally:
            self._eof.set()

    def _report_oversize(self, line: OversizeLine) -> None:
        message = f"dropped oversize line (> {line.limit_bytes} bytes)"
        log.error("plugin_oversize_line", plugin=self.plugin, limit_bytes=line.limit_bytes)
        self._on_protocol_error(message)

    def _decode(self, line: bytes) -> JsonObject | None:
        text = line.decode("utf-8", errors="replace").strip()
        if not text:
            return None
        try:
            message = json.loads(text)
        except ValueError:
            self._log_garbage("not JSON", text)
            return None
        if not isinstance(message, dict):
            self._log_garbage("JSON but not an object", text)
            return None
        return message

    def _log_garbage(self, why: str, text: str) -> None:
        admitted, _ = self._garbage_gate.admit()
        if admitted:
            preview = self._redact(text[:GARBAGE_PREVIEW_CHARS])
            log.warning("plugin_stdout_garbage", plugin=self.plugin, why=why, line=preview)

    def _route(self, message: JsonObject) -> None:
        incoming = classify_message(message)
        if isinstance(incoming, ReverseRequest):
            self._spawn_reverse(incoming)
        elif isinstance(incoming, RpcResponse):
            self._resolve(incoming)
        elif isinstance(incoming, Ignored):
            log.debug("plugin_message_ignored", plugin=self.plugin, why=incoming.why)

    def _resolve(self, response: RpcResponse) -> None:
        if response.raw_id is None:
            error = response.error if isinstance(response.error, dict) else {}
            detail = self._redact(str(error.get("message", "")))[:GARBAGE_PREVIEW_CHARS]
            log.error("plugin_could_not_parse_host_line", plugin=self.plugin, detail=detail)
            return
        future = self._pending.get(response.id) if response.id is not None else None
        if future is None or future.done():
            log.debug("plugin_reply_not_pending", plugin=self.plugin, id=repr(response.raw_id))
            return
        if response.is_error:
            future.set_exception(self._remote_error(response.error))
        else:
            future.set_result(response.result)

    def _remote_error(self, error: Any) -> PluginError:
        if not isinstance(error, dict):
            return PluginProtocolError(self.plugin, "error reply without an error object")
        code = error.get("code")
        message = error.get("message")
        if isinstance(code, bool) or not isinstance(code, int):
            return PluginProtocolError(self.plugin, "error reply without an integer code")
        text = self._redact(message if isinstance(message, str) else str(message))
        return error_from_reply(self.plugin, code, text, error.get("data"))

    def _spawn_reverse(self, request: ReverseRequest) -> None:
        # Each reverse call runs in its own task so the reader never blocks (§3.10).
        task = asyncio.create_task(self._serve_reverse(request))
        self._reverse_tasks.add(task)
        task.add_done_callback(self._reverse_tasks.discard)

    async def _serve_reverse(self, request: ReverseRequest) -> None:
        reply = await self._answer_reverse(request)
        try:
            await self._write(reply)
        except PluginWriteFailed:
            log.debug("plugin_reverse_reply_not_written", plugin=self.plugin)

    async def _answer_reverse(self, request: ReverseRequest) -> JsonObject:
        if request.method is None:
            return error_message(request.id, INVALID_REQUEST, "Invalid Request")
        params = {} if request.params is None else request.params
        if not isinstance(params, dict):
            message = "Invalid params: params must be an object"
            return error_message(request.id, INVALID_PARAMS, message, {"field": "params"})
        try:
            result = await self._reverse_handler(request.method, params)
        except ReverseCallError as exc:
            return error_message(request.id, exc.code, exc.message, exc.data)
        except Exception:  # the reverse-call boundary: a host bug must not reach the plugin
            log.exception("plugin_reverse_call_failed", plugin=self.plugin, method=request.method)
            text = "storage error" if request.method.startswith("storage/") else "internal error"
            return error_message(request.id, INTERNAL_ERROR, text)
        return result_message(request.id, result)
