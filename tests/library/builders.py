"""Build small book files for scanner tests: CBZ with ComicInfo, EPUB with an OPF, series.json."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image


def png_page(colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 6), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def comicinfo_xml(**fields: str) -> str:
    """A ComicInfo.xml document with one element per keyword (`Series="Saga"`)."""
    elements = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<ComicInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"{elements}</ComicInfo>"
    )


def write_cbz(
    path: Path,
    *,
    pages: int = 2,
    comicinfo: str | None = None,
    comicinfo_name: str = "ComicInfo.xml",
    extra_entries: dict[str, bytes] | None = None,
) -> Path:
    """A CBZ with ``pages`` PNG pages and, when given, a ComicInfo document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for page in range(1, pages + 1):
            archive.writestr(f"pages/{page:03d}.png", png_page())
        if comicinfo is not None:
            archive.writestr(comicinfo_name, comicinfo)
        for name, data in (extra_entries or {}).items():
            archive.writestr(name, data)
    return path


def write_corrupt_cbz(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    return path


def opf_document(metadata: str, *, unique_identifier: str = "bookid", version: str = "3.0") -> str:
    """An OPF package with the given ``<metadata>`` body."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="{version}" '
        f'unique-identifier="{unique_identifier}">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf">'
        f"{metadata}</metadata><manifest/><spine/></package>"
    )


def write_epub(path: Path, opf: str, *, opf_path: str = "OEBPS/content.opf") -> Path:
    """An EPUB whose container.xml points at ``opf_path`` holding ``opf``."""
    container = (
        '<?xml version="1.0"?>'
        '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        f'<rootfiles><rootfile full-path="{opf_path}" '
        'media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", container)
        archive.writestr(opf_path, opf)
    return path


def write_series_json(folder: Path, **metadata: Any) -> Path:
    """A Mylar series.json whose ``metadata`` object holds the keywords."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "series.json"
    target.write_text(json.dumps({"version": "1.0.2", "metadata": metadata}))
    return target


def write_blob(path: Path, data: bytes = b"opaque") -> Path:
    """A file the scanner does not open (CBR, CB7, PDF, or anything unsupported)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def touch_later(path: Path, *, seconds: int = 10) -> None:
    """Move the file's mtime forward, as an editor saving it would."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + seconds * 1_000_000_000))
