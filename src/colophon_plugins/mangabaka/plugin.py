"""mangabaka: series metadata from the MangaBaka REST API (plugins.md §11.3)."""

from __future__ import annotations

from typing import Any

from colophon_plugins.mangabaka import mapping
from colophon_sdk import (
    ApiError,
    ConfigError,
    ConfigField,
    CredentialSpec,
    HttpSettings,
    InvalidParamsError,
    Manifest,
    MatchResult,
    MetadataPlugin,
    NotFoundError,
    PluginContext,
    SearchPage,
    SeriesGet,
    SeriesMatch,
    SeriesMetadata,
    SeriesProvider,
    SeriesSearch,
    best_match,
)

__version__ = "1.0.0"
DEFAULT_BASE_URL = "https://api.mangabaka.org"
MAX_LIMIT = 50
MATCH_SEARCH_LIMIT = 10


def _data(body: Any) -> Any:
    if not isinstance(body, dict) or "data" not in body:
        raise ApiError("MangaBaka answered without data")
    return body["data"]


async def fetch_series(ctx: PluginContext, series_id: str) -> dict[str, Any]:
    series = _data(await ctx.http.get_json(f"/v1/series/{series_id}"))
    if not isinstance(series, dict):
        raise ApiError("MangaBaka answered an invalid series")
    return series


class MangaBakaSeries(SeriesProvider):
    async def search(self, req: SeriesSearch, ctx: PluginContext) -> SearchPage:
        page = int(req.cursor) if req.cursor and req.cursor.isdigit() else 1
        params = {
            "q": req.query,
            "page": page,
            "limit": min(req.limit, MAX_LIMIT),
            "sort_by": ctx.admin_config.get("sortBy"),
        }
        body = await ctx.http.get_json("/v1/series/search", params)
        entries = _data(body)
        results = (
            [
                mapping.search_result(series, req.query)
                for series in entries
                if isinstance(series, dict) and series.get("id") is not None
            ]
            if isinstance(entries, list)
            else []
        )
        pagination = body.get("pagination") or {}
        return SearchPage(
            results=results, next_cursor=str(page + 1) if pagination.get("next") else None
        )

    async def get(self, req: SeriesGet, ctx: PluginContext) -> SeriesMetadata:
        series_id = req.external_id.strip()
        if not series_id.isdigit():
            raise InvalidParamsError("externalId", "Invalid params: externalId must be numeric")
        series = await fetch_series(ctx, series_id)
        if series.get("state") == "merged" and series.get("merged_with"):
            # Followed once: a chain of merges is a provider problem, not ours to walk.
            series = await fetch_series(ctx, str(series["merged_with"]))
        if series.get("state") == "deleted":
            raise NotFoundError(f"MangaBaka series {series_id} was deleted")
        return mapping.series_metadata(series)

    async def match(self, req: SeriesMatch, ctx: PluginContext) -> MatchResult:
        page = await self.search(SeriesSearch(query=req.title, limit=MATCH_SEARCH_LIMIT), ctx)
        return best_match(page.results, req.title, year=req.year)


async def require_api_key(ctx: PluginContext) -> None:
    """The key is mandatory; every request carries it as ``x-api-key``."""
    api_key = ctx.credentials.get("api_key")
    if not api_key:
        raise ConfigError("api_key credential is required")
    ctx.http.headers["x-api-key"] = api_key


plugin = MetadataPlugin(
    manifest=Manifest(
        name="mangabaka",
        display_name="MangaBaka",
        version=__version__,
        description="Manga, manhwa and manhua series metadata from MangaBaka.",
        homepage="https://mangabaka.org",
        required_credentials=[CredentialSpec("api_key", "API key", type="password")],
        config_schema=[
            ConfigField("baseUrl", "API URL", type="url", default=DEFAULT_BASE_URL),
            ConfigField("timeoutS", "HTTP timeout (s)", type="number", default=15),
            ConfigField("sortBy", "Search order", description="passed as sort_by"),
        ],
        search_uri_template="https://mangabaka.org/search?q=<title>",
    ),
    series=MangaBakaSeries(),
    http=HttpSettings(default_base_url=DEFAULT_BASE_URL),
    on_initialize=require_api_key,
)
