"""``observability.metricsPort``: a worker- or scheduler-only process serves ``/metrics`` and
``/health/live`` on that port; an api process ignores it (platform §6.2, §9.3).

The roles run in this process: only the CLI refuses split roles on SQLite, and the
listener is the same whichever database the worker uses.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from colophon.app import metrics_listener, role_set
from colophon.auth.service import bootstrap_admin, new_api_key
from colophon.config import Settings, load_settings
from colophon.runtime import Runtime
from tests.processes import free_port

PASSWORD = "correct horse battery staple"


@pytest.fixture
def backend() -> str:
    return "sqlite"


def _settings(tmp_path: Path, database_url: str, metrics_port: int) -> Settings:
    config = tmp_path / "colophon.yaml"
    config.write_text("{}\n")
    environ = {
        "COLOPHON_DATA_DIR": str(tmp_path / "data"),
        "COLOPHON_DATABASE__URL": database_url,
        "COLOPHON_SERVER__HOST": "127.0.0.1",
        "COLOPHON_OBSERVABILITY__METRICS_PORT": str(metrics_port),
    }
    return load_settings(str(config), environ=environ).settings


async def _admin_api_key(runtime: Runtime) -> str:
    admin = await bootstrap_admin(runtime.db, "admin", PASSWORD)
    assert admin is not None
    key, clear = new_api_key(admin.id, "prometheus", None)
    async with runtime.db.write() as session:
        session.add(key)
    return clear


async def test_a_worker_only_process_serves_metrics_and_liveness_on_the_metrics_port(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    runtime = Runtime.from_settings(
        _settings(tmp_path, database_url, port), roles=frozenset({"worker"})
    )
    key = await _admin_api_key(runtime)
    roles = role_set(runtime)
    await roles.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            live = await http.get("/health/live")
            anonymous = await http.get("/metrics")
            scraped = await http.get("/metrics", headers={"X-API-Key": key})
            api_route = await http.get("/api/v1/libraries", headers={"X-API-Key": key})
    finally:
        await roles.stop()
        await runtime.db.dispose()

    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    assert anonymous.status_code == 401  # observability.metricsAuth holds here as on the api
    assert scraped.status_code == 200
    assert 'colophon_build_info{version="' in scraped.text
    assert api_route.status_code == 404  # nothing but the two paths is served


def test_a_process_with_the_api_role_leaves_the_metrics_port_alone(
    tmp_path: Path, database_url: str
) -> None:
    settings = _settings(tmp_path, database_url, free_port())

    assert metrics_listener(Runtime.from_settings(settings, roles=frozenset({"api"}))) is None
    assert metrics_listener(Runtime.from_settings(settings, roles=frozenset({"scheduler"})))
