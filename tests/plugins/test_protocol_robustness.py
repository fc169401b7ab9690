"""The JSON-RPC client against a misbehaving plugin without the SDK (§3.1-§3.6, §3.10-§3.11)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from dataclasses import replace

import pytest

from colophon.plugins.definition import HostSettings
from colophon.plugins.errors import (
    PluginCrashed,
    PluginTimeout,
    PluginUnavailable,
)
from colophon.plugins.protocol import Method
from tests.plugins.conftest import HostFactory, RecordingObserver, raw_definition

SEARCH = Method.SERIES_SEARCH


def _is_dir(path: str) -> bool:
    return os.path.isdir(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_initialize_params_follow_the_delivery_mode(make_host: HostFactory) -> None:
    """Items 14, 62: config equals adminConfig; init_message sends credentials, env puts them in
    the environment only, both does both."""
    host = make_host(raw_definition(credentials={"api_key": "sekrit-1"}))
    await host.call(Method.PING)
    assert host.manifest is not None
    params = host.manifest.raw["receivedParams"]

    assert params["adminConfig"] == {"mode": "normal"}
    assert params["config"] == params["adminConfig"]
    assert params["credentials"] == {"api_key": "sekrit-1"}
    assert params["logLevel"] == "info"
    assert _is_dir(params["dataDir"])

    env_host = make_host(
        raw_definition(credentials={"api_key": "sekrit-1"}, credential_delivery="env")
    )
    await env_host.call(Method.PING)
    assert env_host.manifest is not None
    assert "credentials" not in env_host.manifest.raw["receivedParams"]
    assert "API_KEY" in env_host.manifest.raw["envKeys"]

    both_host = make_host(
        raw_definition(credentials={"api_key": "sekrit-1"}, credential_delivery="both")
    )
    await both_host.call(Method.PING)
    assert both_host.manifest is not None
    assert both_host.manifest.raw["receivedParams"]["credentials"] == {"api_key": "sekrit-1"}
    assert "API_KEY" in both_host.manifest.raw["envKeys"]


async def test_the_child_environment_holds_no_colophon_variables(make_host: HostFactory) -> None:
    """Item 24: only allowlisted server variables, Python I/O settings and row env."""
    host = make_host(raw_definition(env={"ROW_VAR": "1"}))
    await host.call(Method.PING)
    assert host.manifest is not None

    env_keys = set(host.manifest.raw["envKeys"])
    assert not any(key.startswith("COLOPHON_") for key in env_keys)
    assert {"PATH", "HOME", "ROW_VAR", "PYTHONUNBUFFERED", "PYTHONIOENCODING"} <= env_keys


async def test_host_ids_start_at_one_for_each_process(make_host: HostFactory) -> None:
    """Item 2: ids 1, 2, 3… per process; a restarted process starts again at 1."""
    definition = raw_definition()
    host = make_host(definition)
    await host.call(Method.PING)
    await host.call(Method.PING)
    assert host._process is not None
    assert host._process.rpc.last_request_id == 3  # initialize, ping, ping

    host.update(replace(definition, admin_config={"mode": "normal", "x": 1}, revision=2))
    await host.call(Method.PING)
    assert host._process.rpc.last_request_id == 2  # initialize, ping


async def test_garbage_blank_lines_and_crlf_do_not_disturb_a_call(make_host: HostFactory) -> None:
    """Item 5: non-JSON, non-object and blank lines are dropped; CRLF is accepted."""
    host = make_host(raw_definition("garbage"))

    assert await host.call(SEARCH, {"query": "a"}) == {"results": []}
    assert await host.call(SEARCH, {"query": "b"}) == {"results": []}


async def test_an_oversize_line_is_dropped_and_later_calls_succeed(make_host: HostFactory) -> None:
    """Item 4: a 17 MiB line → protocol_error, its call times out, the channel lives on."""
    observer = RecordingObserver()
    host = make_host(raw_definition("oversize"), observer=observer)

    with pytest.raises(PluginTimeout):
        await host.call(SEARCH, {"query": "big"}, timeout_s=1.5)

    assert "protocol_error" in observer.kinds()
    protocol_error = next(f for f in observer.failures if f.kind == "protocol_error")
    assert protocol_error.message == "dropped oversize line (> 16777216 bytes)"
    assert await host.call(SEARCH, {"query": "ok"}) == {
        "results": [{"externalId": "q", "title": "ok"}]
    }


async def test_a_15_mib_reply_is_received_intact(make_host: HostFactory) -> None:
    """Item 3: the stream limit is at least 16 MiB."""
    host = make_host(raw_definition("large"))

    result = await host.call(SEARCH, {"query": "x"})

    assert len(result["results"][0]["blob"]) == 15 * 1024 * 1024


async def test_a_reply_with_a_string_id_resolves_the_numeric_request(
    make_host: HostFactory,
) -> None:
    """Item 10: id "7" resolves pending host request 7."""
    host = make_host(raw_definition("string_ids"))

    assert await host.call(SEARCH, {"query": "x"}) == {"results": []}


async def test_reverse_calls_are_routed_by_method_and_echo_their_id(
    make_host: HostFactory,
) -> None:
    """Items 8, 9, 12, 59: id 1 collides with a host id; ids keep their JSON type."""
    host = make_host(raw_definition("reverse"))
    await host.call(Method.PING)

    result = await host.call(SEARCH, {"query": "x"})

    set_reply, get_reply, releases_reply, bad_method_reply = result["reverseReplies"]
    assert set_reply == {"jsonrpc": "2.0", "id": 1, "result": {"success": True}}
    assert get_reply == {"jsonrpc": "2.0", "id": "s-1", "result": {"data": 1}}
    assert releases_reply["id"] == 1000000000
    assert releases_reply["error"] == {
        "code": -32601,
        "message": "Method not found: releases/list_tracked",
    }
    assert bad_method_reply["id"] == 7
    assert bad_method_reply["error"]["code"] == -32600


async def test_reverse_calls_before_the_initialize_reply_are_answered(
    make_host: HostFactory,
) -> None:
    """Item 15: the plugin may call storage while initialize is pending."""
    host = make_host(raw_definition("init_reverse"))
    await host.call(Method.PING)
    assert host.manifest is not None

    assert host.manifest.raw["bootReply"]["result"] == {"success": True}


async def test_a_late_reply_after_a_timeout_resolves_nothing(make_host: HostFactory) -> None:
    """Item 11: the slow reply arrives after the timeout and is dropped."""
    host = make_host(raw_definition("normal", admin_config={"slowS": 0.4}))
    await host.call(Method.PING)

    with pytest.raises(PluginTimeout):
        await host.call(SEARCH, {"query": "slow"}, timeout_s=0.1)

    # The plugin answers one line at a time: this ping is answered after the late reply.
    assert await host.call(Method.PING) == "pong"
    assert host._process is not None
    assert host._process.rpc.pending_count == 0


async def test_exit_during_a_request_raises_plugin_crashed(make_host: HostFactory) -> None:
    """Items 38, 53: exit code and stderr tail reach the caller and the failure record."""
    observer = RecordingObserver()
    host = make_host(raw_definition("exit_mid"), observer=observer)

    with pytest.raises(PluginCrashed) as crashed:
        await host.call(SEARCH, {"query": "x"})

    assert crashed.value.exit_code == 3
    assert observer.failures[-1].stderr_tail == ("[ERROR] fatal: giving up",)


@pytest.mark.parametrize(
    ("mode", "protocol_version", "message"),
    [
        ("bad_manifest", "1.0", "invalid manifest: displayName is required"),
        ("normal", "2.0", "unsupported protocolVersion '2.0'"),
    ],
)
async def test_an_unusable_manifest_is_a_start_failure(
    make_host: HostFactory, mode: str, protocol_version: str, message: str
) -> None:
    """Item 17."""
    observer = RecordingObserver()
    host = make_host(
        raw_definition(mode, admin_config={"protocolVersion": protocol_version}),
        observer=observer,
    )

    with pytest.raises(PluginUnavailable) as failed:
        await host.call(Method.PING)

    assert failed.value.reason == "start_failed"
    assert failed.value.message == message
    assert observer.start_failures[0].failure.kind == "init_error"


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.7"])
async def test_protocol_versions_with_major_one_are_accepted(
    make_host: HostFactory, version: str
) -> None:
    """Item 17."""
    host = make_host(raw_definition(admin_config={"protocolVersion": version}))

    assert await host.call(Method.PING) == "pong"


async def test_a_legacy_boolean_provider_capability_counts_as_none(
    make_host: HostFactory,
) -> None:
    """Items 18, 34: `metadataProvider: true` → no capability; nothing is sent."""
    host = make_host(raw_definition("legacy_provider"))
    await host.call(Method.PING)
    assert host.manifest is not None
    assert host.manifest.content_types == frozenset()

    from colophon.plugins.errors import PluginMethodNotSupported

    with pytest.raises(PluginMethodNotSupported):
        await host.call(SEARCH, {"query": "x"})
    assert host._process is not None
    assert host._process.rpc.last_request_id == 2  # initialize and ping only


async def test_no_initialize_reply_is_a_start_failure(
    make_host: HostFactory, settings: object
) -> None:
    """§3.4: an initialize timeout fails the start and the process is killed."""
    from colophon.plugins.definition import HostSettings

    assert isinstance(settings, HostSettings)
    quick = replace(settings, initialize_timeout_s=0.3)
    host = make_host(raw_definition("no_init"), host_settings=quick)

    with pytest.raises(PluginUnavailable) as failed:
        await host.call(Method.PING)

    assert failed.value.reason == "start_failed"
    assert "initialize" in failed.value.message


async def test_a_plugin_ignoring_shutdown_is_killed_with_its_grandchild(
    make_host: HostFactory, settings: HostSettings
) -> None:
    """Item 21: after the grace the whole process group gets SIGKILL."""
    quick = replace(settings, shutdown_reply_timeout_s=0.3, shutdown_grace_s=0.3)
    host = make_host(raw_definition("ignore_shutdown"), host_settings=quick)
    await host.call(Method.PING)
    assert host.manifest is not None
    grandchild = host.manifest.raw["grandchild"]
    assert _pid_alive(grandchild)

    await host.stop()

    # The grandchild is not our child, so it may linger as a zombie of init for a moment.
    for _ in range(100):
        if not _pid_alive(grandchild) or _is_zombie(grandchild):
            break
        await asyncio.sleep(0.02)
    assert not _pid_alive(grandchild) or _is_zombie(grandchild)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


async def test_stderr_is_relogged_with_levels_and_credentials_redacted(
    make_host: HostFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Items 51, 52: SDK-format level, inherited level, [REDACTED] secret."""
    caplog.set_level(logging.DEBUG, logger="colophon.plugin.raw")
    host = make_host(raw_definition("echo_secret", credentials={"api_key": "hunter2-secret"}))
    await host.call(Method.PING)
    await host.stop()

    records = [r for r in caplog.records if r.name == "colophon.plugin.raw"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.WARNING, "2025-01-01T00:00:00.000Z [WARN] [raw] key is [REDACTED]"),
        (logging.WARNING, "an unlevelled continuation line"),
    ]
    assert "hunter2-secret" not in caplog.text


