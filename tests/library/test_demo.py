"""The demo tree of `colophon demo` (platform §10.1 step 1)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from colophon.library.demo import create_demo_tree
from tests.library.conftest import LibraryFactory


def tree_snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_the_demo_tree_has_three_series_of_two_cbz_and_one_series_json(tmp_path: Path) -> None:
    create_demo_tree(tmp_path / "demo")

    files = sorted(str(p.relative_to(tmp_path / "demo")) for p in (tmp_path / "demo").rglob("*.*"))
    cbz = [f for f in files if f.endswith(".cbz")]
    assert len(cbz) == 6
    assert len({f.split("/")[0] for f in cbz}) == 3
    assert [f for f in files if f.endswith("series.json")] == ["Harbour Lights/series.json"]
    with zipfile.ZipFile(tmp_path / "demo" / cbz[0]) as archive:
        names = archive.namelist()
    assert "ComicInfo.xml" in names
    assert [n for n in names if n.endswith(".png")] == ["001.png", "002.png", "003.png"]
    document = json.loads((tmp_path / "demo" / "Harbour Lights" / "series.json").read_text())
    assert document["metadata"]["name"] == "Harbour Lights"


def test_creating_the_demo_tree_twice_changes_nothing(tmp_path: Path) -> None:
    create_demo_tree(tmp_path / "demo")
    first = tree_snapshot(tmp_path / "demo")

    create_demo_tree(tmp_path / "demo")

    assert tree_snapshot(tmp_path / "demo") == first


def test_a_missing_demo_book_is_recreated(tmp_path: Path) -> None:
    create_demo_tree(tmp_path / "demo")
    victim = next((tmp_path / "demo").rglob("*.cbz"))
    victim.unlink()

    create_demo_tree(tmp_path / "demo")

    assert victim.exists()


async def test_scanning_the_demo_tree_fills_titles_from_series_json_and_comicinfo(
    make_library: LibraryFactory, tmp_path: Path
) -> None:
    create_demo_tree(tmp_path / "demo")
    library = await make_library(tmp_path / "demo", name="Demo")

    result = await library.scan()

    assert (result.tally.series_added, result.tally.books_added, result.tally.errors) == (3, 6, 0)
    titles = {path: (await library.series_metadata(path)).title for path in await library.series()}
    assert titles == {
        "Clockwork Fox": "The Clockwork Fox",
        "Harbour Lights": "Harbour Lights",
        "Starfall Academy": "Starfall Academy",
    }
    assert (await library.series_metadata("Starfall Academy")).reading_direction == "rtl"
    assert {book.page_count for book in (await library.books()).values()} == {3}
