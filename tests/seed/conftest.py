"""The seed tests' runtime: a migrated database of each backend and a secret box."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from colophon.app import prepare_database
from colophon.config import Settings
from colophon.runtime import Runtime
from colophon.system.encryption import load_secret_box


@pytest.fixture
async def seeding(settings: Settings) -> AsyncIterator[Runtime]:
    await prepare_database(settings)
    runtime = Runtime.from_settings(settings, roles=frozenset())
    runtime.secret_box = load_secret_box(settings.data_path, may_create=True)
    try:
        yield runtime
    finally:
        await runtime.db.dispose()
