"""anilist: manga series metadata from the AniList GraphQL API (plugins.md §11.2)."""

from __future__ import annotations

from typing import Any

from colophon_plugins.anilist import mapping, queries
from colophon_sdk import (
    ApiError,
    ConfigField,
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
DEFAULT_BASE_URL = "https://graphql.anilist.co"
MAX_PER_PAGE = 50
MATCH_SEARCH_LIMIT = 10


async def graphql(ctx: PluginContext, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """POST one GraphQL document; GraphQL errors under HTTP 200 are provider errors."""
    body = await ctx.http.post_json("", {"query": query, "variables": variables})
    if not isinstance(body, dict):
        raise ApiError("invalid JSON from provider")
    errors = body.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and errors else {}
        message = first.get("message") if isinstance(first, dict) else None
        if isinstance(first, dict) and first.get("status") == 404:
            raise NotFoundError(str(message or "not found at provider"))
        raise ApiError(f"AniList error: {message or 'unknown'}", status_code=200)
    data = body.get("data")
    if not isinstance(data, dict):
        raise ApiError("AniList answered without data")
    return data


def _preferred_title(ctx: PluginContext) -> str:
    value = ctx.admin_config.get("titleLanguage")
    return value if value in mapping.TITLE_ORDER else "english"


def _min_tag_rank(ctx: PluginContext) -> int:
    value = ctx.admin_config.get("minTagRank")
    return int(value) if isinstance(value, int | float) else mapping.DEFAULT_MIN_TAG_RANK


class AniListSeries(SeriesProvider):
    async def search(self, req: SeriesSearch, ctx: PluginContext) -> SearchPage:
        page = int(req.cursor) if req.cursor and req.cursor.isdigit() else 1
        variables = {"search": req.query, "page": page, "perPage": min(req.limit, MAX_PER_PAGE)}
        data = await graphql(ctx, queries.SEARCH, variables)
        found = data.get("Page") or {}
        preferred = _preferred_title(ctx)
        results = [
            mapping.search_result(media, req.query, preferred)
            for media in found.get("media") or []
            if isinstance(media, dict) and media.get("id") is not None
        ]
        has_next = (found.get("pageInfo") or {}).get("hasNextPage")
        return SearchPage(results=results, next_cursor=str(page + 1) if has_next else None)

    async def get(self, req: SeriesGet, ctx: PluginContext) -> SeriesMetadata:
        if not req.external_id.strip().isdigit():
            raise InvalidParamsError("externalId", "Invalid params: externalId must be numeric")
        data = await graphql(ctx, queries.MEDIA, {"id": int(req.external_id)})
        media = data.get("Media")
        if not isinstance(media, dict):
            raise NotFoundError(f"AniList has no manga {req.external_id}")
        return mapping.series_metadata(
            media, preferred=_preferred_title(ctx), min_tag_rank=_min_tag_rank(ctx)
        )

    async def match(self, req: SeriesMatch, ctx: PluginContext) -> MatchResult:
        page = await self.search(SeriesSearch(query=req.title, limit=MATCH_SEARCH_LIMIT), ctx)
        return best_match(page.results, req.title, year=req.year)


plugin = MetadataPlugin(
    manifest=Manifest(
        name="anilist",
        display_name="AniList",
        version=__version__,
        description="Manga series metadata from AniList (no key needed).",
        homepage="https://anilist.co",
        config_schema=[
            ConfigField("baseUrl", "API URL", type="url", default=DEFAULT_BASE_URL),
            ConfigField("timeoutS", "HTTP timeout (s)", type="number", default=15),
            ConfigField(
                "titleLanguage",
                "Title language",
                default="english",
                example="english, romaji or native",
            ),
            ConfigField("minTagRank", "Minimum tag rank", type="number", default=50),
        ],
        search_uri_template="https://anilist.co/search/manga?search=<title>",
    ),
    series=AniListSeries(),
    http=HttpSettings(default_base_url=DEFAULT_BASE_URL),
)
