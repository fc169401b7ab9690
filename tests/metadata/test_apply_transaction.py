"""One transaction per item, provenance, audit rows and the dry-run invariant (metadata §4.8,
§4.9, §4.11, §6.1)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, event, select, update
from tests.metadata.conftest import (
    Catalogue,
    ImageServer,
    Route,
    make_plugin,
    png_bytes,
    snapshot,
)

from colophon.db.database import Database, sync_url
from colophon.metadata.apply import apply_series_metadata
from colophon.metadata.covers import CoverStore
from colophon.metadata.models import MetadataChange, SeriesExternalId, SeriesMetadata
from colophon.metadata.payloads import normalise_series_payload
from colophon.metadata.plan import ApplyResult

RUN_ID = uuid.uuid4()


async def apply(
    db: Database,
    series_id: uuid.UUID,
    *,
    plugin: Any = None,
    dry_run: bool = False,
    covers: CoverStore | None = None,
    fields: frozenset[str] | None = None,
    **payload: Any,
) -> ApplyResult:
    normalised = normalise_series_payload(
        {"externalId": "42", "externalUrl": "https://p.example/42", **payload}
    )
    return await apply_series_metadata(
        db,
        series_id,
        plugin or make_plugin(),
        normalised,
        fields=fields,
        dry_run=dry_run,
        run_id=RUN_ID,
        covers=covers,
    )


async def provenance(catalogue: Catalogue, series_id: uuid.UUID) -> list[SeriesExternalId]:
    return await catalogue.rows(
        select(SeriesExternalId).where(
            SeriesExternalId.series_id == series_id, SeriesExternalId.source == "plugin:stub"
        )
    )


async def test_provenance_is_stamped_even_when_nothing_changed(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: a real apply upserts `plugin:<name>` with last_synced_at = now."""
    series_id = await catalogue.series("Berserk", title_sort="Berserk")
    now = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        result = await apply(db, series_id, title="Berserk")
    assert result.applied == () and result.unchanged == ("title", "titleSort")
    [row] = await provenance(catalogue, series_id)
    assert (row.external_id, row.external_url, row.last_synced_at) == (
        "42",
        "https://p.example/42",
        now,
    )
    # Provenance is bookkeeping: no audit row (§4.8).
    assert await catalogue.rows(select(MetadataChange)) == []


