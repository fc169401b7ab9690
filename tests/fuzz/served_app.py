"""One Colophon API process for the whole fuzz run, served by uvicorn on a loopback port.

Only the ``api`` role runs: what the fuzzer enqueues (a scan of a root it found, say) is
never executed, so fuzzing cannot walk the file system or spawn plugin work in the
background. The app is served over real HTTP, as an operator's clients would reach it.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import structlog
import uvicorn

from colophon.app import create_app
from colophon.config import load_settings
from colophon.runtime import Runtime
from tests.conftest import ADMIN_PASSWORD

START_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class ServedApp:
    base_url: str
    api_key: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _runtime(data_dir: Path) -> Runtime:
    environ = {
        "COLOPHON_DATA_DIR": str(data_dir),
        "COLOPHON_LOGGING__LEVEL": "warning",
        # Only the server's own Python: no npx/uvx that would fetch packages for a fuzzed name.
        "COLOPHON_PLUGINS__ALLOWED_COMMANDS": "python",
    }
    config_file = data_dir.parent / "colophon.yaml"
    config_file.write_text("{}\n")
    settings = load_settings(str(config_file), environ=environ, overrides={}).settings
    return Runtime.from_settings(settings, roles=frozenset({"api"}))


def _admin_api_key(base_url: str) -> str:
    with httpx.Client(base_url=base_url) as client:
        login = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        )
        assert login.status_code == 200, login.text
        created = client.post(
            "/api/v1/api-keys", json={"name": "fuzz"}, headers={"X-Colophon-Csrf": "1"}
        )
        assert created.status_code == 201, created.text
        key: str = created.json()["key"]
        return key


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        assert thread.is_alive(), "the fuzz server stopped during startup"
        assert time.monotonic() < deadline, "the fuzz server did not start"
        time.sleep(0.05)


@contextmanager
def _warnings_only_logs() -> Iterator[None]:
    """Plain, warning-level log lines while fuzzing, restored afterwards.

    Thousands of requests would otherwise print thousands of access lines, and structlog's
    development renderer draws each 5xx traceback with every frame's locals, which takes
    long enough to time the request out instead of reporting its 500.
    """
    previous = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            structlog.processors.KeyValueRenderer(key_order=["level", "event"]),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=False,
    )
    try:
        yield
    finally:
        structlog.configure(**previous)


@contextmanager
def served_app(data_dir: Path) -> Iterator[ServedApp]:
    """Serve an API-only app with an admin; yield its URL and an admin API key."""
    with _warnings_only_logs(), _serving(data_dir) as app:
        yield app


@contextmanager
def _serving(data_dir: Path) -> Iterator[ServedApp]:
    data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(_runtime(data_dir), admin=("admin", ADMIN_PASSWORD))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="fuzz-server", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        base_url = f"http://127.0.0.1:{port}"
        yield ServedApp(base_url, _admin_api_key(base_url))
    finally:
        server.should_exit = True
        thread.join(timeout=30)