async def test_a_stderr_flood_is_summarised_and_does_not_stall_the_plugin(
    make_host: HostFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Item 50: 10 000 lines → at most 100 logged in the window, plus a suppression note."""
    caplog.set_level(logging.INFO, logger="colophon.plugin.raw")
    host = make_host(raw_definition("stderr_flood"))

    assert await host.call(SEARCH, {"query": "x"}) == {
        "results": [{"externalId": "q", "title": "x"}]
    }
    await host.stop()

    records = [r for r in caplog.records if r.name == "colophon.plugin.raw"]
    suppressed = [r for r in records if r.getMessage().endswith("lines suppressed")]
    assert suppressed
    assert len(records) - len(suppressed) < 10_000
    assert (
        sum(int(r.getMessage().split()[0]) for r in suppressed) + len(records) - len(suppressed)
        == 10_000
    )


async def test_killing_a_plugin_mid_request_only_fails_that_call(make_host: HostFactory) -> None:
    """Item 53: SIGKILL from outside → PluginCrashed; the next call respawns."""
    host = make_host(raw_definition())
    await host.call(Method.PING)
    pid = host.pid
    assert pid is not None

    pending = asyncio.create_task(host.call(SEARCH, {"query": "nothing"}))
    await asyncio.sleep(0.05)
    os.kill(pid, signal.SIGKILL)

    with pytest.raises(PluginCrashed):
        await pending
    assert await host.call(Method.PING) == "pong"
    assert host.pid != pid
