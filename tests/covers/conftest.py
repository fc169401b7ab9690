"""Cover tests share the catalogue and personas of the editing tests, plus book files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from tests.metadata_api.conftest import catalogue, reader

__all__ = ["catalogue", "cbz", "epub", "image_bytes", "reader"]


def image_bytes(color: str = "red", size: tuple[int, int] = (40, 60), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def cbz(path: Path, pages: dict[str, bytes]) -> Path:
    """A CBZ holding `pages` in the given (not necessarily natural) order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in pages.items():
            archive.writestr(name, data)
    return path


def epub(path: Path, cover: bytes, *, epub3: bool = True) -> Path:
    """A minimal EPUB whose package names `images/cover.jpg` as its cover."""
    item_props = ' properties="cover-image"' if epub3 else ""
    meta = "" if epub3 else '<meta name="cover" content="cover-img"/>'
    package = f"""<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title>{meta}</metadata>
  <manifest>
    <item id="other" href="images/other.png" media-type="image/png"/>
    <item id="cover-img" href="images/cover.jpg" media-type="image/jpeg"{item_props}/>
  </manifest>
</package>"""
    container = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", package)
        archive.writestr("OEBPS/images/other.png", image_bytes("blue"))
        archive.writestr("OEBPS/images/cover.jpg", cover)
    return path
