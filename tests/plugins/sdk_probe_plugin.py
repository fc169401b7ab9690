"""An SDK plugin for the SDK tests: series only, prints to stdout, raises, uses storage."""

from colophon_sdk import (
    Manifest,
    MetadataPlugin,
    PluginContext,
    SearchPage,
    SearchResult,
    SeriesGet,
    SeriesProvider,
    SeriesSearch,
)


class ProbeSeries(SeriesProvider):
    async def search(self, req: SeriesSearch, ctx: PluginContext) -> SearchPage:
        print("a stray print must not corrupt the protocol")
        if req.query == "explode":
            raise ValueError("kaboom")
        if req.query == "explode-quietly":
            raise KeyError()
        await ctx.storage.set("last", {"query": req.query})
        stored = await ctx.storage.get("last")
        return SearchPage(results=[SearchResult(external_id="1", title=stored["query"])])

    async def get(self, req: SeriesGet, ctx: PluginContext) -> dict[str, str]:
        return {"externalId": req.external_id, "externalUrl": "https://probe.invalid/"}


plugin = MetadataPlugin(
    manifest=Manifest(name="sdk-probe", display_name="SDK probe", version="0.1"),
    series=ProbeSeries(),
)

if __name__ == "__main__":
    plugin.run()
