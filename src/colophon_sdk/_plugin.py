"""``MetadataPlugin``: the request loop, the providers it dispatches to, and their context."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, NoReturn

from ._errors import ConfigError, MethodNotFoundError, PluginError
from ._http import ProviderHttp
from ._log import PluginLogger
from ._manifest import Manifest
from ._params import (
    parse_book_get,
    parse_book_match,
    parse_book_search,
    parse_series_get,
    parse_series_match,
    parse_series_search,
)
from ._rpc import OVERSIZE, StdioChannel, iter_lines, open_stdio, parse_line
from ._storage import Storage
from ._types import (
    BookGet,
    BookMatch,
    BookMetadata,
    BookSearch,
    MatchResult,
    SearchPage,
    SeriesGet,
    SeriesMatch,
    SeriesMetadata,
    SeriesSearch,
    to_wire,
)

EOF_GRACE_S = 5.0
DEFAULT_HTTP_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Where ``ctx.http`` points: ``adminConfig[base_url_key]`` or the default."""

    default_base_url: str
    base_url_key: str = "baseUrl"
    timeout_key: str = "timeoutS"
    default_timeout_s: float = DEFAULT_HTTP_TIMEOUT_S


@dataclass(slots=True)
class PluginContext:
    """What a handler may use: configuration, credentials, storage, logging, HTTP."""

    manifest: Manifest
    log: PluginLogger
    storage: Storage
    admin_config: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    data_dir: str | None = None
    provider_http: ProviderHttp | None = None

    @property
    def http(self) -> ProviderHttp:
        """The provider client; raises ``ConfigError`` when the plugin declared no HttpSettings."""
        if self.provider_http is None:
            raise ConfigError("this plugin has no HTTP settings")
        return self.provider_http


class SeriesProvider:
    """Series metadata handlers; override ``search`` and ``get``, optionally ``match``."""

    async def search(self, req: SeriesSearch, ctx: PluginContext) -> SearchPage:
        raise MethodNotFoundError("This plugin does not support series metadata")

    async def get(self, req: SeriesGet, ctx: PluginContext) -> SeriesMetadata:
        raise MethodNotFoundError("This plugin does not support series metadata")

    async def match(self, req: SeriesMatch, ctx: PluginContext) -> MatchResult:
        raise MethodNotFoundError("This plugin does not support series match")


class BookProvider:
    """Book metadata handlers; override ``search`` and ``get``, optionally ``match``."""

    async def search(self, req: BookSearch, ctx: PluginContext) -> SearchPage:
        raise MethodNotFoundError("This plugin does not support book metadata")

    async def get(self, req: BookGet, ctx: PluginContext) -> BookMetadata:
        raise MethodNotFoundError("This plugin does not support book metadata")

    async def match(self, req: BookMatch, ctx: PluginContext) -> MatchResult:
        raise MethodNotFoundError("This plugin does not support book match")


Handler = Callable[[dict[str, Any]], Awaitable[Any]]
InitializeHook = Callable[[PluginContext], Awaitable[None]]


