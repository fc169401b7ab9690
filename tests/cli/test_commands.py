"""The ``colophon`` command as a real process (platform §10, §1.1)."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from colophon.runtime import VERSION
from tests.processes import colophon_env, free_port, run_cli, running_server

PASSWORD = "correct horse battery staple"
SPLIT_MESSAGE = (
    "SQLite supports only the all-in-one process (colophon serve); use PostgreSQL to split roles"
)


def test_version(tmp_path: Path) -> None:
    result = run_cli("version", env=colophon_env(tmp_path / "data"))
    assert result.returncode == 0
    assert result.stdout.strip() == VERSION


def test_serve_creates_a_wal_database_and_answers_health(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = colophon_env(data, COLOPHON_ADMIN_PASSWORD=PASSWORD)
    with running_server(env) as (base_url, _):
        health = httpx.get(f"{base_url}/api/v1/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["setup"]["adminExists"] is True
        assert health.json()["database"]["backend"] == "sqlite"

        second = run_cli("serve", "--port", "1", env=env)
        assert second.returncode == 2
        assert f"another Colophon server is using {data.resolve()}" in second.stderr
    with sqlite3.connect(data / "colophon.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("args", [["worker"], ["scheduler"], ["serve", "--role", "api"]])
def test_split_roles_are_refused_on_sqlite(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(*args, env=colophon_env(tmp_path / "data"))
    assert result.returncode == 2
    assert SPLIT_MESSAGE in " ".join(result.stderr.split())


def test_bad_configuration_exits_2_naming_key_and_source(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data", COLOPHON_SCHEDULER__TIMEZONE="Mars/Base")
    result = run_cli("config", "show", "--check", env=env)
    assert result.returncode == 2
    assert (
        "scheduler.timezone: 'Mars/Base' is not a valid IANA timezone "
        "(from COLOPHON_SCHEDULER__TIMEZONE)" in result.stderr
    )


def test_config_show_prints_sources_and_hides_secrets(tmp_path: Path) -> None:
    env = colophon_env(
        tmp_path / "data",
        COLOPHON_WORKER__CONCURRENCY="3",
        COLOPHON_DATABASE__URL="postgresql://colophon:hunter2secret@db.example/colophon",
    )
    result = run_cli("config", "show", env=env)
    assert result.returncode == 0, result.stderr
    assert "concurrency: 3  # COLOPHON_WORKER__CONCURRENCY" in result.stdout
    assert "hunter2secret" not in result.stdout


def test_migrate_check_and_upgrade(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data")
    before = run_cli("migrate", "--check", env=env)
    assert before.returncode == 1
    assert "run 'colophon migrate'" in before.stderr
    assert run_cli("migrate", env=env).returncode == 0
    assert run_cli("migrate", "--check", env=env).returncode == 0
    sql = run_cli("migrate", "--sql", env=env)
    assert "CREATE TABLE tasks" in sql.stdout


def test_serve_gives_up_on_an_unreachable_database_after_the_timeout(tmp_path: Path) -> None:
    env = colophon_env(
        tmp_path / "data",
        COLOPHON_DATABASE__URL="postgresql://colophon:s3cret-pass@127.0.0.1:1/colophon",
        COLOPHON_DATABASE__CONNECT_TIMEOUT_S="1",
    )
    result = run_cli("serve", "--host", "127.0.0.1", "--port", str(free_port()), env=env)
    assert result.returncode == 1
    stderr = " ".join(result.stderr.split())
    assert "error: database unreachable: connection failed: " in stderr
    assert "Connection refused" in stderr
    assert "s3cret-pass" not in result.stderr


def test_admin_create_and_set_password(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data")
    no_tty = run_cli("admin", "create", "--username", "root", env=env, stdin="")
    assert no_tty.returncode == 2
    created = run_cli(
        "admin", "create", "--username", "root", "--password-stdin", env=env, stdin=PASSWORD + "\n"
    )
    assert created.returncode == 0, created.stderr
    again = run_cli(
        "admin", "create", "--username", "ROOT", "--password-stdin", env=env, stdin=PASSWORD + "\n"
    )
    assert again.returncode == 1
    assert "user exists; use 'colophon admin set-password'" in again.stderr
    weak = run_cli("admin", "set-password", "root", "--password-stdin", env=env, stdin="short\n")
    assert weak.returncode == 2
    changed = run_cli(
        "admin", "set-password", "root", "--password-stdin", env=env, stdin="a new long password\n"
    )
    assert changed.returncode == 0, changed.stderr
    with running_server(env) as (base_url, _):
        login = httpx.post(
            f"{base_url}/api/v1/auth/login",
            json={"username": "root", "password": "a new long password"},
            timeout=5,
        )
        assert login.status_code == 200


def test_invalid_encryption_key_stops_startup(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data", COLOPHON_ENCRYPTION_KEY="nope")
    result = run_cli("serve", env=env)
    assert result.returncode == 2
    assert "COLOPHON_ENCRYPTION_KEY" in result.stderr


def test_openapi_is_printed(tmp_path: Path) -> None:
    output = tmp_path / "openapi.json"
    result = run_cli("openapi", "--output", str(output), env=colophon_env(tmp_path / "data"))
    assert result.returncode == 0
    assert '"/api/v1/libraries"' in output.read_text()


def test_sigterm_stops_the_server_with_exit_code_0(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data")
    with running_server(env) as (_, process):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
