"""GET …/covers, PUT …/covers/selected and POST …/covers (platform §8.2, metadata §1.7, §7.4)."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from httpx import Response
from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from colophon.library.models import Book
from colophon.metadata.models import BookCover, MetadataChange, SeriesCover
from colophon.runtime import Runtime
from tests.conftest import ApiClient
from tests.covers.conftest import cbz, image_bytes
from tests.metadata_api.factories import Catalogue, series_row


async def _upload(
    client: ApiClient, url: str, data: bytes, *, lock: bool | None = None, name: str = "c.png"
) -> Response:
    form = {} if lock is None else {"lock": "true" if lock else "false"}
    return await client.post(url, files={"file": (name, data, "image/png")}, data=form)


def _color(data: bytes) -> tuple[int, ...]:
    with Image.open(io.BytesIO(data)) as image:
        pixel = image.convert("RGB").getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return pixel


async def test_an_upload_stores_a_selected_custom_cover(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    series_id = await catalogue.series()
    data = image_bytes("green", size=(30, 45))
    sha256 = hashlib.sha256(data).hexdigest()

    response = await _upload(admin, f"/api/v1/series/{series_id}/covers", data)

    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: body[k] for k in ("source", "sourceUrl", "format", "width", "height")} == {
        "source": "custom", "sourceUrl": None, "format": "png", "width": 30, "height": 45,
    }  # fmt: skip
    assert body["isSelected"] is True
    stored = app_runtime.settings.data_path / f"covers/series/{series_id}/{sha256}.png"
    assert stored.read_bytes() == data
    assert (await series_row(app_runtime.db, series_id)).cover_lock is True
    listed = (await admin.get(f"/api/v1/series/{series_id}/covers")).json()
    assert listed == {"items": [body], "nextCursor": None}
    assert (await admin.get(f"/api/v1/series/{series_id}/cover")).content == data
    assert (await admin.get(f"/api/v1/series/{series_id}/covers/{body['id']}")).content == data


async def test_the_same_upload_twice_reuses_its_row(admin: ApiClient, catalogue: Catalogue) -> None:
    """Metadata §1.7: UNIQUE (entity, source, sha256)."""
    book_id = await catalogue.book()
    data = image_bytes("green")

    first = (await _upload(admin, f"/api/v1/books/{book_id}/covers", data)).json()
    second = (await _upload(admin, f"/api/v1/books/{book_id}/covers", data)).json()

    assert first["id"] == second["id"]
    assert len((await admin.get(f"/api/v1/books/{book_id}/covers")).json()["items"]) == 1


async def test_selecting_a_cover_moves_the_selection_and_sets_the_lock(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """§7.4: selecting a cover through the cover API sets the `cover` lock."""
    series_id = await catalogue.series()
    url = f"/api/v1/series/{series_id}/covers"
    red = (await _upload(admin, url, image_bytes("red"), lock=False)).json()
    blue = (await _upload(admin, url, image_bytes("blue"), lock=False)).json()
    assert (await series_row(app_runtime.db, series_id)).cover_lock is False
    subscription = app_runtime.bus.subscribe({"entities"})

    response = await admin.put(f"{url}/selected", json={"coverId": red["id"]})

    assert response.status_code == 200
    selected = {item["id"]: item["isSelected"] for item in response.json()["items"]}
    assert selected == {red["id"]: True, blue["id"]: False}
    assert (await series_row(app_runtime.db, series_id)).cover_lock is True
    event = subscription.queue.get_nowait().data
    assert (event["type"], event["entityType"], event["entityId"], event["libraryId"]) == (
        "cover.updated", "series", str(series_id), str(catalogue.library_id),
    )  # fmt: skip
    # Selection is not audited (metadata §6.1).
    async with app_runtime.db.read() as session:
        assert (await session.execute(select(MetadataChange.id))).all() == []


async def test_lock_false_selects_without_locking(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    book_id = await catalogue.book()
    url = f"/api/v1/books/{book_id}/covers"
    red = (await _upload(admin, url, image_bytes("red"), lock=False)).json()
    await _upload(admin, url, image_bytes("blue"), lock=False)

    response = await admin.put(f"{url}/selected", json={"coverId": red["id"], "lock": False})

    assert [i["isSelected"] for i in response.json()["items"] if i["id"] == red["id"]] == [True]
    metadata = (await admin.get(f"/api/v1/books/{book_id}/metadata")).json()
    assert metadata["locks"]["cover"] is False


async def test_a_new_selection_regenerates_the_thumbnail(
    admin: ApiClient, catalogue: Catalogue
) -> None:
    """Platform §8.2: the cached thumbnail is dropped when the selection changes."""
    cbz(catalogue.root / "T" / "v1.cbz", {"1.png": image_bytes("red")})
    series_id = await catalogue.series("T")
    await catalogue.book(series_id, path="T/v1.cbz")
    thumb = f"/api/v1/series/{series_id}/cover?size=thumb"
    assert _color((await admin.get(thumb)).content)[0] > 200  # red, from the book

    green = await _upload(admin, f"/api/v1/series/{series_id}/covers", image_bytes("green"))
    assert _color((await admin.get(thumb)).content)[1] > 100  # green: the upload is selected
    await _upload(admin, f"/api/v1/series/{series_id}/covers", image_bytes("blue"))
    assert _color((await admin.get(thumb)).content)[2] > 200  # blue: the newer upload
    await admin.put(
        f"/api/v1/series/{series_id}/covers/selected", json={"coverId": green.json()["id"]}
    )

    assert _color((await admin.get(thumb)).content)[1] > 100  # green again, not a stale blue


async def test_selecting_an_unknown_cover_is_404(admin: ApiClient, catalogue: Catalogue) -> None:
    series_id = await catalogue.series()
    other = await catalogue.series("Other")
    foreign = (await _upload(admin, f"/api/v1/series/{other}/covers", image_bytes())).json()

    for cover_id in (str(uuid.uuid4()), foreign["id"]):
        response = await admin.put(
            f"/api/v1/series/{series_id}/covers/selected", json={"coverId": cover_id}
        )
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "message": "cover not found"}


async def test_an_upload_that_is_not_an_image_is_refused(
    admin: ApiClient, catalogue: Catalogue, app_runtime: Runtime
) -> None:
    series_id = await catalogue.series()
    url = f"/api/v1/series/{series_id}/covers"
    bmp = io.BytesIO()
    Image.new("RGB", (4, 4)).save(bmp, format="BMP")

    garbage = await _upload(admin, url, b"not an image at all")
    wrong_format = await _upload(admin, url, bmp.getvalue())

    assert garbage.status_code == wrong_format.status_code == 400
    assert garbage.json()["errors"] == [{"field": "file", "message": "not a decodable image"}]
    assert wrong_format.json()["message"] == "unsupported image format 'BMP'"
    assert (await admin.get(f"{url}")).json()["items"] == []
    assert not (app_runtime.settings.data_path / "covers").exists()


async def test_an_upload_over_20_mib_is_refused(admin: ApiClient, catalogue: Catalogue) -> None:
    book_id = await catalogue.book()
    oversized = image_bytes() + b"\0" * (20 * 1024 * 1024)

    response = await _upload(admin, f"/api/v1/books/{book_id}/covers", oversized)

    assert response.status_code == 400
    assert response.json()["message"] == "cover is larger than 20 MiB"


async def test_a_reader_cannot_upload_or_select(reader: ApiClient, catalogue: Catalogue) -> None:
    series_id = await catalogue.series()
    book_id = await catalogue.book(series_id)

    for path, entity_id in (("series", series_id), ("books", book_id)):
        upload = await _upload(reader, f"/api/v1/{path}/{entity_id}/covers", image_bytes())
        select_ = await reader.put(
            f"/api/v1/{path}/{entity_id}/covers/selected", json={"coverId": str(uuid.uuid4())}
        )
        assert upload.status_code == select_.status_code == 403
        assert upload.json()["requiredPermission"] == f"{path}:write"


@pytest.mark.parametrize("model", [SeriesCover, BookCover])
async def test_the_partial_unique_index_rejects_a_second_selected_cover(
    model: type[SeriesCover] | type[BookCover], catalogue: Catalogue, app_runtime: Runtime
) -> None:
    """Checklist: the partial unique index rejects a second selected cover for one entity."""
    book_id = await catalogue.book()
    async with app_runtime.db.read() as session:
        series_id = await session.scalar(select(Book.series_id).where(Book.id == book_id))
    key = {"series_id": series_id} if model is SeriesCover else {"book_id": book_id}

    def cover(sha: str, selected: bool) -> SeriesCover | BookCover:
        return model(
            **key, source="custom", path=f"covers/x/{sha}.png", sha256=sha, format="png",
            width=1, height=1, is_selected=selected,
        )  # fmt: skip

    async with app_runtime.db.write() as session:
        session.add_all([cover("a" * 64, True), cover("b" * 64, False)])
    with pytest.raises(IntegrityError):
        async with app_runtime.db.write() as session:
            session.add(cover("c" * 64, True))
    async with app_runtime.db.read() as session:
        selected = (await session.execute(select(model.sha256).where(model.is_selected))).all()
    assert [row[0] for row in selected] == ["a" * 64]
