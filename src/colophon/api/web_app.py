"""The built web app behind the API: hashed assets, the SPA fallback, 503 without a build.

web-ui §1.2. The route never matches ``/api``, ``/metrics`` or anything beneath them, so an
unknown API path, or a method an API route lacks (``HEAD /api/v1/health/live``), keeps the
API's own JSON 404 / 405 instead of turning into the app's ``index.html``.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Match, Route
from starlette.types import Scope

# The Vite build; it lands here rather than in static/web/ (a documented deviation from §1.2).
BUILT_IN_WEB_DIR = Path(__file__).resolve().parents[1] / "static"
# Vite puts a content hash in every asset's name: the bytes behind such a URL never change.
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
# index.html names the current assets, so browsers revalidate it and see a new build at once.
DOCUMENT_CACHE_CONTROL = "no-cache"
NOT_BUILT_MESSAGE = "Web UI not built: run npm ci && npm run build in web/"
ASSETS_PREFIX = "assets/"
SERVER_PATH_ROOTS = frozenset({"api", "metrics"})


def web_dir_for(configured: str | None) -> Path:
    """``server.webDir`` when set, else the build shipped inside the package."""
    return Path(configured) if configured else BUILT_IN_WEB_DIR


def is_server_path(path: str) -> bool:
    """True for ``/api``, ``/metrics`` and everything beneath them: never the SPA's."""
    return path.lstrip("/").split("/", 1)[0] in SERVER_PATH_ROOTS


class WebApp:
    """Answers GET and HEAD from one build directory (``index.html`` plus ``assets/``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()

    def route(self) -> Route:
        """The catch-all route; Starlette adds HEAD to a GET route (headers, no body)."""
        return _OutsideServerPaths("/{path:path}", self.respond, methods=["GET"])

    def respond(self, request: Request) -> Response:
        """A built file, else ``index.html`` for a client-side route, else 503 text."""
        path: str = request.path_params["path"]
        found = self._find_file(path)
        if found is not None:
            return FileResponse(found, headers={"Cache-Control": _cache_control(path)})
        if path.startswith(ASSETS_PREFIX):
            # A stale page asking for an asset of an older build: HTML here would only
            # be refused as a script or stylesheet, so say plainly that it is gone.
            return PlainTextResponse("asset not found", status_code=404)
        index = self.directory / "index.html"
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": DOCUMENT_CACHE_CONTROL})
        return PlainTextResponse(NOT_BUILT_MESSAGE, status_code=503)

    def _find_file(self, path: str) -> Path | None:
        """The file at ``path`` inside the build; None when absent or outside it (``..``)."""
        if not path:
            return None
        try:
            candidate = (self.directory / path).resolve()
        except (OSError, ValueError):  # a NUL byte or a symlink loop in the requested path
            return None
        if candidate.is_relative_to(self.directory) and candidate.is_file():
            return candidate
        return None


def _cache_control(path: str) -> str:
    return ASSET_CACHE_CONTROL if path.startswith(ASSETS_PREFIX) else DOCUMENT_CACHE_CONTROL


class _OutsideServerPaths(Route):
    """A route that steps aside for the server's own paths, so the router answers those."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and is_server_path(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)
