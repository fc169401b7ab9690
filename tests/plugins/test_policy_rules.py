"""Pure host policy: backoff, qualification, allowlist, child environment (plugins.md §3-§4)."""

from __future__ import annotations

import sys
import uuid

import pytest

from colophon.errors import ValidationFailed
from colophon.plugins.health import StartFailureWindow, restart_delay_s
from colophon.plugins.launch import (
    build_child_env,
    is_command_allowed,
    is_forbidden_env_name,
    resolve_command,
)
from colophon.plugins.qualification import Scope, parse_scope, qualifies_as_provider


def test_restarts_back_off_0_1_2_4_seconds_capped_at_60() -> None:
    """Item 39."""
    delays = [restart_delay_s(n, initial_s=1, maximum_s=60) for n in range(1, 10)]

    assert delays == [0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_start_failures_older_than_the_window_no_longer_count() -> None:
    """§4.6: three within 3600 s; enable resets."""
    window = StartFailureWindow(3600)

    assert [window.record(t) for t in (0, 100, 3650)] == [1, 2, 2]
    window.reset()
    assert window.record(3651) == 1


LIBRARY = uuid.uuid4()
SERIES_MANIFEST = {"capabilities": {"metadataProvider": ["series"]}}


def qualifies(**overrides: object) -> bool:
    arguments: dict[str, object] = {
        "enabled": True,
        "manifest": SERIES_MANIFEST,
        "scopes": ["series:bulk", "series:detail"],
        "library_ids": [],
        "scope": Scope.SERIES_BULK,
        "library_id": LIBRARY,
        **overrides,
    }
    return qualifies_as_provider(**arguments)  # type: ignore[arg-type]


def test_a_plugin_qualifies_only_when_every_condition_holds() -> None:
    """§3.7, item 69."""
    assert qualifies()
    assert qualifies(library_ids=[LIBRARY])
    assert qualifies(library_ids=[uuid.uuid4()], library_id=None)
    assert not qualifies(enabled=False)
    assert not qualifies(manifest=None)
    assert not qualifies(scope=Scope.BOOK_BULK, scopes=["book:bulk"])
    assert not qualifies(scopes=["series:detail"])
    assert not qualifies(library_ids=[uuid.uuid4()])
    assert not qualifies(manifest={"capabilities": {"metadataProvider": True}})


def test_an_unknown_scope_lists_the_valid_ones() -> None:
    """Item 70."""
    with pytest.raises(ValidationFailed) as refused:
        parse_scope("library:scan")

    assert refused.value.errors[0].message == (
        "Invalid scope 'library:scan'. Valid scopes: "
        "series:detail, series:bulk, book:detail, book:bulk"
    )


@pytest.mark.parametrize(
    ("command", "allowed", "ok"),
    [
        ("node", ["node"], True),
        ("bash", ["node"], False),
        ("/usr/bin/node", ["node"], True),
        ("/opt/tools/run", ["/opt/tools/"], True),
        ("/opt/tools/run", ["/opt/tools/run"], True),
        ("/opt/other/run", ["/opt/tools/"], False),
        ("anything", ["*"], True),
    ],
)
def test_the_command_allowlist(command: str, allowed: list[str], ok: bool) -> None:
    """§3.3, item 25."""
    assert is_command_allowed(command, allowed) is ok


def test_python_resolves_to_the_server_interpreter() -> None:
    """Item 25."""
    assert resolve_command("python", path="/nowhere") == sys.executable
    assert resolve_command("python3", path="/nowhere") == sys.executable


def test_the_child_environment_is_an_allowlist_plus_row_env() -> None:
    """Item 24, §6.3."""
    server = {"PATH": "/bin", "SECRET_TOKEN": "x", "COLOPHON_KEY": "y", "https_proxy": "p"}

    env = build_child_env(server, {"ROW": "1"}, env_credentials={"API_KEY": "k"})

    assert env == {
        "PATH": "/bin",
        "https_proxy": "p",
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "ROW": "1",
        "API_KEY": "k",
    }
    assert is_forbidden_env_name("ld_preload") and is_forbidden_env_name("COLOPHON_X")
    assert not is_forbidden_env_name("MY_LD_PATH")
