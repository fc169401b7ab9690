"""Fixtures of the fetch-metadata tests: a catalogue and ready plugins on the app under test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue
from tests.plugins_api.helpers import create_ready_plugin

SCORED = str(Path(__file__).parent / "scored_plugin.py")


@pytest.fixture
async def catalogue(admin: ApiClient, app_runtime: Runtime, tmp_path: Path) -> Catalogue:
    return Catalogue(app_runtime.db, tmp_path / "library")


@pytest.fixture
async def echo(admin: ApiClient) -> dict[str, Any]:
    return await create_ready_plugin(admin, "echo")


async def scored_plugin(admin: ApiClient, results: list[dict[str, Any]]) -> dict[str, Any]:
    """The scored plugin returning ``results`` from every search."""
    return await create_ready_plugin(
        admin, "scored", args=[SCORED], adminConfig={"results": results}
    )
