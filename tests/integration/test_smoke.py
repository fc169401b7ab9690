from __future__ import annotations

from tests.conftest import ApiClient


async def test_health_is_public_and_reports_the_backend(client: ApiClient, backend: str) -> None:
    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["backend"] == backend
    assert body["setup"]["adminExists"] is True
