"""The security suite runs against an API-only app: no worker or scheduler is needed to
answer 401 and 403, and without them each test starts faster."""

from __future__ import annotations

import pytest


@pytest.fixture
def roles() -> frozenset[str]:
    return frozenset({"api"})
