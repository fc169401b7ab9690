"""``ProviderHttp``: JSON over HTTP, provider errors mapped to protocol codes (plugins.md §10)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ._errors import ApiError, AuthError, NotFoundError, RateLimitError

DEFAULT_RETRY_AFTER_S = 60
MAX_RETRY_AFTER_S = 3600
MAX_REDIRECTS = 5


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> int:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), clamped to 1..3600."""
    if value is None or not value.strip():
        return DEFAULT_RETRY_AFTER_S
    text = value.strip()
    seconds: float
    if text.isdigit():
        seconds = int(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return DEFAULT_RETRY_AFTER_S
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return int(min(MAX_RETRY_AFTER_S, max(1, seconds)))


def raise_for_provider_status(response: httpx.Response) -> None:
    """Raise the protocol error for a non-2xx provider response."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise RateLimitError(retry_after, f"provider rate limit, retry after {retry_after}s")
    if status in (401, 403):
        raise AuthError(f"Authentication failed (HTTP {status})")
    if status == 404:
        raise NotFoundError("not found at provider")
    raise ApiError(f"provider answered HTTP {status}", status_code=status)


class ProviderHttp:
    """An httpx client bound to the provider's base URL, user agent and timeout."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 15.0,
        user_agent: str = "Colophon-plugin",
        headers: dict[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.headers: dict[str, str] = {"User-Agent": user_agent, "Accept": "application/json"}
        self.headers.update(headers or {})
        self._client = httpx.AsyncClient(
            timeout=timeout_s,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            transport=transport,
        )

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``<base_url><path>`` and decode JSON; raises the mapped ``PluginError``."""
        return await self._send("GET", path, params=params)

    async def post_json(self, path: str, body: Any) -> Any:
        """POST a JSON body to ``<base_url><path>`` and decode the JSON reply."""
        return await self._send("POST", path, json_body=body)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self._client.request(
                method, url, params=query, json=json_body, headers=self.headers
            )
        except httpx.TimeoutException as exc:
            raise ApiError(f"timed out after {self.timeout_s:g}s") from exc
        except httpx.HTTPError as exc:
            raise ApiError(f"network error: {exc}") from exc
        raise_for_provider_status(response)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError("invalid JSON from provider", status_code=response.status_code) from exc
