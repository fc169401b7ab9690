"""``PluginHosts``: one host per plugin, pings, parallel shutdown (plugins.md §4.1, §4.5, §4.8)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from colophon.plugins.definition import HostSettings
from colophon.plugins.protocol import Method
from colophon.plugins.registry import PluginHosts
from tests.plugins.conftest import RecordingObserver, echo_definition, raw_definition


@pytest.fixture
async def hosts(settings: HostSettings) -> AsyncIterator[PluginHosts]:
    registry = PluginHosts(settings, observer=RecordingObserver())
    yield registry
    await registry.stop_all()


async def test_callers_of_one_plugin_share_one_host_and_process(hosts: PluginHosts) -> None:
    """Item 47: a job and an interactive search share the process and the limiter."""
    job_host = hosts.host_for(echo_definition())
    await job_host.call(Method.PING)

    interactive_host = hosts.host_for(echo_definition())

    assert interactive_host is job_host
    assert interactive_host.limiter is job_host.limiter
    await interactive_host.call(Method.PING)
    assert interactive_host.pid == job_host.pid


async def test_a_newer_revision_updates_the_existing_host(hosts: PluginHosts) -> None:
    """§4.2: the registry applies a changed row to the host it already has."""
    host = hosts.host_for(echo_definition())
    await host.call(Method.PING)

    same = hosts.host_for(replace(echo_definition(), rate_limit_per_minute=5, revision=2))

    assert same is host
    assert host.limiter.rate_per_minute == 5


async def test_pings_reach_running_processes_only(hosts: PluginHosts) -> None:
    """Item 19: a ping never starts a process."""
    idle = hosts.host_for(echo_definition("idle"))
    running = hosts.host_for(echo_definition("running"))
    await running.call(Method.PING)
    assert running._process is not None
    before = running._process.rpc.last_request_id

    await hosts.ping_running()

    assert idle.pid is None
    assert running._process.rpc.last_request_id == before + 1


async def test_the_ping_loop_pings_every_interval(hosts: PluginHosts) -> None:
    """Item 19 with a controlled clock: the loop sleeps pingIntervalS between rounds."""
    running = hosts.host_for(echo_definition())
    await running.call(Method.PING)
    assert running._process is not None
    before = running._process.rpc.last_request_id
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) > 3:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await hosts.run_health_pings(sleep=fake_sleep)

    assert slept == [hosts.settings.ping_interval_s] * 4
    assert running._process.rpc.last_request_id == before + 3


async def test_stop_all_stops_every_plugin_in_parallel(settings: HostSettings) -> None:
    """Items 22, 53: three plugins, one ignoring shutdown, all gone after one grace period."""
    quick = replace(settings, shutdown_reply_timeout_s=0.3, shutdown_grace_s=0.3)
    registry = PluginHosts(quick)
    processes = []
    for definition in (
        echo_definition("a"),
        echo_definition("b"),
        raw_definition("ignore_shutdown"),
    ):
        host = registry.host_for(definition)
        await host.call(Method.PING)
        processes.append(host._process)

    await registry.stop_all()

    assert all(p is not None and p.exit_code is not None for p in processes)
    with pytest.raises(RuntimeError):
        registry.host_for(echo_definition())
