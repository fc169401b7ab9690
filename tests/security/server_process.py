"""A real ``colophon serve`` whose logs go to a file, for tests that read every log line.

Logs go to a file rather than a pipe: at debug level a server fills a pipe's buffer and
would block on its next log line.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from colophon.config import Settings
from tests.conftest import ADMIN_PASSWORD
from tests.processes import COLOPHON, colophon_env, free_port, run_cli, wait_healthy

STOP_TIMEOUT_S = 30


@dataclass(frozen=True, slots=True)
class ServerLogs:
    """Where one test's server and CLI processes write their output."""

    directory: Path

    def text(self) -> str:
        return "".join(path.read_text() for path in sorted(self.directory.iterdir()))


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    """JSON logs at debug level on the test's database, with the suite's admin password."""
    return colophon_env(
        settings.data_path,
        COLOPHON_DATABASE__URL=settings.database_url,
        COLOPHON_LOGGING__LEVEL="debug",
        COLOPHON_ADMIN_PASSWORD=ADMIN_PASSWORD,
        **extra,
    )


def run_logged_cli(logs: ServerLogs, env: dict[str, str], *args: str) -> str:
    """Run ``colophon <args>``; keep its output with the logs and return it."""
    result = run_cli(*args, env=env)
    output = result.stdout + result.stderr
    (logs.directory / f"cli-{len(list(logs.directory.iterdir()))}.log").write_text(output)
    assert result.returncode == 0, output
    return output


@contextmanager
def logged_server(logs: ServerLogs, env: dict[str, str]) -> Iterator[str]:
    """``colophon serve`` on a free port; yields its base URL; SIGTERM and wait on exit."""
    port = free_port()
    with (logs.directory / "serve.log").open("w") as output:
        process = subprocess.Popen(
            [*COLOPHON, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base_url, process)
            yield base_url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
