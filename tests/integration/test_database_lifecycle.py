"""Migrations on start and database failures, with real processes (platform §2.3, §9.2)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from colophon.db.migrate import head_revision, schema_state
from colophon.runtime import Runtime
from tests.conftest import ApiClient, serve_app
from tests.processes import COLOPHON, colophon_env, free_port, run_cli


@pytest.mark.pg_only
def test_two_processes_migrating_one_database_both_reach_head(
    empty_database_url: str, tmp_path: Path
) -> None:
    env = colophon_env(tmp_path / "data", COLOPHON_DATABASE__URL=empty_database_url)
    processes = [
        subprocess.Popen([*COLOPHON, "migrate"], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    assert schema_state(empty_database_url).current == head_revision()


def test_auto_migrate_off_below_head_exits_naming_both_revisions(
    empty_database_url: str, tmp_path: Path
) -> None:
    env = colophon_env(
        tmp_path / "data",
        COLOPHON_DATABASE__URL=empty_database_url,
        COLOPHON_DATABASE__AUTO_MIGRATE="false",
    )
    result = run_cli("serve", "--host", "127.0.0.1", "--port", str(free_port()), env=env)
    assert result.returncode == 1
    assert (
        f"database schema is at base, this version needs {head_revision()}; "
        "run 'colophon migrate'" in " ".join(result.stderr.split())
    )


def test_unreachable_database_exits_1_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://colophon:s3cret-pass@127.0.0.1:1/colophon"
    env = colophon_env(
        tmp_path / "data", COLOPHON_DATABASE__URL=url, COLOPHON_DATABASE__CONNECT_TIMEOUT_S="1"
    )
    result = run_cli("migrate", env=env)
    assert result.returncode == 1
    assert "error: database unreachable: connection failed" in result.stderr
    assert "s3cret-pass" not in result.stderr


@pytest.mark.pg_only
async def test_health_is_503_when_the_database_is_gone(
    app_runtime: Runtime, postgres_server: str
) -> None:
    async with serve_app(app_runtime) as api:
        healthy = await api.get("/api/v1/health")
        assert healthy.status_code == 200
        await app_runtime.db.dispose()
        name = app_runtime.settings.database_url.rsplit("/", 1)[1]
        with psycopg.connect(postgres_server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        broken = await api.get("/api/v1/health")
        assert broken.status_code == 503
        assert broken.json()["status"] == "error"
        assert broken.json()["database"]["ok"] is False
        live = await api.get("/api/v1/health/live")
        assert live.status_code == 200


async def test_health_is_degraded_without_a_live_worker(app_runtime: Runtime) -> None:
    api_only = Runtime.from_settings(app_runtime.settings, roles=frozenset({"api"}))
    async with serve_app(api_only) as api:
        body = (await api.get("/api/v1/health")).json()
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False and body["worker"]["alive"] == 0


async def test_openapi_requires_authentication(client: ApiClient) -> None:
    assert (await client.get("/api/v1/openapi.json")).status_code == 401
    await client.login()
    document = (await client.get("/api/v1/openapi.json")).json()
    assert document["info"]["title"] == "Colophon"
    assert "/api/v1/libraries" in document["paths"]
