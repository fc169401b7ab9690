"""The commands as real processes (platform §7, §10, §10.1), in one test to keep them few."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.processes import colophon_env, run_cli

ECHO_ARGS = ["-m", "colophon_plugins.echo"]


def test_demo_seed_and_plugins_commands(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data", SEED_KEY="sup3r-secret")

    demo = run_cli("demo", "--path", str(tmp_path / "demo"), env=env)
    assert demo.returncode == 0, demo.stderr
    assert "plugin 'echo' created" in demo.stdout  # platform §10.1 point 2

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

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"plugins": [{"name": "echo", "credentials": "abc"}]}))
    refused = run_cli("seed", str(bad), env=env)
    assert refused.returncode == 2
    assert (
        "seed: plugins[0] (echo): credentials for plugin 'echo' must be a mapping of key: "
        "value, not a string"
    ) in refused.stderr

    good = tmp_path / "good.yaml"
    broken = {"name": "broken", "command": "/nonexistent/python3", "enabled": False}
    keyed = {"name": "echo", "args": ECHO_ARGS, "credentials": {"api_key": "${SEED_KEY}"}}
    good.write_text(yaml.safe_dump({"plugins": [keyed, broken]}))
    seeded = run_cli("seed", str(good), env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout.splitlines() == [
        "plugins[0] (echo): updated (credentials)",
        "plugins[1] (broken): created",
    ]

    failing = run_cli("plugins", "test", "broken", env=env)
    assert failing.returncode == 1
    assert "plugin 'broken' failed its test:" in failing.stderr
    assert "/nonexistent/python3" in failing.stderr
    for process in (demo, listed, tested, refused, seeded, failing):
        assert "sup3r-secret" not in process.stdout + process.stderr
