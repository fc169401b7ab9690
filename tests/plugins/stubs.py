"""Local stub HTTP servers standing in for the providers' internet APIs (plugins.md §12).

One small asyncio server per test on 127.0.0.1: it records every request and answers from a
route function, unless a per-test switch (``answer_all``, ``delay_s``) overrides it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(provider: str, name: str) -> Any:
    """A JSON fixture body."""
    return json.loads((FIXTURES / provider / name).read_text())


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class StubResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is (invalid JSON)

    def encode(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if self.raw is not None:
            return self.raw, headers
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(self.body).encode(), headers


Route = Callable[[RecordedRequest], StubResponse]
REASONS = {
    200: "OK",
    302: "Found",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class StubServer:
    """An HTTP/1.1 server answering one request per connection."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[RecordedRequest] = []
        self.override: StubResponse | None = None
        self.delay_s = 0.0
        self._server: asyncio.Server | None = None
        self.url = ""

    def answer_all(
        self,
        status: int,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        """Answer every following request with this response."""
        self.override = StubResponse(status, body if body is not None else {}, headers or {}, raw)

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await self._read_request(reader)
            self.requests.append(request)
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            response = self.override or self.route(request)
            body, headers = response.encode()
            reason = REASONS.get(response.status, "Status")
            head = [
                f"HTTP/1.1 {response.status} {reason}",
                f"Content-Length: {len(body)}",
                "Connection: close",
                *(f"{k}: {v}" for k, v in headers.items()),
            ]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader) -> RecordedRequest:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = await reader.readexactly(length) if length else b""
        parts = urlsplit(target)
        return RecordedRequest(method, parts.path, parse_qs(parts.query), headers, body)


def not_found() -> StubResponse:
    return StubResponse(404, {"error": "not found"})


def anilist_route(request: RecordedRequest) -> StubResponse:
    """POST / with a GraphQL body: Page searches or Media by id (id 404 → AniList's 404)."""
    payload = request.json()
    if "Page(" in payload["query"]:
        return StubResponse(200, fixture("anilist", "search_page.json"))
    if payload["variables"]["id"] == 30002:
        return StubResponse(200, fixture("anilist", "media_detail.json"))
    return StubResponse(404, fixture("anilist", "not_found.json"))


def mangabaka_route(request: RecordedRequest) -> StubResponse:
    if request.path == "/v1/series/search":
        return StubResponse(200, fixture("mangabaka", "search.json"))
    names = {
        "/v1/series/4785": "series_full.json",
        "/v1/series/1010": "series_merged.json",
        "/v1/series/666": "series_deleted.json",
    }
    name = names.get(request.path)
    return StubResponse(200, fixture("mangabaka", name)) if name else not_found()


def openlibrary_route(request: RecordedRequest) -> StubResponse:
    if request.path == "/isbn/9780441172719.json":
        return StubResponse(302, {}, {"Location": "/books/OL26242482M.json"})
    files = {
        "/books/OL26242482M.json": "edition.json",
        "/works/OL893415W.json": "work.json",
        "/works/OL893415W/editions.json": "editions.json",
        "/authors/OL79034A.json": "author.json",
        "/search.json": "search.json",
    }
    name = files.get(request.path)
    return StubResponse(200, fixture("openlibrary", name)) if name else not_found()
