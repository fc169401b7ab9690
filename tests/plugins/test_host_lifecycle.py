"""The process host against the echo plugin: lazy start, restart, auto-disable, stop (§4)."""

from __future__ import annotations

import asyncio
import os
import stat
from dataclasses import replace

import pytest

from colophon.plugins.errors import (
    PluginApiError,
    PluginCrashed,
    PluginTimeout,
    PluginUnavailable,
)
from colophon.plugins.host import HostState
from colophon.plugins.protocol import Method
from tests.plugins.conftest import HostFactory, RecordingObserver, echo_definition

SEARCH = Method.SERIES_SEARCH


def search_params(query: str = "Berserk") -> dict[str, object]:
    return {"query": query, "limit": 3}


async def test_no_process_exists_until_the_first_call(make_host: HostFactory) -> None:
    """Item 13: the host starts lazily."""
    host = make_host(echo_definition())

    assert host.pid is None
    assert host.state == HostState.STOPPED
    await host.call(Method.PING)
    assert host.pid is not None
    assert host.state == HostState.RUNNING


async def test_ten_simultaneous_first_calls_spawn_exactly_one_process(
    make_host: HostFactory,
) -> None:
    """Item 13: concurrent first calls share one spawn and one initialize."""
    observer = RecordingObserver()
    host = make_host(echo_definition(), observer=observer)

    results = await asyncio.gather(*(host.call(SEARCH, search_params(f"q{i}")) for i in range(10)))

    assert [r["results"][0]["title"] for r in results] == [f"q{i}" for i in range(10)]
    assert len(observer.started) == 1


async def test_the_manifest_of_echo_declares_series_and_book(make_host: HostFactory) -> None:
    """§3.5/§3.7: the manifest is parsed and its capabilities kept."""
    host = make_host(echo_definition(maxResults=2))
    await host.call(Method.PING)

    assert host.manifest is not None
    assert host.manifest.name == "echo"
    assert host.manifest.protocol_version == "1.1"
    assert host.manifest.content_types == frozenset({"series", "book"})


async def test_a_crash_fails_the_pending_call_and_the_next_call_respawns(
    make_host: HostFactory,
) -> None:
    """Item 38: PluginCrashed with the exit code, a crash record with the stderr tail."""
    observer = RecordingObserver()
    host = make_host(echo_definition(crashEvery=2), observer=observer)
    await host.call(SEARCH, search_params())
    first_pid = host.pid

    with pytest.raises(PluginCrashed) as crashed:
        await host.call(SEARCH, search_params())

    assert crashed.value.exit_code == 1
    crash = observer.failures[-1]
    assert crash.kind == "crash"
    assert crash.exit_code == 1
    assert any("crash injected" in line for line in crash.stderr_tail)
    # The first restart has no backoff (§4.5), so the next call gets a fresh process.
    await host.call(SEARCH, search_params())
    assert host.pid not in (None, first_pid)


async def test_three_consecutive_timeouts_restart_the_process(make_host: HostFactory) -> None:
    """Item 36: hangEvery 1 → three PluginTimeouts → a new pid; a fixed config then works."""
    observer = RecordingObserver()
    host = make_host(echo_definition(hangEvery=1), observer=observer)
    await host.call(Method.PING)
    first_pid = host.pid

    for _ in range(3):
        with pytest.raises(PluginTimeout):
            await host.call(SEARCH, search_params(), timeout_s=0.2)

    assert observer.kinds() == ["timeout", "timeout", "timeout"]
    assert host.pid is None  # retired; the next call starts a fresh process
    host.update(replace(echo_definition(), revision=2))
    result = await host.call(SEARCH, search_params())
    assert result["results"][0]["title"] == "Berserk"
    assert host.pid not in (None, first_pid)


async def test_a_single_timeout_does_not_kill_the_process(make_host: HostFactory) -> None:
    """§4.4: one timeout counts a liveness failure; the process stays."""
    host = make_host(echo_definition(hangEvery=2))
    await host.call(SEARCH, search_params())
    pid = host.pid

    with pytest.raises(PluginTimeout):
        await host.call(SEARCH, search_params(), timeout_s=0.2)

    await host.call(SEARCH, search_params())
    assert host.pid == pid


