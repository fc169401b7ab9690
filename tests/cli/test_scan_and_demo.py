"""``colophon demo`` and ``colophon scan`` as real processes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.processes import colophon_env, run_cli, running_server

PASSWORD = "correct horse battery staple"


def test_demo_is_idempotent_and_scans_inline(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data")
    first = run_cli("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "library 'Demo' created" in first.stdout
    assert "colophon admin create" in first.stdout
    second = run_cli("demo", env=env)
    assert second.returncode == 0, second.stderr
    assert "library 'Demo' exists" in second.stdout

    env["COLOPHON_ADMIN_PASSWORD"] = PASSWORD
    with running_server(env) as (base_url, _), httpx.Client(base_url=base_url, timeout=10) as api:
        api.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        libraries = api.get("/api/v1/libraries").json()["items"]
        assert [(lib["name"], lib["seriesCount"], lib["bookCount"]) for lib in libraries] == [
            ("Demo", 3, 6)
        ]
        assert libraries[0]["lastScanStatus"] == "completed"


def test_scan_inline_prints_counts(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data")
    assert run_cli("demo", env=env).returncode == 0
    rescan = run_cli("scan", "Demo", "--inline", env=env)
    assert rescan.returncode == 0, rescan.stderr
    counts = json.loads(rescan.stdout)
    assert counts["booksUnchanged"] == 6
    assert counts["booksAdded"] == 0


def test_scan_wait_follows_a_server_worker(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data", COLOPHON_WORKER__POLL_INTERVAL_S="0.2")
    assert run_cli("demo", env=env).returncode == 0
    with running_server(env):
        inline = run_cli("scan", "Demo", "--inline", env=env)
        assert inline.returncode == 2  # the server holds the SQLite lock
        waited = run_cli("scan", "Demo", "--full", "--wait", env=env)
        assert waited.returncode == 0, waited.stderr
        assert "scan queued: task" in waited.stdout
        counts = json.loads(waited.stdout.split("\n", 1)[1])
        assert counts["booksUpdated"] == 6


def test_scan_of_an_unknown_library_fails(tmp_path: Path) -> None:
    result = run_cli("scan", "Nope", env=colophon_env(tmp_path / "data"))
    assert result.returncode == 1
    assert "library not found: Nope" in result.stderr
