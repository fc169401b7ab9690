"""GET …/cover[?size=thumb]: the selected cover, else the first book's image (platform §8.2)."""

from __future__ import annotations

import io
import uuid

from PIL import Image

from colophon.metadata.models import SeriesCover
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.covers.conftest import cbz, epub, image_bytes
from tests.metadata_api.factories import Catalogue


def _color(data: bytes) -> tuple[int, ...]:
    with Image.open(io.BytesIO(data)) as image:
        pixel = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
    assert isinstance(pixel, tuple)
    return pixel


async def test_a_cbz_book_shows_its_first_page_in_natural_order(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    first_page = image_bytes("green")
    cbz(
        catalogue.root / "Berserk" / "v01.cbz",
        {"p10.jpg": image_bytes("red", fmt="JPEG"), "p2.png": first_page, "notes.txt": b"x"},
    )
    series_id = await catalogue.series("Berserk")
    book_id = await catalogue.book(series_id, path="Berserk/v01.cbz")

    response = await admin.get(f"/api/v1/books/{book_id}/cover")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == first_page  # p2 comes before p10
    # Extracted once, then served from <dataDir>/cache/covers.
    cached = list((app_runtime.settings.data_path / "cache" / "covers").rglob("*.png"))
    assert [path.read_bytes() for path in cached] == [first_page]


async def test_a_series_shows_the_cover_of_its_first_book(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    cbz(catalogue.root / "S" / "Vol 10.cbz", {"a.png": image_bytes("red")})
    cbz(catalogue.root / "S" / "Vol 2.cbz", {"a.png": image_bytes("green")})
    series_id = await catalogue.series("S")
    await catalogue.book(series_id, path="S/Vol 10.cbz")
    await catalogue.book(series_id, path="S/Vol 2.cbz")

    response = await admin.get(f"/api/v1/series/{series_id}/cover")

    assert response.status_code == 200
    assert _color(response.content) == (0, 128, 0)  # Vol 2 sorts before Vol 10


async def test_an_epub_shows_the_cover_its_package_names(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    cover = image_bytes("yellow", fmt="JPEG")
    epub(catalogue.root / "N" / "book3.epub", cover)
    epub(catalogue.root / "N" / "book2.epub", cover, epub3=False)
    series_id = await catalogue.series("N")
    epub3 = await catalogue.book(series_id, path="N/book3.epub", file_format="epub")
    epub2 = await catalogue.book(series_id, path="N/book2.epub", file_format="epub")

    for book_id in (epub3, epub2):
        response = await admin.get(f"/api/v1/books/{book_id}/cover")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
        assert response.content == cover


async def test_the_thumbnail_is_320_px_wide(admin: ApiClient, catalogue: Catalogue) -> None:
    cbz(catalogue.root / "T" / "v1.cbz", {"1.png": image_bytes("red", size=(800, 1200))})
    series_id = await catalogue.series("T")
    await catalogue.book(series_id, path="T/v1.cbz")

    response = await admin.get(f"/api/v1/series/{series_id}/cover?size=thumb")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (320, 480))


async def test_a_small_cover_is_not_enlarged(admin: ApiClient, catalogue: Catalogue) -> None:
    cbz(catalogue.root / "U" / "v1.cbz", {"1.png": image_bytes("red", size=(100, 150))})
    book_id = await catalogue.book(path="U/v1.cbz")

    response = await admin.get(f"/api/v1/books/{book_id}/cover?size=thumb")

    with Image.open(io.BytesIO(response.content)) as thumb:
        assert thumb.size == (100, 150)


async def test_a_selected_cover_row_wins_over_the_book_image(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    cbz(catalogue.root / "V" / "v1.cbz", {"1.png": image_bytes("red")})
    series_id = await catalogue.series("V")
    await catalogue.book(series_id, path="V/v1.cbz")
    stored = image_bytes("blue")
    relative = f"covers/series/{series_id}/{'a' * 64}.png"
    (app_runtime.settings.data_path / relative).parent.mkdir(parents=True)
    (app_runtime.settings.data_path / relative).write_bytes(stored)
    async with app_runtime.db.write() as session:
        session.add(
            SeriesCover(
                series_id=series_id, source="plugin:x", path=relative, sha256="a" * 64,
                format="png", width=40, height=60, is_selected=True,
            )
        )  # fmt: skip

    response = await admin.get(f"/api/v1/series/{series_id}/cover")

    assert response.content == stored


async def test_no_cover_is_404(admin: ApiClient, catalogue: Catalogue) -> None:
    cbz(catalogue.root / "W" / "v1.cbz", {"ComicInfo.xml": b"<ComicInfo/>"})
    series_id = await catalogue.series("W")
    await catalogue.book(series_id, path="W/v1.cbz")
    await catalogue.book(series_id, path="W/missing.cbz")
    await catalogue.book(series_id, path="W/v2.pdf", file_format="pdf")

    for size in ("", "?size=thumb"):
        response = await admin.get(f"/api/v1/series/{series_id}/cover{size}")
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "message": "cover not found"}
    response = await admin.get(f"/api/v1/series/{uuid.uuid4()}/cover")
    assert response.json() == {"error": "not_found", "message": "series not found"}


async def test_a_reader_may_see_covers(reader: ApiClient, catalogue: Catalogue) -> None:
    """Platform §8.2: the cover endpoints need series:read / books:read only."""
    cbz(catalogue.root / "X" / "v1.cbz", {"1.png": image_bytes("red")})
    book_id = await catalogue.book(path="X/v1.cbz")

    assert (await reader.get(f"/api/v1/books/{book_id}/cover")).status_code == 200
    assert (await reader.get(f"/api/v1/books/{book_id}/covers")).status_code == 200