async def test_ten_consecutive_error_replies_never_restart(make_host: HostFactory) -> None:
    """Item 37: an error reply proves liveness (failEvery 1 → -32004 every time)."""
    observer = RecordingObserver()
    host = make_host(echo_definition(failEvery=1), observer=observer)
    await host.call(Method.PING)
    pid = host.pid

    for _ in range(10):
        with pytest.raises(PluginApiError):
            await host.call(SEARCH, search_params())

    assert host.pid == pid
    assert observer.failures == []


async def test_three_start_failures_auto_disable_and_enable_clears_them(
    make_host: HostFactory,
) -> None:
    """Items 40-41: failInitialize three times → disabled with the §4.6 reason."""
    observer = RecordingObserver()
    host = make_host(echo_definition(failInitialize=True), observer=observer)

    for _ in range(3):
        with pytest.raises(PluginUnavailable) as failed:
            await host.call(Method.PING)
        assert failed.value.reason == "start_failed"
        assert failed.value.message == "echo: initialize failure injected"

    assert [s.failed_starts_in_window for s in observer.start_failures] == [1, 2, 3]
    reason = (
        "Disabled automatically after 3 failed starts within 1 hour. "
        "Last error: echo: initialize failure injected"
    )
    assert observer.start_failures[-1].auto_disable_reason == reason
    assert observer.start_failures[-1].failure.code == -32005
    assert host.disabled_reason == reason
    with pytest.raises(PluginUnavailable) as disabled:
        await host.call(Method.PING)
    assert disabled.value.reason == "plugin_disabled"

    host.update(replace(echo_definition(), revision=2))
    host.enable()
    assert await host.call(Method.PING) == "pong"
    assert host.disabled_reason is None


async def test_changing_the_rate_limit_keeps_the_process(make_host: HostFactory) -> None:
    """Item 48: rateLimitPerMinute applies live; adminConfig replaces the process."""
    definition = echo_definition()
    host = make_host(definition)
    await host.call(Method.PING)
    pid = host.pid

    host.update(replace(definition, rate_limit_per_minute=30, revision=2))
    await host.call(Method.PING)
    assert host.pid == pid
    assert host.limiter.rate_per_minute == 30

    host.update(replace(definition, admin_config={"maxResults": 1}, revision=3))
    result = await host.call(SEARCH, search_params())
    assert host.pid != pid
    assert len(result["results"]) == 1


async def test_replacing_a_process_lets_its_in_flight_call_finish(
    make_host: HostFactory,
) -> None:
    """§4.2: drain and replace; the old process answers what it already has."""
    definition = echo_definition(latencyMs=300)
    host = make_host(definition)
    await host.call(Method.PING)

    slow = asyncio.create_task(host.call(SEARCH, search_params("slow one")))
    await asyncio.sleep(0.05)  # let the request be written before the change
    host.update(replace(definition, admin_config={}, revision=2))

    assert (await slow)["results"][0]["title"] == "slow one"
    assert (await host.call(SEARCH, search_params()))["results"][0]["title"] == "Berserk"


async def test_stop_sends_shutdown_and_the_plugin_exits_zero(make_host: HostFactory) -> None:
    """Item 20: shutdown → null, exit 0, no zombie."""
    host = make_host(echo_definition())
    await host.call(Method.PING)
    process = host._process
    assert process is not None

    await host.stop()

    assert process.exit_code == 0
    assert _already_reaped(process.pid)  # no zombie left behind
    with pytest.raises(PluginUnavailable) as stopped:
        await host.call(Method.PING)
    assert stopped.value.reason == "stopped"


def _already_reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


async def test_the_data_dir_is_created_with_mode_0700(make_host: HostFactory) -> None:
    """Item 14: dataDir exists with mode 0700 before spawn."""
    host = make_host(echo_definition())
    await host.call(Method.PING)
    process = host._process
    assert process is not None

    mode = stat.S_IMODE(os.stat(process.data_dir).st_mode)
    assert mode == 0o700
