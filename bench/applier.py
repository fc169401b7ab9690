"""Applier throughput (metadata §4): series applied per second with a full payload.

A catalogue of 10,000 series (title only, as a fresh scan leaves them) on SQLite and on a
throw-away PostgreSQL cluster; the applier then writes a full series payload (every field of
the catalog but the cover, 10 genres, 20 tags, ratings, ids, links, alternate titles) onto
the first N of them one after the other, each in its own transaction, as a job run does.
Dry-run plans the same items and writes nothing; re-apply sends the same payloads again,
the usual scheduled refresh where nothing changed (provenance and `updated_at` only).
`--profile` prints the top of a cProfile of the SQLite real apply.

    .venv/bin/python bench/applier.py [--catalogue 10000] [--items 2000] [--profile]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/queue.py would shadow the standard library's queue module; tests.pg_cluster is needed.
REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import pstats  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402

import psycopg  # noqa: E402
from bench.jobs import insert_identified_series  # noqa: E402
from tests.pg_cluster import start_cluster  # noqa: E402

from colophon.db.database import Database  # noqa: E402
from colophon.db.migrate import upgrade_to_head  # noqa: E402
from colophon.library.models import Library  # noqa: E402
from colophon.metadata.apply import ApplyingPlugin, apply_series_metadata  # noqa: E402
from colophon.metadata.payloads import NormalisedPayload, normalise_series_payload  # noqa: E402
from colophon.metadata.permissions import PluginPermissions  # noqa: E402

PLUGIN = ApplyingPlugin("bench", PluginPermissions.from_stored(["metadata:write:*"]))


def full_payload(index: int) -> NormalisedPayload:
    """Every series field but the cover; values differ per series so every field changes."""
    return normalise_series_payload(
        {
            "externalId": f"bench-{index}",
            "externalUrl": f"https://example.org/series/{index}",
            "title": f"Benchmark Series {index}",
            "alternateTitles": [
                {"label": "en", "title": f"Bench {index}"},
                {"label": "ja", "title": f"ベンチ {index}"},
            ],
            "summary": f"The summary of series {index}. " * 20,
            "authors": [
                {"name": f"Writer {index % 97}", "role": "writer"},
                {"name": f"Artist {index % 89}", "role": "artist"},
            ],
            "status": "ongoing",
            "year": 1980 + index % 40,
            "totalVolumeCount": 10 + index % 30,
            "totalChapterCount": 100 + index % 300,
            "rating": {"score": 50 + index % 50, "voteCount": 1000 + index},
            "externalRatings": [{"source": "mal", "score": 60 + index % 40, "voteCount": index}],
            "genres": [f"Genre {(index + g) % 25}" for g in range(10)],
            "tags": [f"Tag {(index + t) % 120}" for t in range(20)],
            "ageRating": 13,
            "language": "ja",
            "readingDirection": "rtl",
            "publisher": f"Publisher {index % 15}",
            "externalIds": [{"source": "api:mal", "externalId": str(100000 + index)}],
            "externalLinks": [{"source": "mal", "url": f"https://mal.example/{index}"}],
        }
    )


async def seed(db: Database, count: int) -> list[uuid.UUID]:
    """`count` series with a title-only metadata row (and an echo id), in bulk."""
    library_id = uuid.uuid4()
    async with db.write() as session:
        session.add(Library(id=library_id, name="Bench", root_path="/bench"))
    return await insert_identified_series(db, library_id, count)


async def apply_all(
    db: Database, targets: list[uuid.UUID], payloads: list[NormalisedPayload], *, dry_run: bool
) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and the number of applied fields over every target."""
    applied = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for series_id, payload in zip(targets, payloads, strict=True):
        result = await apply_series_metadata(
            db, series_id, PLUGIN, payload, fields=None, dry_run=dry_run
        )
        applied += len(result.applied)
    return time.perf_counter() - wall, time.process_time() - cpu, applied


async def bench_backend(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    upgrade_to_head(url)
    db = Database(url)
    try:
        ids = await seed(db, args.catalogue)
        targets = ids[: args.items]
        payloads = [full_payload(i) for i in range(len(targets))]
        await apply_all(db, targets[:50], payloads[:50], dry_run=True)  # warm caches
        dry = await apply_all(db, targets, payloads, dry_run=True)
        profiler = cProfile.Profile() if args.profile and label == "SQLite" else None
        if profiler:
            profiler.enable()
        real = await apply_all(db, targets, payloads, dry_run=False)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        again = await apply_all(db, targets, payloads, dry_run=False)
    finally:
        await db.dispose()
    fields = real[2] / len(targets)
    for mode, (wall, cpu, _) in (("dry-run", dry), ("real apply", real), ("re-apply", again)):
        print(
            f"{label:10} {mode:10}: {len(targets) / wall:7.0f} series/s "
            f"({len(targets)} in {wall:.2f} s wall, {cpu / len(targets) * 1000:.2f} ms CPU/series)"
        )
    print(f"{label:10} {fields:.0f} fields applied per series (target ≥ 500 series/s real)")
    return {"dry": dry, "real": real, "again": again}


def pg_database(admin_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        await bench_backend("SQLite", f"sqlite:///{Path(scratch) / 'bench.db'}", args)
    if args.sqlite_only:
        return
    cluster = start_cluster()
    if cluster is None:
        sys.exit("PostgreSQL binaries not found: cannot run the PostgreSQL case")
    try:
        await bench_backend("PostgreSQL", pg_database(cluster.url("postgres")), args)
    finally:
        cluster.stop()


if __name__ == "__main__":
    asyncio.run(main())
