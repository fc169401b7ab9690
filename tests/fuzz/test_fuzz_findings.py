"""Inputs the fuzzer found that broke the error contract, pinned as plain examples, so that
they stay fixed even when a schema change makes the fuzzer generate other cases."""

from __future__ import annotations

import pytest

from tests.conftest import ApiClient


@pytest.fixture
def roles() -> frozenset[str]:
    return frozenset({"api"})


@pytest.mark.parametrize("days", [41414523, 112424479040575])
async def test_a_purge_age_beyond_any_date_is_a_400_not_a_500(admin: ApiClient, days: int) -> None:
    """Platform §3.11: `now - olderThanDays` left the datetime range and answered 500."""
    response = await admin.delete("/api/v1/tasks/finished", params={"olderThanDays": days})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "query.olderThanDays", "message": "must be at most 36500"}
    ]


async def test_a_body_that_is_not_utf8_is_a_400_with_field_errors(admin: ApiClient) -> None:
    """Platform §0: a body that is not valid JSON is 400 with the contract's message and
    errors[] — bytes that are not even UTF-8 answered without errors[]."""
    response = await admin.post(
        "/api/v1/users", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
    )

    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "validation_error"
    assert body["message"].startswith("request body must be valid JSON: ")
    assert body["errors"] == [{"field": "body", "message": body["message"]}]
