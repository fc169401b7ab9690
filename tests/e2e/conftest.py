"""Browser end-to-end fixtures (web-ui §7.2): a real `colophon serve`, the system Chromium.

Missing Chromium or a missing UI build skips the suite locally and fails it in CI
(`CI=true` or `COLOPHON_E2E=1`), naming the missing piece. Playwright never downloads a
browser: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from colophon.library.demo import create_demo_tree
from tests.processes import COLOPHON, colophon_env, free_port, run_cli, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
UI_BUILD = ROOT / "src" / "colophon" / "static" / "index.html"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
FAILURES = ROOT / "test-artifacts" / "test-results"
ADMIN_PASSWORD = "correct horse battery staple"
READER = ("rita", "reader password 12")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
DEFAULT_TIMEOUT_MS = 10_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def _e2e_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("COLOPHON_E2E") == "1"


def _require(present: bool, missing: str) -> None:
    if present:
        return
    if _e2e_required():
        pytest.fail(f"e2e: {missing}")
    pytest.skip(f"e2e: {missing}")


class ColophonServer:
    """One `colophon serve` on a fixed loopback port; can be stopped and started again."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = colophon_env(data_dir, COLOPHON_ADMIN_PASSWORD=ADMIN_PASSWORD)
        self._log_path = log
        self._log: IO[str] | None = None
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        # The log goes to a file: an unread pipe would block the server once it fills.
        self._log = self._log_path.open("a")
        self._process = subprocess.Popen(
            [*COLOPHON, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_healthy(self.base_url, self._process)

    def stop(self) -> int:
        """SIGTERM and wait; the exit code (0 for a clean shutdown)."""
        assert self._process is not None
        self._process.send_signal(signal.SIGTERM)
        try:
            code = self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            code = self._process.wait()
        if self._log:
            self._log.close()
        self._process = None
        return code

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


def _install_echo(api: httpx.Client) -> None:
    """The first-party echo plugin, slowed down so that progress is observable (web-ui §7.2.2)."""
    response = api.post(
        "/plugins",
        json={
            "name": "echo",
            "displayName": "Echo (demo)",
            "command": "python",
            "args": ["-m", "colophon_plugins.echo"],
            "scopes": ["series:detail", "series:bulk"],
            "permissions": ["metadata:read", "metadata:write:*"],
            "rateLimitPerMinute": 0,
            "adminConfig": {"latencyMs": 400},
        },
    )
    assert response.status_code == 201, response.text


def _create_reader(api: httpx.Client) -> None:
    username, password = READER
    response = api.post(
        "/users", json={"username": username, "password": password, "role": "reader"}
    )
    assert response.status_code == 201, response.text


def admin_client(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=f"{base_url}/api/v1", headers={"X-Colophon-Csrf": "1"})
    login = client.post("/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert login.status_code == 200, login.text
    return client


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three demo series with two generated CBZ files each (the `colophon demo` generator)."""
    path = tmp_path_factory.mktemp("e2e-library")
    create_demo_tree(path)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ColophonServer]:
    """A fresh data dir, an admin, the echo plugin and a reader; stopped with SIGTERM."""
    _require(
        UI_BUILD.exists(), f"no UI build at {UI_BUILD}: run `cd web && npm ci && npm run build`"
    )
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = colophon_env(data_dir)
    migrated = run_cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    colophon = ColophonServer(data_dir, data_dir / "server.log")
    colophon.start()
    api = admin_client(colophon.base_url)
    try:
        _install_echo(api)
        _create_reader(api)
    finally:
        api.close()
    yield colophon
    if colophon.running:
        _assert_clean_stop(colophon, data_dir / "server.log")


def _assert_clean_stop(colophon: ColophonServer, log: Path) -> None:
    code = colophon.stop()
    output = log.read_text()
    assert code == 0, output[-2000:]  # platform §1.3: a clean SIGTERM exits 0
    assert "Application shutdown complete." in output, output[-2000:]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system Chromium, headless, through Playwright's sync API."""
    _require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh 1280×800 context; on failure a screenshot and a trace go to FAILURES."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    csp_violations: list[str] = []
    page.on("console", lambda message: _record_csp_violation(message, csp_violations))
    yield page
    if request.node.stash.get(_FAILED, False):
        FAILURES.mkdir(exist_ok=True)
        name = request.node.name
        page.screenshot(path=str(FAILURES / f"{name}.png"), full_page=True)
        context.tracing.stop(path=str(FAILURES / f"{name}-trace.zip"))
    else:
        context.tracing.stop()
    context.close()
    # web-ui §1.2: the server's Content-Security-Policy must not block any part of the app.
    assert not csp_violations, csp_violations


def _record_csp_violation(message: Any, violations: list[str]) -> None:
    """Chromium reports each resource the policy blocks as a console error."""
    if "Content Security Policy" in message.text:
        violations.append(message.text)


def screenshot(page: Any, name: str) -> None:
    """Save one of the main screens to test-artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/")
    page.wait_for_url("**/login**")
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="module")
def library_with_job(server: ColophonServer, library_dir: Path) -> tuple[str, str]:
    """The library and job the newcomer test creates, made through the API when absent."""
    api = admin_client(server.base_url)
    try:
        library = next(
            (item for item in api.get("/libraries").json()["items"] if item["name"] == "E2E Manga"),
            None,
        )
        if library is None:
            created = api.post(
                "/libraries", json={"name": "E2E Manga", "rootPath": str(library_dir)}
            )
            assert created.status_code == 201, created.text
            library = created.json()
        jobs_url = f"/libraries/{library['id']}/jobs"
        jobs = api.get(jobs_url).json()["jobs"]
        if not jobs:
            config = {"type": "metadata_refresh", "provider": "plugin:echo"}
            created = api.post(
                jobs_url,
                json={"name": "E2E refresh", "cronSchedule": "0 4 * * *", "config": config},
            )
            assert created.status_code == 201, created.text
            jobs = [created.json()]
        return library["id"], jobs[0]["name"]
    finally:
        api.close()
