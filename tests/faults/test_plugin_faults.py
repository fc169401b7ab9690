"""Plugin faults during a run (issue 8): crash, hang, garbage output, wrong shapes, -32001 storms.

Each run has 8-16 series; every series has ``summary`` and ``year`` locked at sentinel values.
Whatever the plugin does, the run must end with RUN-20's counts adding up, the locked fields
must not change, and ``/api/v1/health`` must still answer 200. Both databases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from colophon.jobs import refresh_item
from colophon.metadata.models import SeriesMetadata
from colophon.plugins.supervisor import stop_supervisor
from colophon.runtime import Runtime
from colophon_plugins.echo.plugin import STATUSES
from tests.conftest import ApiClient
from tests.faults.conftest import library_with_series
from tests.jobs.conftest import add_plugin, assert_counts_add_up, jobs_url, run_job

GARBAGE = str(Path(__file__).parent / "garbage_plugin.py")
LOCKED_SUMMARY = "Locked by the librarian"
LOCKED_YEAR = 1066


def wrong_shapes(count: int) -> dict[str, Any]:
    """Per-id overrides that break the payload's shape in a different way for each series.

    Normalisation drops a wrongly typed field and keeps the rest; only a payload without an
    ``externalId`` fails the item.
    """
    breakages: list[dict[str, Any]] = [
        {"year": "nineteen eighty"},
        {"genres": 5},
        {"authors": "not a list"},
        {"title": None, "status": ["ongoing"]},
        {"rating": {"score": "high"}},
        {"externalLinks": [{"nope": 1}]},
        {"ageRating": -4, "totalVolumeCount": "many"},
        {"externalId": None},  # the one shape normalisation refuses outright (InvalidPayload)
        {},  # one intact payload per cycle
    ]
    return {f"Series {i:05}": breakages[i % len(breakages)] for i in range(count)}


SCENARIOS: dict[str, tuple[int, dict[str, Any]]] = {
    # name: (series, plugin admin config)
    "crash": (14, {"crashEvery": 5}),
    "hang": (12, {"hangEvery": 4}),
    "wrong_shape": (16, {"overrides": wrong_shapes(16)}),
    "rate_limit_storm": (8, {"rateLimitEvery": 2, "retryAfterSeconds": 1}),
    "garbage": (15, {}),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_a_faulty_plugin_never_breaks_the_run_the_locks_or_the_server(
    scenario: str,
    admin: ApiClient,
    app_runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Hung calls must time out within the test's budget (RUN-12's 60 s is the constant's).
    monkeypatch.setattr(refresh_item, "CALL_TIMEOUT_S", 0.5)
    count, admin_config = SCENARIOS[scenario]
    args = [GARBAGE] if scenario == "garbage" else None
    await add_plugin(app_runtime.db, scenario, admin_config=admin_config, args=args)
    library_id, series_ids = await library_with_series(
        app_runtime.db,
        str(tmp_path / "lib"),
        count,
        source=f"plugin:{scenario}",
        summary=LOCKED_SUMMARY,
        summary_lock=True,
        year=LOCKED_YEAR,
        year_lock=True,
    )
    groups = ["descriptive", "status", "counts", "classification", "ratings"]
    body = {"name": scenario, "cronSchedule": "@daily", "config": {
        "type": "metadata_refresh", "provider": f"plugin:{scenario}", "maxConcurrency": 4,
        "fieldGroups": groups}}  # fmt: skip
    created = await admin.post(jobs_url(library_id), json=body)
    assert created.status_code == 201, created.text
    try:
        run, task = await run_job(admin, library_id, created.json()["id"])
        health = await admin.get("/api/v1/health")
    finally:
        await stop_supervisor(app_runtime)
    summary = run["summary"]
    assert run["status"] in ("success", "partial", "failure"), run
    assert task["status"] in ("completed", "failed")
    assert summary["planned"] == count and summary["notProcessed"] == 0
    assert_counts_add_up(summary)
    assert health.status_code == 200, health.text
    async with app_runtime.db.read() as session:
        rows = (
            await session.execute(
                select(
                    SeriesMetadata.summary,
                    SeriesMetadata.year,
                    SeriesMetadata.title,
                    SeriesMetadata.status,
                ).where(SeriesMetadata.series_id.in_(series_ids))
            )
        ).all()
    assert len(rows) == count
    assert {(row.summary, row.year) for row in rows} == {(LOCKED_SUMMARY, LOCKED_YEAR)}
    # Wrongly shaped values were dropped, never stored.
    assert all(row.title for row in rows)
    assert {row.status for row in rows} <= {*STATUSES, None}
    if scenario == "rate_limit_storm":
        assert summary["rateLimitRetries"] > 0
    if scenario in ("crash", "hang", "garbage", "wrong_shape"):
        assert summary["failed"] > 0 and summary["errors"], summary
