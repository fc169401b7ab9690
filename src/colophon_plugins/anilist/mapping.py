"""AniList ``Media`` objects → protocol payloads (plugins.md §11.2)."""

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
    "FINISHED": "ended",
    "RELEASING": "ongoing",
    "HIATUS": "hiatus",
    "CANCELLED": "abandoned",
    "NOT_YET_RELEASED": "unknown",
}
COUNTRY_LANGUAGES = {"JP": "ja", "KR": "ko", "CN": "zh", "TW": "zh"}
LINK_TYPES: dict[str, Any] = {"STREAMING": "read", "SOCIAL": "social"}
TITLE_ORDER = ("english", "romaji", "native")
DEFAULT_MIN_TAG_RANK = 50
PREVIEW_DESCRIPTION_CHARS = 300


def choose_title(titles: dict[str, Any], preferred: str) -> str | None:
    """The title in the preferred language, falling back english → romaji → native."""
    for key in (preferred, *TITLE_ORDER):
        value = titles.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def all_titles(media: dict[str, Any]) -> list[str]:
    titles = media.get("title") or {}
    found = [titles.get(k) for k in TITLE_ORDER] + list(media.get("synonyms") or [])
    return [t for t in found if isinstance(t, str) and t.strip()]


def preview_format(media: dict[str, Any]) -> str | None:
    """``MANGA`` → manga/manhwa/manhua by country, ``NOVEL`` → light_novel, ``ONE_SHOT``."""
    kind, country = media.get("format"), media.get("countryOfOrigin")
    if kind == "MANGA":
        return {"KR": "manhwa", "CN": "manhua", "TW": "manhua"}.get(country or "", "manga")
    return {"NOVEL": "light_novel", "ONE_SHOT": "oneshot"}.get(kind or "")


def search_result(media: dict[str, Any], query: str, preferred: str) -> SearchResult:
    titles = all_titles(media)
    title = choose_title(media.get("title") or {}, preferred) or str(media["id"])
    score = media.get("averageScore")
    description = html_to_text(media.get("description"))
    cover = media.get("coverImage") or {}
    return SearchResult(
        external_id=str(media["id"]),
        title=title,
        alternate_titles=[t for t in titles if t != title],
        year=(media.get("startDate") or {}).get("year"),
        cover_url=cover.get("extraLarge") or cover.get("large"),
        relevance_score=round(max((similarity(query, t) for t in titles), default=0.0), 4),
        preview=Preview(
            status=STATUSES.get(media.get("status") or ""),
            genres=list(media.get("genres") or []),
            rating=score / 10 if isinstance(score, int | float) else None,
            description=description[:PREVIEW_DESCRIPTION_CHARS] if description else None,
            book_count=media.get("volumes"),
            format=preview_format(media),
        ),
    )


def _alternate_titles(media: dict[str, Any], chosen: str | None) -> list[AlternateTitle]:
    titles = media.get("title") or {}
    native_language = COUNTRY_LANGUAGES.get(media.get("countryOfOrigin") or "", "ja")
    labelled = [
        (titles.get("romaji"), f"{native_language}-ro", "romaji"),
        (titles.get("english"), "en", "english"),
        (titles.get("native"), native_language, "native"),
    ]
    result: list[AlternateTitle] = []
    seen = {chosen}
    for text, language, kind in labelled:
        if isinstance(text, str) and text.strip() and text not in seen:
            seen.add(text)
            result.append(AlternateTitle(title=text, language=language, title_type=kind))
    for synonym in media.get("synonyms") or []:
        if isinstance(synonym, str) and synonym.strip() and synonym not in seen:
            seen.add(synonym)
            result.append(AlternateTitle(title=synonym, title_type="synonym"))
    return result


def _staff(media: dict[str, Any]) -> tuple[list[Author], list[str]]:
    authors: list[Author] = []
    artists: list[str] = []
    for edge in (media.get("staff") or {}).get("edges") or []:
        role = edge.get("role") or ""
        name = ((edge.get("node") or {}).get("name") or {}).get("full")
        if not name:
            continue
        if "Story & Art" in role:
            authors.append(Author(name=name, role="author"))
            artists.append(name)
        elif "Story" in role:
            authors.append(Author(name=name, role="writer"))
        elif "Art" in role:
            authors.append(Author(name=name, role="illustrator"))
            artists.append(name)
    return authors, artists


def _tags(media: dict[str, Any], min_rank: int) -> list[str]:
    return [
        tag["name"]
        for tag in media.get("tags") or []
        if (tag.get("rank") or 0) >= min_rank
        and not tag.get("isMediaSpoiler")
        and not tag.get("isGeneralSpoiler")
    ]


def _links(media: dict[str, Any], site_url: str) -> list[ExternalLink]:
    links = [ExternalLink(url=site_url, label="AniList", link_type="provider")]
    for link in media.get("externalLinks") or []:
        if link.get("url") and link.get("site"):
            kind = LINK_TYPES.get(link.get("type") or "", "other")
            links.append(ExternalLink(url=link["url"], label=link["site"], link_type=kind))
    return links


def series_metadata(media: dict[str, Any], *, preferred: str, min_tag_rank: int) -> SeriesMetadata:
    """The ``metadata/series/get`` payload for one AniList ``Media``."""
    media_id = str(media["id"])
    site_url = media.get("siteUrl") or f"https://anilist.co/manga/{media_id}"
    title = choose_title(media.get("title") or {}, preferred)
    country = media.get("countryOfOrigin") or ""
    authors, artists = _staff(media)
    cover = media.get("coverImage") or {}
    score = media.get("averageScore")
    external_ids = [ExternalId(source="api:anilist", external_id=media_id)]
    if media.get("idMal"):
        external_ids.append(ExternalId(source="api:myanimelist", external_id=str(media["idMal"])))
    return SeriesMetadata(
        external_id=media_id,
        external_url=site_url,
        title=title,
        alternate_titles=_alternate_titles(media, title),
        summary=html_to_text(media.get("description")),
        status=STATUSES.get(media.get("status") or ""),
        year=(media.get("startDate") or {}).get("year"),
        total_volume_count=media.get("volumes"),
        total_chapter_count=media.get("chapters"),
        language=COUNTRY_LANGUAGES.get(country),
        age_rating=18 if media.get("isAdult") else None,
        reading_direction="rtl" if country == "JP" else None,
        genres=list(media.get("genres") or []),
        tags=_tags(media, min_tag_rank),
        authors=authors,
        artists=artists,
        cover_url=cover.get("extraLarge") or cover.get("large"),
        banner_url=media.get("bannerImage"),
        rating=Rating(score=score, source="anilist") if isinstance(score, int | float) else None,
        external_links=_links(media, site_url),
        external_ids=external_ids,
    )