class MetadataPlugin:
    """A metadata plugin: a manifest plus series and/or book providers."""

    def __init__(
        self,
        *,
        manifest: Manifest,
        series: SeriesProvider | None = None,
        book: BookProvider | None = None,
        http: HttpSettings | None = None,
        on_initialize: InitializeHook | None = None,
    ) -> None:
        self.manifest = manifest
        self.series = series
        self.book = book
        self.http_settings = http
        self.on_initialize = on_initialize
        self.log = PluginLogger(manifest.name)
        self.ctx: PluginContext | None = None
        self._channel: StdioChannel | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._stop = asyncio.Event()

    @property
    def content_types(self) -> list[str]:
        """``capabilities.metadataProvider``, derived from the providers given."""
        return [name for name, p in (("series", self.series), ("book", self.book)) if p]

    def run(self) -> NoReturn:
        """Serve the protocol on stdin/stdout until shutdown or EOF, then exit 0."""
        # Keep the real stdout for the protocol; a stray print() or C-level write to fd 1
        # lands on stderr instead of corrupting the channel (plugins.md §10).
        protocol_fd = os.dup(1)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        code = asyncio.run(self._serve_stdio(protocol_fd))
        sys.stderr.flush()
        os._exit(code)

    async def _serve_stdio(self, protocol_fd: int) -> int:
        reader, write_line = await open_stdio(sys.stdin.buffer, protocol_fd)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self._stop.set)
        await self.serve(reader, write_line)
        return 0

    async def serve(
        self, reader: asyncio.StreamReader, write_line: Callable[[bytes], Awaitable[None]]
    ) -> None:
        """Read requests until ``shutdown``, EOF or SIGTERM; each request runs in its own task."""
        self._channel = StdioChannel(write_line)
        reading = asyncio.create_task(self._read_loop(reader))
        stopping = asyncio.create_task(self._stop.wait())
        await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if reading.done() and not self._stop.is_set():
            # stdin EOF: the host is gone or done; let running handlers finish briefly.
            await asyncio.wait(self._tasks, timeout=EOF_GRACE_S) if self._tasks else None
        for task in (reading, stopping, *self._tasks):
            task.cancel()
        self._channel.fail_all("plugin is stopping")
        if self.ctx and self.ctx.provider_http:
            await self.ctx.provider_http.aclose()

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        assert self._channel is not None
        async for line in iter_lines(reader):
            if line is OVERSIZE:
                self.log.error("dropped oversize line from host")
                continue
            assert isinstance(line, bytes)
            message = parse_line(line)
            if message is None:
                continue
            self._route(message)

    def _route(self, message: dict[str, Any]) -> None:
        assert self._channel is not None
        method = message.get("method")
        if "method" not in message:
            if "id" in message and ("result" in message or "error" in message):
                self._channel.resolve(message)
            elif "error" in message and "id" not in message:
                self._spawn(self._channel.reply_error(None, message["error"]))
            return
        if "id" not in message:
            return  # the protocol has no notifications
        if not isinstance(method, str):
            self._spawn(
                self._channel.reply_error(
                    message["id"], {"code": -32600, "message": "Invalid Request"}
                )
            )
            return
        params = message.get("params")
        self._spawn(self._answer(message["id"], method, params if isinstance(params, dict) else {}))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, request_id: Any, method: str, params: dict[str, Any]) -> None:
        assert self._channel is not None
        try:
            # Serialising is inside the boundary too: an unencodable result is an error reply.
            await self._channel.reply(request_id, to_wire(await self.handle(method, params)))
        except PluginError as exc:
            await self._channel.reply_error(request_id, exc.to_wire())
            return
        except Exception as exc:  # the handler boundary: report it, keep serving
            traceback.print_exc(file=sys.stderr)
            message = str(exc) or type(exc).__name__
            await self._channel.reply_error(request_id, {"code": -32603, "message": message})
            return
        if method == "shutdown":
            self._stop.set()

    async def handle(self, method: str, params: dict[str, Any]) -> Any:
        """Run one request and return its result; raises ``PluginError`` for error replies."""
        if method == "initialize":
            return await self._initialize(params)
        if method == "ping":
            return "pong"
        if method == "shutdown":
            return None
        handler = self._metadata_handler(method)
        if handler is None:
            raise MethodNotFoundError(f"Method not found: {method}")
        return await handler(params)

    def _metadata_handler(self, method: str) -> Handler | None:
        content_type, _, action = method.removeprefix("metadata/").partition("/")
        if not method.startswith("metadata/") or action not in ("search", "get", "match"):
            return None
        if content_type not in ("series", "book"):
            return None

        async def handler(params: dict[str, Any]) -> Any:
            ctx = self._require_initialized()
            if content_type == "series":
                return await self._series_call(action, params, ctx)
            return await self._book_call(action, params, ctx)

        return handler

    def _require_initialized(self) -> PluginContext:
        if self.ctx is None:
            raise ConfigError("Plugin not initialized")
        return self.ctx

    async def _series_call(self, action: str, params: dict[str, Any], ctx: PluginContext) -> Any:
        if self.series is None:
            raise MethodNotFoundError("This plugin does not support series metadata")
        if action == "search":
            return await self.series.search(parse_series_search(params), ctx)
        if action == "get":
            return await self.series.get(parse_series_get(params), ctx)
        return await self.series.match(parse_series_match(params), ctx)

    async def _book_call(self, action: str, params: dict[str, Any], ctx: PluginContext) -> Any:
        if self.book is None:
            raise MethodNotFoundError("This plugin does not support book metadata")
        if action == "search":
            return await self.book.search(parse_book_search(params), ctx)
        if action == "get":
            return await self.book.get(parse_book_get(params), ctx)
        return await self.book.match(parse_book_match(params), ctx)

    async def _initialize(self, params: dict[str, Any]) -> dict[str, Any]:
        assert self._channel is not None
        admin_config = params.get("adminConfig")
        credentials = params.get("credentials")
        data_dir = params.get("dataDir")
        self.log.set_level(
            params.get("logLevel") if isinstance(params.get("logLevel"), str) else None
        )
        ctx = PluginContext(
            manifest=self.manifest,
            log=self.log,
            storage=Storage(self._channel.call),
            admin_config=dict(admin_config) if isinstance(admin_config, dict) else {},
            credentials=_string_map(credentials),
            data_dir=data_dir if isinstance(data_dir, str) else None,
        )
        ctx.provider_http = self._build_http(ctx)
        if self.on_initialize is not None:
            await self.on_initialize(ctx)
        self.ctx = ctx
        return self.manifest.to_wire(self.content_types)

    def _build_http(self, ctx: PluginContext) -> ProviderHttp | None:
        settings = self.http_settings
        if settings is None:
            return None
        base_url = ctx.admin_config.get(settings.base_url_key) or settings.default_base_url
        timeout = ctx.admin_config.get(settings.timeout_key)
        timeout_s = timeout if isinstance(timeout, int | float) and timeout > 0 else None
        return ProviderHttp(
            str(base_url),
            timeout_s=float(timeout_s or settings.default_timeout_s),
            user_agent=f"Colophon-{self.manifest.name}/{self.manifest.version}",
        )


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}
