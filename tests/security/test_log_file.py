"""``logging.file``: log lines also go to a file as JSON objects, one per line, redacted as on
stderr (platform §6.2, §9.1). The program runs in a fresh interpreter, as the server
configures logging once per process; the CLI resolves the key as it does for ``serve``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.processes import colophon_env

SECRET = "file-secret-51c2aa"
PROGRAM = f"""
import logging
import structlog
from colophon.cli import app

app(["config", "show", "--check"], standalone_mode=False)  # loads settings, configures logs
structlog.get_logger("colophon.test").info("plugin_configured", plugin="echo", api_key={SECRET!r})
logging.getLogger("uvicorn.error").warning("listener %s", "stopped")
"""


def test_log_lines_also_go_to_the_file_as_redacted_json(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "colophon.log"  # its directory is created too
    env = colophon_env(
        tmp_path / "data",
        COLOPHON_LOGGING__FILE=str(log_file),
        COLOPHON_LOGGING__FORMAT="console",
    )

    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [line["event"] for line in lines] == ["plugin_configured", "listener stopped"]
    structured = lines[0]
    assert structured["plugin"] == "echo"
    assert structured["api_key"] == "[REDACTED]"
    assert {"ts", "level", "logger"} <= set(structured)
    assert lines[1]["level"] == "warning"  # stdlib loggers (uvicorn, alembic) land there too
    # The console keeps its own format beside the file.
    assert "plugin_configured" in result.stderr
    assert SECRET not in result.stderr + log_file.read_text()