async def test_each_applied_field_writes_one_matching_audit_row(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: one audit row per change, source plugin:<name>, run id and library id."""
    series_id = await catalogue.series("Old")
    result = await apply(db, series_id, title="New", year=1989, genres=["Action"])
    rows: list[MetadataChange] = await catalogue.rows(
        select(MetadataChange).order_by(MetadataChange.id)
    )
    assert [(r.field, r.before, r.after) for r in rows] == [
        (c.field, c.before, c.after) for c in result.changes
    ]
    assert [r.field for r in rows] == ["title", "titleSort", "year", "genres"]
    assert {(r.source, r.run_id, r.library_id, r.entity_type, r.entity_id) for r in rows} == {
        ("plugin:stub", RUN_ID, catalogue.library_id, "series", series_id)
    }
    assert all(r.user_id is None for r in rows)


async def test_an_injected_database_error_leaves_nothing_written(
    db: Database, catalogue: Catalogue
) -> None:
    """Checklist: an error after the first field write leaves no field, audit or provenance."""
    series_id = await catalogue.series("Old")
    state_before = await snapshot(db)

    def fail_on_audit(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO METADATA_CHANGES"):
            raise RuntimeError("injected failure")

    event.listen(db.write_engine.sync_engine, "before_cursor_execute", fail_on_audit)
    try:
        with pytest.raises(Exception, match="injected failure"):
            await apply(db, series_id, title="New", summary="S", genres=["Action"])
    finally:
        event.remove(db.write_engine.sync_engine, "before_cursor_execute", fail_on_audit)
    assert await snapshot(db) == state_before


async def test_a_failed_item_deletes_the_cover_file_it_wrote(
    db: Database,
    catalogue: Catalogue,
    covers: CoverStore,
    image_server: ImageServer,
) -> None:
    """§4.9 step 8: the downloaded file of a rolled-back apply is deleted."""
    series_id = await catalogue.series()
    url = image_server.serve("/c.png", Route(body=png_bytes()))

    def fail_on_audit(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO METADATA_CHANGES"):
            raise RuntimeError("injected failure")

    event.listen(db.write_engine.sync_engine, "before_cursor_execute", fail_on_audit)
    try:
        with pytest.raises(Exception, match="injected failure"):
            await apply(db, series_id, covers=covers, coverUrl=url)
    finally:
        event.remove(db.write_engine.sync_engine, "before_cursor_execute", fail_on_audit)
    assert list(covers.data_dir.glob("covers/**/*.png")) == []


async def test_a_lock_set_during_the_download_is_honoured(
    db: Database,
    catalogue: Catalogue,
    covers: CoverStore,
    image_server: ImageServer,
) -> None:
    """Checklist: a lock set between planning and the transaction is honoured."""
    series_id = await catalogue.series(summary="Mine")
    engine = create_engine(sync_url(db.url))

    def user_locks_summary() -> None:
        # Runs while the applier waits for the cover: after its first plan, before its write.
        with engine.begin() as connection:
            connection.execute(
                update(SeriesMetadata)
                .where(SeriesMetadata.series_id == series_id)
                .values(summary_lock=True)
            )

    url = image_server.serve("/c.png", Route(body=png_bytes(), on_request=user_locks_summary))
    try:
        result = await apply(db, series_id, covers=covers, coverUrl=url, summary="Theirs")
    finally:
        engine.dispose()
    assert result.applied == ("coverUrl",)
    assert [(s.field, s.reason) for s in result.skipped] == [("summary", "Field is locked")]
    assert (await catalogue.row(SeriesMetadata, series_id)).summary == "Mine"


async def test_a_dry_run_changes_no_row(db: Database, catalogue: Catalogue) -> None:
    """Checklist: a dry run changes no row (genres and tags tables included)."""
    series_id = await catalogue.series("Old")
    before = await snapshot(db)
    result = await apply(
        db,
        series_id,
        dry_run=True,
        title="New",
        genres=["Action"],
        tags=["Swords"],
        externalIds=[{"source": "mal", "externalId": "2"}],
        rating={"source": "mal", "score": 80},
    )
    assert result.applied == ("title", "titleSort", "rating", "tags", "genres", "externalIds")
    assert await snapshot(db) == before


# --- the dry-run invariant as a property --------------------------------------------------

payloads = st.fixed_dictionaries(
    {},
    optional={
        "title": st.sampled_from(["Berserk", "  Berserk ", "Vagabond", ""]),
        "summary": st.sampled_from(["Guts", "Other", None]),
        "year": st.sampled_from([1989, 1989.0, 2.5, True, 0]),
        "status": st.sampled_from(["Completed", "ended", "finished"]),
        "totalChapterCount": st.sampled_from([109, 109.0, 364]),
        "genres": st.lists(st.sampled_from(["Action", "action", "Drama", "Horror"]), max_size=3),
        "tags": st.lists(st.sampled_from(["Swords", "Dark"]), max_size=2),
        "authors": st.lists(st.sampled_from(["A", "B", {"name": "C", "role": "x"}]), max_size=2),
        "alternateTitles": st.lists(
            st.fixed_dictionaries(
                {"title": st.sampled_from(["T1", "T2"]), "language": st.just("en")}
            ),
            max_size=2,
        ),
        "rating": st.fixed_dictionaries(
            {"source": st.sampled_from(["AniList", "MAL"]), "score": st.sampled_from([80, 90, 120])}
        ),
        "externalRatings": st.lists(
            st.fixed_dictionaries(
                {"source": st.sampled_from(["MAL", "MU"]), "score": st.sampled_from([70, 75.5])}
            ),
            max_size=2,
        ),
        "externalIds": st.lists(
            st.fixed_dictionaries(
                {
                    "source": st.sampled_from(["AniList", "mal"]),
                    "externalId": st.sampled_from(["1", "2"]),
                }
            ),
            max_size=2,
        ),
        "externalLinks": st.lists(
            st.fixed_dictionaries(
                {"label": st.sampled_from(["A", "B"]), "url": st.just("https://x.example/1")}
            ),
            max_size=2,
        ),
        "publisher": st.sampled_from(["Dark Horse", "Hakusensha"]),
        "language": st.sampled_from(["ja", "EN", "english!"]),
    },
)
permission_sets = st.sampled_from(
    [("metadata:write:*",), ("metadata:write:title", "metadata:write:genres"), ()]
)
lock_sets = st.sets(st.sampled_from(["title_lock", "title_sort_lock", "genres_lock", "year_lock"]))
filters = st.one_of(
    st.none(), st.sets(st.sampled_from(["title", "titleSort", "genres", "rating", "year"]))
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    earlier=payloads,
    payload=payloads,
    granted=permission_sets,
    locks=lock_sets,
    fields=filters,
)
async def test_a_dry_run_predicts_the_real_run_and_writes_nothing(
    db: Database,
    catalogue: Catalogue,
    earlier: dict[str, Any],
    payload: dict[str, Any],
    granted: tuple[str, ...],
    locks: set[str],
    fields: set[str] | None,
) -> None:
    """§4.11 / checklist: same applied, unchanged, skipped and changes; zero writes."""
    series_id = await catalogue.series("Berserk")
    await apply(db, series_id, **earlier)  # some stored state to compare against
    async with db.write() as session:
        await session.execute(
            update(SeriesMetadata)
            .where(SeriesMetadata.series_id == series_id)
            .values({lock: True for lock in locks} or {"summary_lock": False})
        )
    plugin = make_plugin(*granted) if granted else make_plugin("metadata:read")
    filter_set = frozenset(fields) if fields is not None else None
    before = await snapshot(db)

    preview = await apply(db, series_id, plugin=plugin, fields=filter_set, dry_run=True, **payload)
    assert await snapshot(db) == before
    real = await apply(db, series_id, plugin=plugin, fields=filter_set, **payload)

    assert preview.to_json() == real.to_json()


async def test_the_audit_clock_is_the_apply_instant(db: Database, catalogue: Catalogue) -> None:
    series_id = await catalogue.series()
    now = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        await apply(db, series_id, summary="S")
    [row] = await catalogue.rows(select(MetadataChange))
    assert row.created_at == now
    metadata = await catalogue.row(SeriesMetadata, series_id)
    assert abs(metadata.updated_at - now) < timedelta(seconds=1)
