"""Cover images from book files and their thumbnails (platform §8.2 point 6); all blocking.

The first image of a CBZ (entries in natural order) or the cover an EPUB's package names is
read straight from the file; callers run these functions in a worker thread.
"""

from __future__ import annotations

import io
import os
import posixpath
import uuid
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from PIL import Image

from colophon.library.service import natural_key

THUMBNAIL_WIDTH_PX = 320
# An archive entry larger than this is not a page anyone wants as a cover; it stops a crafted
# archive from filling memory.
MAX_EXTRACTED_BYTES = 50 * 1024 * 1024
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif")
FORMAT_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, KeyError)
IMAGE_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)

_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"


@dataclass(frozen=True, slots=True)
class ExtractedImage:
    """Image bytes with the file extension of their decoded format."""

    data: bytes
    extension: str


def media_type_of(path: Path) -> str:
    """The image media type of a cover or cache file, by its extension."""
    return MEDIA_TYPES.get(path.suffix.lstrip(".").lower(), "application/octet-stream")


def extract_cover(book_file: Path, file_format: str) -> ExtractedImage | None:
    """The cover inside a CBZ or EPUB, or None when the file has none or cannot be read."""
    try:
        with zipfile.ZipFile(book_file) as archive:
            entry = _cbz_first_image(archive) if file_format == "cbz" else _epub_cover(archive)
            if entry is None:
                return None
            data = _read_entry(archive, entry)
    except ARCHIVE_ERRORS:
        return None
    if data is None:
        return None
    extension = image_extension(data)
    return None if extension is None else ExtractedImage(data, extension)


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes | None:
    with archive.open(name) as entry:
        data = entry.read(MAX_EXTRACTED_BYTES + 1)
    return None if len(data) > MAX_EXTRACTED_BYTES else data


def _cbz_first_image(archive: zipfile.ZipFile) -> str | None:
    images = [
        info.filename
        for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(IMAGE_EXTENSIONS)
        and not _is_hidden(info.filename)
    ]
    return min(images, key=natural_key) if images else None


def _is_hidden(name: str) -> bool:
    # macOS archivers add __MACOSX/._page.jpg resource forks that are not images.
    return any(part.startswith((".", "__MACOSX")) for part in name.split("/"))


def _epub_cover(archive: zipfile.ZipFile) -> str | None:
    container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    package_path = None if rootfile is None else rootfile.get("full-path")
    if not package_path:
        return None
    package = ElementTree.fromstring(archive.read(package_path))
    href = _cover_href(package)
    if href is None:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(package_path), unquote(href)))


def _cover_href(package: Element) -> str | None:
    """EPUB 3 `cover-image` item, else the EPUB 2 `<meta name="cover">` item, else none."""
    items = package.findall(f"./{_OPF}manifest/{_OPF}item")
    for item in items:
        if "cover-image" in (item.get("properties") or "").split():
            return item.get("href")
    for meta in package.iter(f"{_OPF}meta"):
        if meta.get("name") == "cover":
            wanted = meta.get("content")
            for item in items:
                if item.get("id") == wanted and (item.get("media-type") or "").startswith("image/"):
                    return item.get("href")
    return None


def image_extension(data: bytes) -> str | None:
    """The extension of a JPEG, PNG, WEBP or GIF image, or None for anything else."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return FORMAT_EXTENSIONS.get(image.format or "")
    except IMAGE_ERRORS:
        return None


def make_thumbnail(source: Path) -> bytes | None:
    """A JPEG at most THUMBNAIL_WIDTH_PX wide (never enlarged), or None if undecodable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                image.thumbnail((THUMBNAIL_WIDTH_PX, image.height))
                flat = _on_white(image)
    except (*IMAGE_ERRORS, Image.DecompressionBombWarning):
        return None
    buffer = io.BytesIO()
    flat.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    # JPEG has no alpha: transparent PNG, WEBP and GIF covers are flattened onto white.
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def write_atomically(target: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a reader never sees half a cache file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
