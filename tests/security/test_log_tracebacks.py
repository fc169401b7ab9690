"""Logged tracebacks never carry frame locals (platform §9.1: no secrets in logs).

A local variable can hold a password or decrypted plugin credentials, and key-based
redaction only sees the event's own keys, so the renderer must not print locals — in
either log format. Each format runs in a fresh interpreter, as the server configures
logging once per process.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SECRET = "local-secret-7d3e90"
PROGRAM = f"""
import sys
import structlog
from colophon.logs import configure_logging

FORMAT = sys.argv[1]
configure_logging("info", FORMAT)
log = structlog.get_logger("colophon.test")


def start_plugin(credentials):
    raise ConnectionError("plugin did not answer")


try:
    start_plugin(dict(api_key={SECRET!r}))
except ConnectionError:
    log.exception("plugin_start_failed", plugin="echo")
"""


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_an_exception_log_shows_the_traceback_but_no_local_values(fmt: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, fmt],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert "plugin did not answer" in result.stderr  # the traceback is there
    assert SECRET not in result.stderr + result.stdout
