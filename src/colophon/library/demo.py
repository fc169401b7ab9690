"""The demo library tree of ``colophon demo`` (platform §10.1 step 1).

Three series folders with two generated CBZ books each (tiny PNG pages and a ComicInfo.xml);
one series also carries a Mylar series.json. Only missing files are written, so running it
again changes nothing.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image

PAGES_PER_BOOK = 3
PAGE_SIZE_PX = (24, 36)
# A fixed entry date keeps generated archives byte-identical from run to run.
ENTRY_DATE = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class DemoSeries:
    folder: str
    title: str
    writer: str
    publisher: str
    year: int
    genres: str
    summary: str
    colour: tuple[int, int, int]
    manga: bool = False
    mylar_id: int | None = None


DEMO_SERIES = (
    DemoSeries(
        "Harbour Lights",
        "Harbour Lights",
        "Ada Lovell",
        "Lantern Press",
        2019,
        "Mystery, Drama",
        "A lighthouse keeper's daughter collects the secrets ships leave behind.",
        (38, 70, 118),
        mylar_id=140001,
    ),
    DemoSeries(
        "Clockwork Fox",
        "The Clockwork Fox",
        "Tomas Reyes",
        "Gearwheel Comics",
        2021,
        "Adventure, Fantasy",
        "A tinkerer and her mechanical fox cross a kingdom that runs on springs.",
        (176, 94, 36),
    ),
    DemoSeries(
        "Starfall Academy",
        "Starfall Academy",
        "Mei Arakawa",
        "Hoshi Books",
        2022,
        "Comedy, School Life",
        "Students of a school for astronomers keep catching falling stars.",
        (92, 52, 140),
        manga=True,
    ),
)


def create_demo_tree(path: Path) -> None:
    """Write the demo tree under ``path``, creating only what is missing."""
    for series in DEMO_SERIES:
        folder = path / series.folder
        folder.mkdir(parents=True, exist_ok=True)
        for number in (1, 2):
            _write_missing(folder / f"{series.title} v{number:02d}.cbz", _cbz_bytes(series, number))
        if series.mylar_id is not None:
            _write_missing(folder / "series.json", _series_json_bytes(series))


def _write_missing(target: Path, data: bytes) -> None:
    if target.exists():
        return
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)  # never leave a half-written book for a scan to find


def _cbz_bytes(series: DemoSeries, number: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for page in range(1, PAGES_PER_BOOK + 1):
            shade = tuple(min(255, channel + 30 * (page - 1)) for channel in series.colour)
            archive.writestr(zipfile.ZipInfo(f"{page:03d}.png", ENTRY_DATE), _png_bytes(shade))
        archive.writestr(zipfile.ZipInfo("ComicInfo.xml", ENTRY_DATE), _comicinfo(series, number))
    return buffer.getvalue()


def _png_bytes(colour: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", PAGE_SIZE_PX, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _comicinfo(series: DemoSeries, number: int) -> str:
    fields = {
        "Title": f"{series.title}, Volume {number}",
        "Series": series.title,
        "Number": str(number),
        "Volume": str(number),
        "Summary": series.summary,
        "Year": str(series.year + number - 1),
        "Writer": series.writer,
        "Publisher": series.publisher,
        "Genre": series.genres,
        "LanguageISO": "en",
        "Manga": "YesAndRightToLeft" if series.manga else "No",
        "PageCount": str(PAGES_PER_BOOK),
    }
    elements = "".join(f"  <{key}>{escape(value)}</{key}>\n" for key, value in fields.items())
    return f'<?xml version="1.0" encoding="utf-8"?>\n<ComicInfo>\n{elements}</ComicInfo>\n'


def _series_json_bytes(series: DemoSeries) -> bytes:
    document = {
        "version": "1.0.2",
        "metadata": {
            "type": "comicSeries",
            "name": series.title,
            "publisher": series.publisher,
            "imprint": None,
            "comicid": series.mylar_id,
            "year": series.year,
            "description_text": series.summary,
            "description_formatted": None,
            "volume": 1,
            "booktype": "Print",
            "age_rating": "All",
            "status": "Continuing",
            "total_issues": 2,
        },
    }
    return (json.dumps(document, indent=2) + "\n").encode()
