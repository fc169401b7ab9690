"""Shared fixtures: both database backends, a migrated ``Database``, an app client.

PostgreSQL comes from ``COLOPHON_TEST_POSTGRES_URL`` or from a throw-away cluster started
with the local PostgreSQL binaries (as the ``postgres`` user when running as root). Without
PostgreSQL the ``postgresql`` variants skip, except with ``COLOPHON_TEST_REQUIRE_PG=1`` (CI),
where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from colophon.app import create_app
from colophon.config import Settings, load_settings
from colophon.db.database import Database
from colophon.db.migrate import upgrade_to_head
from colophon.runtime import Runtime
from tests.pg_cluster import PostgresCluster, start_cluster

BACKENDS = ["sqlite", "postgresql"]
ADMIN_PASSWORD = "correct horse battery staple"


def _pg_required() -> bool:
    return os.environ.get("COLOPHON_TEST_REQUIRE_PG") == "1" or os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str | None]:
    """The admin URL of a PostgreSQL server, or None when none can be had."""
    url = os.environ.get("COLOPHON_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    cluster: PostgresCluster | None = start_cluster()
    if cluster is None:
        yield None
        return
    try:
        yield cluster.url("postgres")
    finally:
        cluster.stop()


PG_TEMPLATE = "colophon_template"


def _pg_url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _fresh_pg_database(admin_url: str, *, template: str | None) -> str:
    name = f"colophon_test_{uuid.uuid4().hex[:12]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"{clause}')
    return _pg_url(admin_url, name)


@pytest.fixture(scope="session")
def pg_template(postgres_server: str | None) -> str | None:
    """A migrated PostgreSQL database that each test's database is copied from."""
    if postgres_server is None:
        return None
    with psycopg.connect(postgres_server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}"')
        connection.execute(f'CREATE DATABASE "{PG_TEMPLATE}"')
    upgrade_to_head(_pg_url(postgres_server, PG_TEMPLATE))
    return PG_TEMPLATE


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test's database is copied from."""
    path = tmp_path_factory.mktemp("template") / "colophon.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``@pytest.mark.pg_only`` tests run on PostgreSQL alone: their SQLite variants are dropped."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("backend") == "sqlite"
        (dropped if on_sqlite and item.get_closest_marker("pg_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _admin_url(request: pytest.FixtureRequest) -> str:
    admin_url: str | None = request.getfixturevalue("postgres_server")
    if admin_url is None:
        if _pg_required():
            pytest.fail("PostgreSQL is required (COLOPHON_TEST_REQUIRE_PG=1) but not available")
        pytest.skip("PostgreSQL not available")
    return admin_url


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database (no schema) of the parameterised backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return _fresh_pg_database(_admin_url(request), template=None)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated database of the parameterised backend, copied from a session template."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    if backend == "sqlite":
        target = data_dir / "colophon.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    admin_url = _admin_url(request)
    return _fresh_pg_database(admin_url, template=request.getfixturevalue("pg_template"))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    environ = {
        "COLOPHON_DATA_DIR": str(tmp_path / "data"),
        "COLOPHON_DATABASE__URL": database_url,
        "COLOPHON_WORKER__POLL_INTERVAL_S": "0.2",
        "COLOPHON_LOGGING__LEVEL": "warning",
    }
    config_file = tmp_path / "colophon.yaml"
    config_file.write_text("{}\n")
    return load_settings(str(config_file), environ=environ, overrides={}).settings


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """A migrated database on the parameterised backend."""
    database = Database(settings.database_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """A runtime whose database is migrated, without background roles."""
    rt = Runtime.from_settings(settings, roles=frozenset())
    try:
        yield rt
    finally:
        await rt.db.dispose()


class ApiClient(httpx.AsyncClient):
    """An HTTP client on the app; ``login`` keeps the session cookie and the CSRF header."""

    def __init__(self, *, transport: httpx.AsyncBaseTransport, base_url: str) -> None:
        super().__init__(transport=transport, base_url=base_url)
        self.app_transport = transport

    def sibling(self) -> ApiClient:
        """A fresh, logged-out client on the same app."""
        return ApiClient(transport=self.app_transport, base_url=str(self.base_url))

    async def login(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> Any:
        response = await self.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        self.headers["X-Colophon-Csrf"] = "1"
        return response.json()


ALL_ROLES = frozenset({"api", "worker", "scheduler"})


@pytest.fixture
def roles() -> frozenset[str]:
    """The roles the app under test runs; override in a module for an API-only app."""
    return ALL_ROLES


@pytest.fixture
async def app_runtime(settings: Settings, roles: frozenset[str]) -> Runtime:
    return Runtime.from_settings(settings, roles=roles)


@asynccontextmanager
async def serve_app(runtime: Runtime) -> AsyncIterator[ApiClient]:
    """Run the app's lifespan and yield a client speaking to it in-process."""
    app = create_app(runtime, admin=("admin", ADMIN_PASSWORD))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with ApiClient(transport=transport, base_url="http://colophon.test") as api:
            yield api


@pytest.fixture
async def client(app_runtime: Runtime) -> AsyncIterator[ApiClient]:
    """The app with an admin ``admin`` / ``ADMIN_PASSWORD``, logged out."""
    async with serve_app(app_runtime) as api:
        yield api


async def user_client(admin: ApiClient, username: str, role: str) -> ApiClient:
    """A second client on the same app, logged in as a new user with ``role``."""
    response = await admin.post(
        "/api/v1/users", json={"username": username, "password": ADMIN_PASSWORD, "role": role}
    )
    assert response.status_code == 201, response.text
    other = admin.sibling()
    await other.login(username)
    return other


@pytest.fixture
async def reader(admin: ApiClient) -> ApiClient:
    """A client logged in as a new ``reader`` user of the same app."""
    return await user_client(admin, "reader", "reader")


@pytest.fixture
async def maintainer(admin: ApiClient) -> ApiClient:
    """A client logged in as a new ``maintainer`` user of the same app."""
    return await user_client(admin, "maintainer", "maintainer")


@pytest.fixture
async def admin(client: ApiClient) -> ApiClient:
    """The client logged in as the admin."""
    await client.login()
    return client
