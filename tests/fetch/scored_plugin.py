"""A series-only SDK plugin whose search results come from ``adminConfig.results`` verbatim.

Lets the fetch tests choose relevance scores (0.7, none…) that the echo plugin never gives;
``get`` of ``missing`` answers -32002.
"""

from __future__ import annotations

from typing import Any

from colophon_sdk import (
    Manifest,
    MetadataPlugin,
    NotFoundError,
    PluginContext,
    SeriesGet,
    SeriesProvider,
    SeriesSearch,
)


class ScoredSeries(SeriesProvider):
    async def search(self, req: SeriesSearch, ctx: PluginContext) -> Any:
        return {"results": ctx.admin_config.get("results", [])}

    async def get(self, req: SeriesGet, ctx: PluginContext) -> Any:
        if req.external_id == "missing":
            raise NotFoundError(f"no series {req.external_id}")
        return {
            "externalId": req.external_id,
            "externalUrl": f"https://scored.invalid/{req.external_id}",
            "title": f"Scored {req.external_id}",
            "summary": "From the scored plugin.",
        }


plugin = MetadataPlugin(
    manifest=Manifest(name="scored", display_name="Scored", version="1.0.0"),
    series=ScoredSeries(),
)

if __name__ == "__main__":
    plugin.run()
