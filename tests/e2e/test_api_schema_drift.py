"""The web app's committed API types match the server (web-ui §1.3.1, §9 "gen:api ... no diff").

When one of these fails, the server's OpenAPI document moved: run `cd web && npm run gen:api`
and commit web/openapi.json and web/src/api/schema.d.ts with the server change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.processes import colophon_env, run_cli

WEB = Path(__file__).resolve().parents[2] / "web"
REGENERATE = "run `cd web && npm run gen:api`; commit web/openapi.json and web/src/api/schema.d.ts"


def test_committed_openapi_document_equals_the_servers(tmp_path: Path) -> None:
    """web/openapi.json is what `colophon openapi` prints today."""
    output = tmp_path / "openapi.json"
    result = run_cli("openapi", "--output", str(output), env=colophon_env(tmp_path / "data"))
    assert result.returncode == 0, result.stderr

    committed = json.loads((WEB / "openapi.json").read_text())
    current = json.loads(output.read_text())
    paths = set(committed["paths"]) | set(current["paths"])
    changed = sorted(p for p in paths if committed["paths"].get(p) != current["paths"].get(p))
    # The list of moved paths makes the failure readable; the full comparison makes it exact.
    assert committed == current, f"OpenAPI drift in {changed or 'components'}: {REGENERATE}"


def test_committed_schema_types_are_generated_from_the_committed_document(tmp_path: Path) -> None:
    """web/src/api/schema.d.ts is openapi-typescript's output for web/openapi.json."""
    generator = WEB / "node_modules" / "openapi-typescript" / "bin" / "cli.js"
    node = shutil.which("node")
    if node is None or not generator.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("node or web/node_modules is missing: run `cd web && npm ci`")
        pytest.skip("node or web/node_modules is missing")
    output = tmp_path / "schema.d.ts"
    # Same flags as web/scripts/gen-api.mjs.
    subprocess.run(
        [
            node,
            str(generator),
            "openapi.json",
            "--default-non-nullable",
            "false",
            "-o",
            str(output),
        ],
        cwd=WEB,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert output.read_text() == (WEB / "src" / "api" / "schema.d.ts").read_text(), REGENERATE
