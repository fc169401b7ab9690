"""Browser security headers on every response (web-ui §1.2).

The web app's documents are the ones that need them, but API answers get them too: a JSON
error or a cover opened directly in a tab is still a document the browser may sniff or frame.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Mantine injects <style> tags and style attributes at runtime, hence 'unsafe-inline' for
# styles only; scripts stay 'self' (the Vite build has no inline script).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeadersMiddleware:
    """Adds the §1.2 headers to each response, keeping any a route set itself.

    ``csp_exempt_paths`` are pages the policy would break: FastAPI's API docs load Swagger UI
    from a CDN with an inline script.
    """

    def __init__(self, app: ASGIApp, *, csp_exempt_paths: Collection[str] = ()) -> None:
        self.app = app
        self.csp_exempt_paths = frozenset(csp_exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = dict(SECURITY_HEADERS)
        if scope["path"] not in self.csp_exempt_paths:
            wanted["Content-Security-Policy"] = CONTENT_SECURITY_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])  # ASGI lets a response omit the list
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
