"""The revert primitive (metadata §6.2, library-jobs REV-2/REV-3) on both databases."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select, update
from tests.metadata.conftest import Catalogue, ImageServer, Route, make_plugin, png_bytes

from colophon.db.database import Database
from colophon.library.models import Series
from colophon.metadata.apply import apply_series_metadata
from colophon.metadata.covers import CoverStore
from colophon.metadata.models import (
    MetadataChange,
    SeriesExternalId,
    SeriesExternalRating,
    SeriesMetadata,
)
from colophon.metadata.payloads import normalise_series_payload
from colophon.metadata.revert import RevertSkip, RevertSkipReason, revert_run

USER = uuid.uuid4()


async def run(
    db: Database,
    series_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    covers: CoverStore | None = None,
    **payload: Any,
) -> None:
    normalised = normalise_series_payload({"externalId": "42", **payload})
    await apply_series_metadata(
        db,
        series_id,
        make_plugin(),
        normalised,
        fields=None,
        dry_run=False,
        run_id=run_id,
        covers=covers,
    )


async def test_revert_restores_before_values_and_audits_them(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: revert restores the before-values; rows `revert:<runId>`, run_id NULL."""
    series_id = await catalogue.series("Old", summary="Old summary")
    run_id = uuid.uuid4()
    await run(
        db, series_id, run_id, title="New", summary="New summary", genres=["Action"], year=1989
    )

    outcome = await revert_run(db, run_id, user_id=USER)

    assert (outcome.restored, outcome.skipped, outcome.failed) == (5, (), 0)
    row = await catalogue.row(SeriesMetadata, series_id)
    assert (row.title, row.title_sort, row.summary, row.year) == ("Old", None, "Old summary", None)
    assert row.search_title == "old"
    restores: list[MetadataChange] = await catalogue.rows(
        select(MetadataChange).where(MetadataChange.run_id.is_(None)).order_by(MetadataChange.id)
    )
    assert [(r.field, r.before, r.after) for r in restores] == [
        ("title", "New", "Old"),
        ("titleSort", "New", None),
        ("summary", "New summary", "Old summary"),
        ("year", 1989, None),
        ("genres", ["Action"], []),
    ]
    assert {(r.source, r.user_id) for r in restores} == {(f"revert:{run_id}", USER)}


async def test_revert_skips_a_field_a_later_run_changed(db: Database, catalogue: Catalogue) -> None:
    """Checklist: revert skips a field changed since the run (`changed_since`)."""
    series_id = await catalogue.series("Old")
    first, later = uuid.uuid4(), uuid.uuid4()
    await run(db, series_id, first, summary="First", year=1989)
    await run(db, series_id, later, summary="Later")

    outcome = await revert_run(db, first, user_id=USER)

    assert outcome.restored == 1  # year
    assert outcome.skipped == (
        RevertSkip("series", series_id, "summary", RevertSkipReason.CHANGED_SINCE),
    )
    assert outcome.skipped[0].to_json()["message"] == "Changed since the run"
    assert (await catalogue.row(SeriesMetadata, series_id)).summary == "Later"


async def test_a_value_changed_away_and_back_is_skipped(db: Database, catalogue: Catalogue) -> None:
    """Checklist: changed away and back still has a later audit row → `changed_since`."""
    series_id = await catalogue.series()
    first = uuid.uuid4()
    await run(db, series_id, first, summary="A")
    await run(db, series_id, uuid.uuid4(), summary="B")
    await run(db, series_id, uuid.uuid4(), summary="A")
    outcome = await revert_run(db, first, user_id=USER)
    assert [s.reason for s in outcome.skipped] == [RevertSkipReason.CHANGED_SINCE]


async def test_an_unaudited_change_is_caught_by_the_comparator(
    db: Database, catalogue: Catalogue
) -> None:
    """§6.2: current projection ≠ the run's `after` → `changed_since` even without an audit row."""
    series_id = await catalogue.series()
    run_id = uuid.uuid4()
    await run(db, series_id, run_id, summary="A")
    async with db.write() as session:
        await session.execute(
            update(SeriesMetadata).where(SeriesMetadata.series_id == series_id).values(summary="Z")
        )
    outcome = await revert_run(db, run_id, user_id=USER)
    assert [s.reason for s in outcome.skipped] == [RevertSkipReason.CHANGED_SINCE]


