"""``storage/*`` reverse calls: shapes, limits and expiry (plugins.md §3.10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from colophon.plugins.rpc import ReverseCallError
from colophon.plugins.storage import MemoryStorage, StorageCalls

T0 = datetime(2025, 1, 1, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def make_calls(clock: Clock | None = None, **limits: int) -> StorageCalls:
    return StorageCalls(MemoryStorage(), clock=clock or Clock(), **limits)


async def test_set_get_delete_list_and_clear_round_trip() -> None:
    """Item 54."""
    calls = make_calls()

    assert await calls("storage/set", {"key": "b", "data": {"x": [1, 2]}}) == {"success": True}
    await calls("storage/set", {"key": "a", "data": "s", "expiresAt": "2025-02-01T00:00:00Z"})
    assert await calls("storage/get", {"key": "b"}) == {"data": {"x": [1, 2]}}
    assert await calls("storage/get", {"key": "a"}) == {
        "data": "s",
        "expiresAt": "2025-02-01T00:00:00.000Z",
    }
    assert await calls("storage/get", {"key": "missing"}) == {"data": None}
    assert await calls("storage/list", {}) == {
        "keys": [
            {
                "key": "a",
                "updatedAt": "2025-01-01T00:00:00.000Z",
                "expiresAt": "2025-02-01T00:00:00.000Z",
            },
            {"key": "b", "updatedAt": "2025-01-01T00:00:00.000Z"},
        ]
    }
    assert await calls("storage/delete", {"key": "a"}) == {"deleted": True}
    assert await calls("storage/delete", {"key": "a"}) == {"deleted": False}
    assert await calls("storage/clear", {}) == {"deletedCount": 1}


async def test_the_101st_key_is_refused_but_overwriting_at_100_succeeds() -> None:
    """Item 55."""
    calls = make_calls()
    for i in range(100):
        await calls("storage/set", {"key": f"k{i}", "data": i})

    with pytest.raises(ReverseCallError) as refused:
        await calls("storage/set", {"key": "k100", "data": 1})

    assert (refused.value.code, refused.value.message, refused.value.data) == (
        -32602,
        "storage limit reached: at most 100 keys",
        {"field": "key"},
    )
    assert await calls("storage/set", {"key": "k5", "data": "new"}) == {"success": True}


async def test_a_value_over_one_mib_is_refused_naming_the_data_field() -> None:
    """Item 56."""
    calls = make_calls()
    value = "x" * (1024 * 1024)  # 1 MiB of characters plus two quotes

    with pytest.raises(ReverseCallError) as refused:
        await calls("storage/set", {"key": "k", "data": value})

    assert refused.value.message == "storage value too large: 1048578 bytes > 1048576"
    assert refused.value.data == {"field": "data"}


async def test_an_expired_key_is_absent_and_does_not_count() -> None:
    """Item 57: naive expiresAt means UTC."""
    clock = Clock()
    calls = make_calls(clock, max_keys=1)
    await calls("storage/set", {"key": "old", "data": 1, "expiresAt": "2025-01-01T00:00:10"})

    clock.now = T0 + timedelta(seconds=11)

    assert await calls("storage/get", {"key": "old"}) == {"data": None}
    assert await calls("storage/list", {}) == {"keys": []}
    assert await calls("storage/set", {"key": "new", "data": 2}) == {"success": True}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"data": 1}, "key"),
        ({"key": "", "data": 1}, "key"),
        ({"key": "k" * 257, "data": 1}, "key"),
        ({"key": "k", "data": 1, "expiresAt": "tomorrow"}, "expiresAt"),
        ({"key": "k", "data": 1, "expiresAt": 5}, "expiresAt"),
    ],
)
async def test_bad_params_name_their_field(params: dict[str, object], field: str) -> None:
    """§3.10: key and expiresAt validation."""
    with pytest.raises(ReverseCallError) as refused:
        await make_calls()("storage/set", params)

    assert refused.value.code == -32602
    assert refused.value.data == {"field": field}


async def test_other_reverse_methods_are_not_found() -> None:
    """Item 59."""
    with pytest.raises(ReverseCallError) as refused:
        await make_calls()("releases/list_tracked", {})

    assert (refused.value.code, refused.value.message) == (
        -32601,
        "Method not found: releases/list_tracked",
    )
