"""``colophon demo`` registers echo; ``colophon plugins list|test`` (platform §10, §10.1)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.processes import colophon_env, run_cli


def test_demo_registers_the_echo_plugin_once_and_plugins_test_passes(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data")
    first = run_cli("demo", "--path", str(tmp_path / "demo"), env=env)
    assert first.returncode == 0, first.stderr
    assert "plugin 'echo' created" in first.stdout
    second = run_cli("demo", "--path", str(tmp_path / "demo"), env=env)
    assert "plugin 'echo' exists" in second.stdout

    listed = run_cli("plugins", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {
            "name": "echo",
            "displayName": "Echo (demo)",
            "enabled": True,
            "health": "unknown",
            "version": "1.0.0",
            "capabilities": ["series", "book"],
            "scopes": ["series:detail", "series:bulk", "book:detail", "book:bulk"],
        }
    ]

    tested = run_cli("plugins", "test", "echo", env=env)
    assert tested.returncode == 0, tested.stderr
    assert "echo: Echo 1.0.0 (protocol 1.1), provides book, series" in tested.stdout


def test_plugins_test_of_a_broken_command_exits_1_with_the_reason(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data")
    seed = tmp_path / "seed.yaml"
    broken = {"name": "broken", "command": "/nonexistent/python3", "enabled": False}
    seed.write_text(yaml.safe_dump({"plugins": [broken]}))
    assert run_cli("seed", str(seed), env=env).returncode == 0

    tested = run_cli("plugins", "test", "broken", env=env)

    assert tested.returncode == 1
    assert "plugin 'broken' failed its test:" in tested.stderr
    assert "/nonexistent/python3" in tested.stderr