async def test_revert_skips_a_field_locked_now(db: Database, catalogue: Catalogue) -> None:
    """Checklist: revert skips a field locked now (`locked`)."""
    series_id = await catalogue.series()
    run_id = uuid.uuid4()
    await run(db, series_id, run_id, summary="A")
    async with db.write() as session:
        await session.execute(
            update(SeriesMetadata)
            .where(SeriesMetadata.series_id == series_id)
            .values(summary_lock=True)
        )
    outcome = await revert_run(db, run_id, user_id=USER)
    assert outcome.skipped[0].to_json() == {
        "entityType": "series",
        "entityId": str(series_id),
        "field": "summary",
        "reason": "locked",
        "message": "Field is locked",
    }


async def test_a_cover_is_not_revertible(
    db: Database, catalogue: Catalogue, covers: CoverStore, image_server: ImageServer
) -> None:
    """Checklist: an unchanged coverUrl is skipped `not_revertible`."""
    series_id = await catalogue.series()
    run_id = uuid.uuid4()
    url = image_server.serve("/c.png", Route(body=png_bytes()))
    await run(db, series_id, run_id, covers=covers, coverUrl=url)
    outcome = await revert_run(db, run_id, user_id=USER)
    assert outcome.summary_json() == {
        "restored": 0,
        "skipped": 1,
        "failed": 0,
        "skippedByReason": {"not_revertible": 1},
        "skippedItems": [
            {
                "entityType": "series",
                "entityId": str(series_id),
                "field": "coverUrl",
                "reason": "not_revertible",
                "message": "Cover changes are not revertable",
            }
        ],
    }


async def test_revert_leaves_provenance_alone(db: Database, catalogue: Catalogue) -> None:
    """Checklist: revert leaves the `plugin:<name>` id and its last_synced_at unchanged."""
    series_id = await catalogue.series()
    run_id = uuid.uuid4()
    await run(db, series_id, run_id, summary="A")
    query = select(SeriesExternalId).where(SeriesExternalId.source == "plugin:stub")
    [before] = await catalogue.rows(query)
    await revert_run(db, run_id, user_id=USER)
    [after] = await catalogue.rows(query)
    assert (after.external_id, after.last_synced_at) == (before.external_id, before.last_synced_at)


async def test_by_source_fields_restore_or_delete_per_source(
    db: Database, catalogue: Catalogue
) -> None:
    """§6.2 step 3: each source in `after` gets its `before` back, or is deleted."""
    series_id = await catalogue.series()
    await run(
        db,
        series_id,
        uuid.uuid4(),
        externalRatings=[{"source": "MAL", "score": 70, "voteCount": 5}],
        externalIds=[{"source": "mal", "externalId": "1"}],
    )
    run_id = uuid.uuid4()
    await run(
        db,
        series_id,
        run_id,
        externalRatings=[{"source": "MAL", "score": 90}, {"source": "MU", "score": 60}],
        externalIds=[
            {"source": "mal", "externalId": "2"},
            {"source": "anilist", "externalId": "3"},
        ],
    )

    outcome = await revert_run(db, run_id, user_id=USER)

    assert (outcome.restored, outcome.skipped) == (2, ())
    ratings = await catalogue.rows(
        select(SeriesExternalRating).where(SeriesExternalRating.series_id == series_id)
    )
    assert [(r.source, r.score, r.vote_count) for r in ratings] == [("mal", 70.0, 5)]
    ids = await catalogue.rows(
        select(SeriesExternalId).where(
            SeriesExternalId.series_id == series_id, SeriesExternalId.source.like("api:%")
        )
    )
    assert [(i.source, i.external_id) for i in ids] == [("api:mal", "1")]


async def test_a_deleted_entity_is_skipped(db: Database, catalogue: Catalogue) -> None:
    series_id = await catalogue.series()
    run_id = uuid.uuid4()
    await run(db, series_id, run_id, summary="A")
    async with db.write() as session:
        await session.execute(delete(Series).where(Series.id == series_id))
    outcome = await revert_run(db, run_id, user_id=USER)
    assert [s.reason for s in outcome.skipped] == [RevertSkipReason.ENTITY_MISSING]
    assert outcome.skipped[0].reason.message == "Entity no longer exists"


async def test_progress_counts_entities(db: Database, catalogue: Catalogue) -> None:
    run_id = uuid.uuid4()
    for name in ("A", "B"):
        await run(db, await catalogue.series(name), run_id, summary="S")
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    outcome = await revert_run(db, run_id, user_id=USER, on_progress=progress)
    assert outcome.restored == 2 and seen == [(1, 2), (2, 2)]
