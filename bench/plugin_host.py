"""Plugin host throughput and overhead against the echo plugin (a real child process).

Prints round-trips per second through ``PluginHost.call`` with 1 and 16 requests in flight,
and the p50/p99 latency the host adds over the plugin's own (injected) latency.

    .venv/bin/python bench/plugin_host.py [--seconds 5] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from colophon.plugins.definition import HostSettings, PluginDefinition
from colophon.plugins.host import PluginHost
from colophon.plugins.protocol import Method

PARAMS = {"query": "Berserk", "limit": 3}


def echo_host(data_dir: Path, latency_ms: int) -> PluginHost:
    definition = PluginDefinition(
        name="echo",
        command="python",
        args=("-m", "colophon_plugins.echo"),
        admin_config={"latencyMs": latency_ms},
        rate_limit_per_minute=0,  # measure the host, not the limiter
    )
    return PluginHost(definition, HostSettings(data_dir=data_dir))


async def run_for(host: PluginHost, in_flight: int, seconds: float) -> list[float]:
    """Keep ``in_flight`` searches going for ``seconds``; the latency of each, in seconds."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await host.call(Method.SERIES_SEARCH, PARAMS)
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(seconds: float, latency_ms: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for label, plugin_latency_ms in (("throughput", 0), ("overhead", latency_ms)):
            host = echo_host(Path(tmp), plugin_latency_ms)
            await host.call(Method.PING)  # spawn and initialize outside the measurement
            await run_for(host, 4, 0.5)  # warm up
            for in_flight in (1, 16):
                latencies = await run_for(host, in_flight, seconds)
                report(label, in_flight, latencies, seconds, plugin_latency_ms / 1000)
            await host.stop()


def report(
    label: str, in_flight: int, latencies: list[float], seconds: float, plugin_s: float
) -> None:
    if label == "throughput":
        print(
            f"in flight {in_flight:>2}: {len(latencies) / seconds:8.0f} round-trips/s "
            f"(echo latency 0 ms, p50 {statistics.median(latencies) * 1000:.2f} ms)"
        )
        return
    added = [(latency - plugin_s) * 1000 for latency in latencies]
    print(
        f"in flight {in_flight:>2}: added latency p50 {percentile(added, 0.5):.2f} ms, "
        f"p99 {percentile(added, 0.99):.2f} ms over echo's {plugin_s * 1000:.0f} ms "
        f"({len(latencies)} calls)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(measure(args.seconds, args.latency_ms))


if __name__ == "__main__":
    main()
