"""A test provider: echo's values, a configurable delay, and the in-flight peak it observed.

``series get`` sleeps ``adminConfig.delayS`` (ids starting ``slow`` sleep ``slowS``) and puts
``max in flight <n>`` in the summary, so a test reads the plugin's own view of concurrency.
"""

from __future__ import annotations

import asyncio
from typing import Any

from colophon_plugins.echo.plugin import FAULTS, Echo, EchoBooks, EchoSeries, series_metadata
from colophon_plugins.echo.plugin import plugin as echo_plugin
from colophon_sdk import MetadataPlugin, PluginContext, SeriesGet

STATE = {"now": 0, "max": 0}


class ProbeSeries(EchoSeries):
    async def get(self, req: SeriesGet, ctx: PluginContext) -> Any:
        await FAULTS.before_reply(ctx)
        STATE["now"] += 1
        STATE["max"] = max(STATE["max"], STATE["now"])
        try:
            config = ctx.admin_config
            slow = req.external_id.startswith("slow")
            await asyncio.sleep(float(config.get("slowS" if slow else "delayS", 0.2)))
            payload = series_metadata(Echo(ctx), req.external_id)
            payload["summary"] = f"max in flight {STATE['max']}"
            return payload
        finally:
            STATE["now"] -= 1


plugin = MetadataPlugin(manifest=echo_plugin.manifest, series=ProbeSeries(), book=EchoBooks())

if __name__ == "__main__":
    plugin.run()
