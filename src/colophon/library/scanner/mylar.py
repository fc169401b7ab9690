"""Mylar's series.json in a series folder (platform §8.2 rule 5)."""

from __future__ import annotations

import json
from pathlib import Path

from colophon.library.scanner.archive import MAX_ENTRY_BYTES
from colophon.library.scanner.file_values import SeriesValues, SourcedUrl
from colophon.library.scanner.markup import strip_tags
from colophon.library.scanner.xml_fields import text_value, whole_number
from colophon.metadata.list_rules import MAX_EXTERNAL_ID_CHARS
from colophon.metadata.text import name_key, normalise_summary

MYLAR_ID_SOURCE = "mylar"
COMICVINE_VOLUME_URL = "https://comicvine.gamespot.com/volume/4050-{}/"
STATUSES = {"continuing": "ongoing", "ended": "ended"}
AGE_RATINGS = {"all": 0, "9+": 9, "12+": 12, "15+": 15, "17+": 17, "adult": 18}


class SeriesFileUnreadable(Exception):
    """series.json cannot be read or is not a Mylar document."""


def read_series_json(path: Path) -> SeriesValues:
    """Series values from a Mylar series.json; raise SeriesFileUnreadable when it is unusable.

    Blocking: call it through ``asyncio.to_thread``.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError as exc:
        raise SeriesFileUnreadable(f"unreadable series.json: {exc}") from exc
    if len(data) > MAX_ENTRY_BYTES:
        raise SeriesFileUnreadable("series.json is larger than 1 MiB")
    try:
        document = json.loads(data)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both derive from it
        raise SeriesFileUnreadable(f"invalid series.json: {exc}") from exc
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        raise SeriesFileUnreadable("invalid series.json: no metadata object")
    return parse_mylar_metadata(metadata)


def parse_mylar_metadata(metadata: dict[str, object]) -> SeriesValues:
    """The fields platform §8.2 rule 5 lists; `total_issues` is ignored in this version."""
    return SeriesValues(
        title=_text(metadata.get("name")),
        publisher=_text(metadata.get("publisher")),
        imprint=_text(metadata.get("imprint")),
        year=whole_number(_scalar(metadata.get("year")), low=1, high=9999),
        summary=_summary(metadata),
        status=STATUSES.get(name_key(_text(metadata.get("status")) or "")),
        age_rating=AGE_RATINGS.get(name_key(_text(metadata.get("age_rating")) or "")),
        external_ids=_comicvine_id(metadata.get("comicid")),
    )


def _text(raw: object) -> str | None:
    return text_value(raw) if isinstance(raw, str) else None


def _scalar(raw: object) -> str | None:
    """Numbers arrive as JSON numbers or strings; booleans are neither."""
    if isinstance(raw, bool):
        return None
    return str(raw) if isinstance(raw, (str, int, float)) else None


def _summary(metadata: dict[str, object]) -> str | None:
    plain = metadata.get("description_text")
    if isinstance(plain, str) and plain.strip():
        return normalise_summary(plain)
    formatted = metadata.get("description_formatted")
    return strip_tags(formatted) if isinstance(formatted, str) else None


def _comicvine_id(raw: object) -> tuple[SourcedUrl, ...]:
    comic_id = text_value(_scalar(raw))
    if comic_id is None or len(comic_id) > MAX_EXTERNAL_ID_CHARS:
        return ()
    return (SourcedUrl(MYLAR_ID_SOURCE, comic_id, COMICVINE_VOLUME_URL.format(comic_id)),)
