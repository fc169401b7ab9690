"""A provider that enforces its own limit: echo's values, at most ``limitPerMinute`` calls a minute.

A call over the limit (sliding 60 s window) is answered with -32001 and ``retryAfterSeconds``
set to when the oldest call leaves the window, as a real provider's 429 would be. The number of
refusals is printed to stderr at exit, and kept in ``REFUSED`` for the host's log.
"""

from __future__ import annotations

import math
import sys
import time
from collections import deque
from typing import Any

from colophon_plugins.echo.plugin import Echo, EchoBooks, EchoSeries, series_metadata
from colophon_plugins.echo.plugin import plugin as echo_plugin
from colophon_sdk import MetadataPlugin, PluginContext, RateLimitError, SeriesGet

WINDOW_S = 60.0
CALLS: deque[float] = deque()
REFUSED = [0]


class LimitedSeries(EchoSeries):
    async def get(self, req: SeriesGet, ctx: PluginContext) -> Any:
        limit = int(ctx.admin_config.get("limitPerMinute", 60))
        now = time.monotonic()
        while CALLS and now - CALLS[0] >= WINDOW_S:
            CALLS.popleft()
        if len(CALLS) >= limit:
            REFUSED[0] += 1
            print(f"limited: refused={REFUSED[0]}", file=sys.stderr, flush=True)
            raise RateLimitError(max(1, math.ceil(WINDOW_S - (now - CALLS[0]))))
        CALLS.append(now)
        return series_metadata(Echo(ctx), req.external_id)


plugin = MetadataPlugin(manifest=echo_plugin.manifest, series=LimitedSeries(), book=EchoBooks())

if __name__ == "__main__":
    plugin.run()
