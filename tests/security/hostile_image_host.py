"""A local HTTP server standing in for a provider's image host that misbehaves on purpose."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

CHUNK = b"\0" * 65536
# Far beyond the 20 MiB cover limit: a client that does not stop reading would take this long.
ENDLESS_LIMIT_BYTES = 1024 * 1024 * 1024
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
    b"<script>alert(document.cookie)</script></svg>"
)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class HostileImageHost:
    """Serves one behaviour per path; counts the bytes of the endless body it managed to send."""

    base_url: str = ""
    endless_bytes_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def _handler(host: HostileImageHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # Hanging up mid-body is exactly what a size limit should make the client do.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer()

        def _answer(self) -> None:
            if self.path == "/page.html":
                self._send("text/html", b"<html><script>alert(1)</script></html>")
            elif self.path == "/drawing.svg":
                self._send("image/svg+xml", SVG)
            elif self.path == "/disguised.png":
                self._send("image/png", b"<html>not a png at all</html>")
            elif self.path == "/redirect.png":
                self.send_response(302)
                self.send_header("Location", "/page.html")
                self.end_headers()
            elif self.path == "/declared-huge.png":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(ENDLESS_LIMIT_BYTES))
                self.end_headers()
            elif self.path == "/endless.png":
                self._stream_endlessly()
            elif self.path == "/real.png":
                self._send("image/png", png_bytes())
            else:
                self._send("text/plain", b"no such image", status=404)

        def _send(self, content_type: str, body: bytes, *, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream_endlessly(self) -> None:
            # No Content-Length: the body ends when the connection closes (HTTP/1.0).
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            while host.endless_bytes_sent < ENDLESS_LIMIT_BYTES:
                self.wfile.write(CHUNK)
                with host.lock:
                    host.endless_bytes_sent += len(CHUNK)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def hostile_image_host() -> Iterator[HostileImageHost]:
    host = HostileImageHost()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host))
    httpd.daemon_threads = True
    host.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        httpd.shutdown()
        httpd.server_close()
