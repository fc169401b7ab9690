"""``server.publicUrl``: the address users open, logged once the server listens (platform
§6.2). The spec gives the key no other use; behind a proxy it differs from the listen address."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from tests.processes import colophon_env, running_server

PUBLIC_URL = "https://books.example.com/colophon"


def test_serve_logs_the_public_url_beside_the_listen_address(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data", COLOPHON_SERVER__PUBLIC_URL=PUBLIC_URL)
    with running_server(env) as (base_url, process):
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        stderr = process.stderr.read() if process.stderr else ""

    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    serving = [line for line in lines if line["event"] == "serving"]
    assert [(line["url"], line["listen"]) for line in serving] == [(PUBLIC_URL, base_url)]
