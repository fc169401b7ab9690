"""Personas and catalogue fixtures for the manual editing API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.metadata_api.factories import Catalogue

READER_PASSWORD = "reader password long enough"


@pytest.fixture
async def catalogue(admin: ApiClient, app_runtime: Runtime, tmp_path: Path) -> Catalogue:
    """Rows in the database the `admin` client's app uses."""
    return Catalogue(app_runtime.db, tmp_path / "library")


@pytest.fixture
async def reader(admin: ApiClient) -> AsyncIterator[ApiClient]:
    """A second client on the same app, logged in as a user with the reader role."""
    created = await admin.post(
        "/api/v1/users",
        json={"username": "rita", "password": READER_PASSWORD, "role": "reader"},
    )
    assert created.status_code == 201, created.text
    async with ApiClient(transport=admin._transport, base_url=str(admin.base_url)) as client:
        await client.login("rita", READER_PASSWORD)
        yield client
