"""The planner (library-jobs §6): set-based selection, order, skip rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from tests.jobs.conftest import Catalogue, add_plugin

from colophon.jobs.job_types import RefreshConfig, Scope
from colophon.jobs.planner import SkipReason, plan_refresh
from colophon.jobs.validation import find_provider_plugin
from colophon.metadata.catalog import Entity
from colophon.runtime import Runtime

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
W = 3600


def config(**overrides: Any) -> RefreshConfig:
    return replace(RefreshConfig(provider="plugin:echo", field_groups=("status",)), **overrides)


async def plan(runtime: Runtime, catalogue: Catalogue, refresh: RefreshConfig):  # type: ignore[no-untyped-def]
    async with runtime.db.read() as session:
        plugin = await find_provider_plugin(session, "echo")
        return await plan_refresh(session, await catalogue.library(), refresh, plugin, now=NOW)


async def test_recency_guard_boundaries(runtime: Runtime, tmp_path: Path) -> None:
    """PLAN-5: `now − W` skipped, `now − W − 1 s` planned; NULL never skips; strict wins."""
    await add_plugin(runtime.db)
    catalogue = Catalogue(runtime.db, tmp_path)
    at_edge = await catalogue.series(
        "A", external_id="a", last_synced_at=NOW - timedelta(seconds=W)
    )
    older = await catalogue.series(
        "B", external_id="b", last_synced_at=NOW - timedelta(seconds=W + 1)
    )
    never = await catalogue.series("C", external_id="c")
    no_id = await catalogue.series("D")
    result = await plan(runtime, catalogue, config(skip_recently_synced_within_s=W))
    assert [item.entity_id for item in result.planned] == [older, never]
    assert [(s.item.entity_id, s.reason) for s in result.skipped] == [
        (at_edge, SkipReason.RECENTLY_SYNCED),
        (no_id, SkipReason.NO_EXTERNAL_ID),
    ]
    disabled = await plan(runtime, catalogue, config(skip_recently_synced_within_s=0))
    assert len(disabled.planned) == 3
    rematch = await plan(runtime, catalogue, config(existing_source_ids_only=False))
    assert no_id in [item.entity_id for item in rematch.planned]  # re-match plans it, no id


async def test_plan_order_and_scopes(runtime: Runtime, tmp_path: Path) -> None:
    """PLAN-3, PLAN-4: casefolded sort keys, each series before its books, deleted never."""
    await add_plugin(runtime.db)
    catalogue = Catalogue(runtime.db, tmp_path)
    zeta = await catalogue.series("zeta", external_id="z")
    alpha = await catalogue.series("Beta", external_id="b", title_sort="alpha")
    gone = await catalogue.series("Aaa", external_id="g", deleted_at=NOW)
    b2 = await catalogue.book(alpha, None, file_name="b-two.cbz", external_id="2")
    b1 = await catalogue.book(alpha, "A one", external_id="1")
    await catalogue.book(alpha, "deleted", external_id="3", deleted_at=NOW)
    z1 = await catalogue.book(zeta, "Zed", external_id="4")
    both = await plan(
        runtime,
        catalogue,
        config(scope=Scope.SERIES_AND_BOOKS, book_field_groups=("descriptive",)),
    )
    assert [item.entity_id for item in both.planned] == [alpha, b1, b2, zeta, z1]
    assert gone not in [item.entity_id for item in both.planned]
    books = await plan(
        runtime,
        catalogue,
        config(scope=Scope.BOOKS_ONLY, field_groups=(), book_field_groups=("descriptive",)),
    )
    assert [item.entity for item in books.planned] == [Entity.BOOK] * 3
    assert books.planned[1].name == "b-two"  # a book without a title uses its file name


async def test_the_planner_issues_the_same_number_of_statements_for_10_and_1000_series(
    runtime: Runtime, tmp_path: Path
) -> None:
    """PLAN-2: set-based, no per-item queries."""
    await add_plugin(runtime.db)
    counts = []
    for size in (10, 1000):
        catalogue = Catalogue(runtime.db, tmp_path / str(size))
        library_id = await catalogue.library()
        from colophon.library.models import Series
        from colophon.metadata.models import SeriesMetadata

        async with runtime.db.write() as session:
            for index in range(size):
                series = Series(library_id=library_id, path=f"s{index}", name=f"S{index}")
                session.add(series)
                await session.flush()
                session.add(SeriesMetadata(series_id=series.id, title=f"S{index}", search_title=""))
        statements: list[str] = []

        def count(*args: object, seen: list[str] = statements) -> None:
            seen.append(str(args[2]))

        engine = runtime.db.read_engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            result = await plan(runtime, catalogue, config(existing_source_ids_only=False))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(result.planned) == size
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1]
