"""Authenticates every API request before routing (platform §5.6).

Done as middleware so that 401 and CSRF checks come before body decoding, as the
error contract's check order requires.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from colophon.api.errors import error_response, unauthenticated_response
from colophon.auth.service import Principal, principal_from_api_key, principal_from_session
from colophon.runtime import Runtime

SESSION_COOKIE = "colophon_session"
CSRF_HEADER = "x-colophon-csrf"
PUBLIC_PATHS = {"/api/v1/health", "/api/v1/health/live", "/api/v1/auth/login"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _needs_auth(scope: Scope, runtime: Runtime) -> bool:
    path: str = scope["path"]
    if path in PUBLIC_PATHS:
        return False
    if path == "/metrics":
        return runtime.settings.observability.metrics_auth
    return path.startswith("/api/")


def _presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def _authenticate(request: Request, runtime: Runtime) -> Principal | None:
    key = _presented_key(request)
    if key is not None:
        return await principal_from_api_key(runtime.db, key)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        return await principal_from_session(runtime.db, runtime.settings.auth, token)
    return None


class AuthenticationMiddleware:
    """Resolves the caller into ``request.state.principal`` or answers 401 / 403 csrf_failed."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        principal = await _authenticate(request, self.runtime)
        scope.setdefault("state", {})["principal"] = principal
        if principal is None and _needs_auth(scope, self.runtime):
            await unauthenticated_response()(scope, receive, send)
            return
        if (
            principal is not None
            and principal.auth_method == "session"
            and request.method in UNSAFE_METHODS
            and request.headers.get(CSRF_HEADER) != "1"
            and scope["path"] not in PUBLIC_PATHS
        ):
            response = error_response(403, "csrf_failed", "missing X-Colophon-Csrf header")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
