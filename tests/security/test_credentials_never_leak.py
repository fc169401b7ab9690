"""Plugin credential values never leave the server (platform §6.4 rule 4, plugins §6.2):
not in any response body, not in any log line, not in seed output.

A real server process logs at debug level as JSON to a file, so what is checked is what an
operator's log collector would receive, after the server's own redaction.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from colophon.config import Settings
from tests.conftest import ADMIN_PASSWORD
from tests.security.server_process import ServerLogs, logged_server, run_logged_cli, server_env

# Distinct values, so a failure says which path leaked.
SEEDED = "seeded-secret-81e4c2"
CREATED = "created-secret-3b9d17"
ROTATED = "rotated-secret-c07f55"
REFUSED = [f"refused-secret-{n}" for n in range(4)]
FAILING = "failing-plugin-secret-5a21"
ALL_SECRETS = [SEEDED, CREATED, ROTATED, FAILING, *REFUSED]
WAIT_S = 30.0

ECHO = {
    "command": "python",
    "args": ["-m", "colophon_plugins.echo"],
    "rateLimitPerMinute": 0,
    "permissions": ["metadata:read", "metadata:write:*"],
    "scopes": ["series:detail", "series:bulk"],
}


class RecordingClient(httpx.Client):
    """Keeps every response body it received."""

    bodies: list[str]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bodies = []

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = super().send(request, **kwargs)
        response.read()
        self.bodies.append(f"{request.method} {request.url.path} → {response.text}")
        return response


def _seed_file(path: Path) -> Path:
    path.write_text(
        "version: 1\n"
        "plugins:\n"
        "  - name: seeded\n"
        "    command: python\n"
        "    args: ['-m', 'colophon_plugins.echo']\n"
        "    credentials: {api_key: '${SEEDED_KEY}'}\n"
        "    credentialDelivery: both\n"
    )
    return path


def _wait_for_manifest(api: httpx.Client, plugin_id: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while api.get(f"/api/v1/plugins/{plugin_id}").json()["manifest"] is None:
        assert time.monotonic() < deadline, "the background probe never cached the manifest"
        time.sleep(0.1)


def _exercise_plugin_api(api: httpx.Client) -> None:
    """Every plugin endpoint, on the success and the refusal paths that see credentials."""
    created = api.post(
        "/api/v1/plugins",
        json={"name": "echo", **ECHO, "credentials": {"api_key": CREATED, "token": CREATED}},
    )
    assert created.status_code == 201, created.text
    plugin_id = created.json()["id"]
    _wait_for_manifest(api, plugin_id)
    failing = api.post(
        "/api/v1/plugins",
        json={
            "name": "failing",
            **ECHO,
            "adminConfig": {"failInitialize": True},
            "credentials": {"api_key": FAILING},
            "credentialDelivery": "both",
        },
    ).json()
    refusals = [
        api.post(
            "/api/v1/plugins", json={"name": "echo", **ECHO, "credentials": {"k": REFUSED[0]}}
        ),
        api.post("/api/v1/plugins", json={"name": "x", **ECHO, "credentials": {"k": [REFUSED[1]]}}),
        api.post("/api/v1/plugins", json={"name": "y", **ECHO, "credentials": [REFUSED[2]]}),
        api.patch(f"/api/v1/plugins/{plugin_id}", json={"credentials": {"k": REFUSED[3]}}),
    ]
    assert [r.status_code for r in refusals] == [409, 400, 422, 400]
    calls = [
        api.get("/api/v1/plugins"),
        api.get(f"/api/v1/plugins/{plugin_id}"),
        api.patch(f"/api/v1/plugins/{plugin_id}", json={"displayName": "Echo", "env": {"A": "b"}}),
        api.patch(f"/api/v1/plugins/{plugin_id}/credentials", json={"api_key": ROTATED}),
        api.post(f"/api/v1/plugins/{plugin_id}/test"),
        api.post(f"/api/v1/plugins/{failing['id']}/test"),
        api.get("/api/v1/plugins/actions", params={"scope": "series:detail"}),
        api.post(
            f"/api/v1/plugins/{plugin_id}/execute",
            json={"contentType": "series", "action": "search", "params": {"query": "Berserk"}},
        ),
        api.post(f"/api/v1/plugins/{plugin_id}/restart"),
        api.post(f"/api/v1/plugins/{plugin_id}/disable"),
        api.post(f"/api/v1/plugins/{plugin_id}/enable"),
        api.delete(f"/api/v1/plugins/{plugin_id}/credentials"),
        api.delete(f"/api/v1/plugins/{failing['id']}"),
        api.get("/api/v1/tasks"),
        api.get("/metrics"),
    ]
    assert [c.status_code for c in calls if c.status_code >= 300] == []
    # The probes really ran with the credentials: the failing one reports its failure.
    assert calls[5].json()["success"] is False


def test_credential_values_appear_in_no_response_log_line_or_seed_output(
    settings: Settings, tmp_path: Path
) -> None:
    """Checklist: credentials never appear in logs, API responses or seed output."""
    logs = ServerLogs(tmp_path / "logs")
    logs.directory.mkdir()
    env = server_env(settings, SEEDED_KEY=SEEDED)
    seed_file = _seed_file(tmp_path / "seed.yaml")
    seeded = run_logged_cli(logs, env, "seed", str(seed_file))

    with logged_server(logs, env) as base_url, RecordingClient(base_url=base_url) as api:
        login = api.post(
            "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        )
        assert login.status_code == 200
        api.headers["X-Colophon-Csrf"] = "1"
        _exercise_plugin_api(api)

    bodies, log_text = "\n".join(api.bodies), logs.text()
    assert "plugins[0] (seeded): created" in seeded
    assert [s for s in ALL_SECRETS if s in bodies] == []
    assert [s for s in ALL_SECRETS if s in log_text] == []
    # The logs are not vacuous: debug lines of the requests and the plugin calls are there.
    assert '"route": "/plugins/{plugin_id}/test"' in log_text
    assert "failing" in log_text
    assert '"credentials": "[REDACTED]"' in log_text  # the host's own redaction was exercised
