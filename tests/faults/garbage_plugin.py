"""A provider that corrupts its channel: echo's values, plus garbage on the protocol stream.

``series get`` for a title whose index is divisible by 3 first writes non-JSON bytes and a reply
to an id nobody asked for on the protocol channel, then answers normally; an index divisible by
5 answers with a string instead of an object, by 7 with a list.
"""

from __future__ import annotations

from typing import Any

from colophon_plugins.echo.plugin import Echo, EchoBooks, EchoSeries, series_metadata
from colophon_plugins.echo.plugin import plugin as echo_plugin
from colophon_sdk import MetadataPlugin, PluginContext, SeriesGet


def title_index(external_id: str) -> int:
    tail = external_id.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 1


class GarbageSeries(EchoSeries):
    async def get(self, req: SeriesGet, ctx: PluginContext) -> Any:
        index = title_index(req.external_id)
        if index % 3 == 0:
            channel = plugin._channel
            assert channel is not None
            await channel._write_line(b"\x00\xffthis is not json {{{\n")
            await channel._write_line(b'{"jsonrpc": "2.0", "id": 987654321, "result": 1}\n')
        if index % 5 == 0:
            return "garbage instead of metadata"
        if index % 7 == 0:
            return [1, 2, 3]
        return series_metadata(Echo(ctx), req.external_id)


plugin = MetadataPlugin(manifest=echo_plugin.manifest, series=GarbageSeries(), book=EchoBooks())

if __name__ == "__main__":
    plugin.run()
