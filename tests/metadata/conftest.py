"""Fixtures for the applier and revert tests: catalogue rows, plugins, a local image server."""

from __future__ import annotations

import contextlib
import io
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from colophon.config import Settings
from colophon.db.base import Base
from colophon.db.database import Database
from colophon.library.models import Book, Library, Series
from colophon.metadata.apply import ApplyingPlugin
from colophon.metadata.covers import CoverStore
from colophon.metadata.models import BookMetadata, SeriesMetadata
from colophon.metadata.permissions import PluginPermissions
from colophon.metadata.text import compute_search_title


def make_plugin(*permissions: str, name: str = "stub") -> ApplyingPlugin:
    """A plugin holding `permissions` (all of them when none are given)."""
    granted = permissions or ("metadata:write:*",)
    return ApplyingPlugin(name, PluginPermissions.from_stored(granted))


def png_bytes(color: str = "red", size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Catalogue:
    """Creates libraries, series and books with their metadata rows, as the scanner would."""

    db: Database
    library_id: uuid.UUID | None = None

    async def library(self) -> uuid.UUID:
        if self.library_id is None:
            async with self.db.write() as session:
                library = Library(
                    name=f"lib-{uuid.uuid4().hex[:6]}", root_path=f"/l/{uuid.uuid4()}"
                )
                session.add(library)
                await session.flush()
                self.library_id = library.id
        return self.library_id

    async def series(self, title: str = "Berserk", **columns: Any) -> uuid.UUID:
        library_id = await self.library()
        async with self.db.write() as session:
            series = Series(library_id=library_id, path=f"s-{uuid.uuid4()}", name=title)
            session.add(series)
            await session.flush()
            session.add(
                SeriesMetadata(
                    series_id=series.id,
                    title=title,
                    search_title=compute_search_title(title),
                    **columns,
                )
            )
            return series.id

    async def book(self, title: str | None = "Volume 1", **columns: Any) -> uuid.UUID:
        series_id = await self.series()
        async with self.db.write() as session:
            book = Book(
                library_id=self.library_id,
                series_id=series_id,
                path=f"b-{uuid.uuid4()}.cbz",
                file_name="b.cbz",
                format="cbz",
                file_size=1,
                file_mtime=1,
            )
            session.add(book)
            await session.flush()
            session.add(
                BookMetadata(
                    book_id=book.id,
                    title=title,
                    search_title=compute_search_title(title),
                    **columns,
                )
            )
            return book.id

    async def row(self, model: type[Any], key: uuid.UUID) -> Any:
        async with self.db.read() as session:
            return await session.get(model, key)

    async def rows(self, statement: Any) -> list[Any]:
        async with self.db.read() as session:
            return list(await session.scalars(statement))


@pytest.fixture
def catalogue(db: Database) -> Catalogue:
    return Catalogue(db)


@pytest.fixture
def covers(settings: Settings) -> CoverStore:
    return CoverStore(settings.data_path)


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that nothing was written."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    async with db.read() as session:
        for table in Base.metadata.sorted_tables:
            result = await session.execute(select(table))
            tables[table.name] = sorted((tuple(map(repr, row)) for row in result), key=repr)
    return tables


@dataclass
class Route:
    status: int = 200
    content_type: str | None = "image/png"
    body: bytes = b""
    content_length: bool = True
    stall_s: float = 0.0
    on_request: Callable[[], None] | None = None


@dataclass
class ImageServer:
    """A real HTTP server on localhost standing in for a provider's image host."""

    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)


def _handler(server: ImageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append(self.path)
            route = server.routes.get(self.path, Route(status=404, content_type="text/plain"))
            if route.on_request is not None:
                route.on_request()
            if route.stall_s:
                server.release.wait(route.stall_s)
            self.send_response(route.status)
            if route.content_type is not None:
                self.send_header("Content-Type", route.content_type)
            if route.content_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            # The client may hang up mid-body, as a size limit should make it.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def image_server() -> Iterator[ImageServer]:
    holder = ImageServer(base_url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    httpd.daemon_threads = True
    holder.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        holder.release.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    return settings.data_path
