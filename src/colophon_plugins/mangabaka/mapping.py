"""MangaBaka series objects → protocol payloads (plugins.md §11.3)."""

from __future__ import annotations

from typing import Any

from colophon_sdk import (
    AlternateTitle,
    Author,
    ExternalId,
    ExternalLink,
    Preview,
    Rating,
    SearchResult,
    SeriesMetadata,
    html_to_text,
    similarity,
)

STATUSES = {
    "completed": "ended",
    "releasing": "ongoing",
    "hiatus": "hiatus",
    "cancelled": "abandoned",
    "upcoming": "unknown",
    "unknown": "unknown",
}
CONTENT_RATINGS = {"safe": 0, "suggestive": 13, "erotica": 16, "pornographic": 18}
READING_DIRECTIONS = {"manga": "rtl", "manhwa": "ltr", "manhua": "ltr", "oel": "ltr"}
COUNTRY_LANGUAGES = {"JP": "ja", "KR": "ko", "CN": "zh", "TW": "zh"}
# source key in `source` → (external id source, link label, URL pattern)
SOURCES: dict[str, tuple[str, str, str]] = {
    "anilist": ("api:anilist", "AniList", "https://anilist.co/manga/{id}"),
    "my_anime_list": ("api:myanimelist", "MyAnimeList", "https://myanimelist.net/manga/{id}"),
    "mangadex": ("api:mangadex", "MangaDex", "https://mangadex.org/title/{id}"),
    "manga_updates": (
        "api:mangaupdates",
        "MangaUpdates",
        "https://www.mangaupdates.com/series/{id}",
    ),
    "kitsu": ("api:kitsu", "Kitsu", "https://kitsu.app/manga/{id}"),
}
RATING_SOURCE_NAMES = {"my_anime_list": "myanimelist", "manga_updates": "mangaupdates"}
# The provider rates 0-10; Colophon stores 0-100 (plugins.md §11.3).
RATING_SCALE = 10


def title_case(value: str) -> str:
    """``slice_of_life`` → ``Slice Of Life``."""
    return " ".join(part.capitalize() for part in value.replace("-", "_").split("_") if part)


def rating_score(raw: Any) -> float | None:
    """A 0-10 ``rating`` (number, or ``bayesian`` then ``average``) as 0-100."""
    if isinstance(raw, dict):
        raw = raw.get("bayesian") if raw.get("bayesian") is not None else raw.get("average")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    return round(raw * RATING_SCALE, 2)


def _titles(series: dict[str, Any]) -> list[str]:
    found = [series.get("title"), series.get("native_title"), series.get("romanized_title")]
    for entries in (series.get("secondary_titles") or {}).values():
        found.extend(e.get("title") for e in entries or [] if isinstance(e, dict))
    return [t for t in found if isinstance(t, str) and t.strip()]


def cover_url(series: dict[str, Any]) -> str | None:
    cover = series.get("cover") or {}
    raw = (cover.get("raw") or {}).get("url")
    return raw or (cover.get("x350") or {}).get("x1")


def search_result(series: dict[str, Any], query: str) -> SearchResult:
    titles = _titles(series)
    title = series.get("title") or str(series["id"])
    score = rating_score(series.get("rating"))
    return SearchResult(
        external_id=str(series["id"]),
        title=title,
        alternate_titles=[t for t in titles if t != title],
        year=series.get("year"),
        cover_url=cover_url(series),
        relevance_score=round(max((similarity(query, t) for t in titles), default=0.0), 4),
        preview=Preview(
            status=STATUSES.get(series.get("status") or ""),
            genres=[title_case(g) for g in series.get("genres") or []],
            rating=score / 10 if score is not None else None,
            description=html_to_text(series.get("description")),
            authors=list(series.get("authors") or []),
            format=series.get("type"),
        ),
    )


def _alternate_titles(series: dict[str, Any]) -> list[AlternateTitle]:
    native_language = COUNTRY_LANGUAGES.get(series.get("country_of_origin") or "")
    result = []
    if series.get("native_title"):
        result.append(AlternateTitle(series["native_title"], native_language, "native"))
    if series.get("romanized_title"):
        result.append(AlternateTitle(series["romanized_title"], title_type="romaji"))
    for language, entries in (series.get("secondary_titles") or {}).items():
        for entry in entries or []:
            if isinstance(entry, dict) and entry.get("title"):
                result.append(AlternateTitle(entry["title"], language=language))
    return result


def _source_data(
    series: dict[str, Any],
) -> tuple[list[Rating], list[ExternalId], list[ExternalLink]]:
    ratings, ids, links = [], [], []
    for key, entry in (series.get("source") or {}).items():
        if not isinstance(entry, dict):
            continue
        normalized = entry.get("rating_normalized")
        if isinstance(normalized, int | float) and not isinstance(normalized, bool):
            ratings.append(Rating(score=normalized, source=RATING_SOURCE_NAMES.get(key, key)))
        known = SOURCES.get(key)
        if known and entry.get("id") is not None:
            source, label, url = known
            ids.append(ExternalId(source=source, external_id=str(entry["id"])))
            links.append(
                ExternalLink(url=url.format(id=entry["id"]), label=label, link_type="other")
            )
    return ratings, ids, links


def series_metadata(series: dict[str, Any]) -> SeriesMetadata:
    """The ``metadata/series/get`` payload for one MangaBaka series."""
    series_id = str(series["id"])
    url = f"https://mangabaka.org/{series_id}"
    score = rating_score(series.get("rating"))
    ratings, ids, links = _source_data(series)
    volume = series.get("final_volume")
    publishers = [p.get("name") for p in series.get("publishers") or [] if isinstance(p, dict)]
    return SeriesMetadata(
        external_id=series_id,
        external_url=url,
        title=series.get("title"),
        alternate_titles=_alternate_titles(series),
        summary=html_to_text(series.get("description")),
        status=STATUSES.get(series.get("status") or ""),
        year=series.get("year"),
        total_volume_count=_integral(volume),
        total_chapter_count=_number(series.get("total_chapters")),
        age_rating=CONTENT_RATINGS.get(series.get("content_rating") or ""),
        reading_direction=READING_DIRECTIONS.get(series.get("type") or ""),
        genres=[title_case(g) for g in series.get("genres") or []],
        tags=list(series.get("tags") or []),
        authors=[Author(name=a, role="author") for a in series.get("authors") or []],
        artists=list(series.get("artists") or []),
        publisher=next((p for p in publishers if p), None),
        cover_url=cover_url(series),
        rating=Rating(score=score, source="mangabaka") if score is not None else None,
        external_ratings=ratings,
        external_links=[ExternalLink(url=url, label="MangaBaka", link_type="provider"), *links],
        external_ids=[ExternalId(source="api:mangabaka", external_id=series_id), *ids],
    )


def _number(raw: Any) -> float | None:
    if isinstance(raw, str):
        try:
            return float(raw)
        except ValueError:
            return None
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None


def _integral(raw: Any) -> int | None:
    value = _number(raw)
    return int(value) if value is not None and value.is_integer() else None
