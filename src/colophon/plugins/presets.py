"""Templates of the first-party plugins for the install dialog (plugins.md §11)."""

from __future__ import annotations

from colophon.plugins.models import DEFAULT_PERMISSIONS
from colophon.plugins.schemas import PluginPreset

SERIES_SCOPES = ["series:detail", "series:bulk"]
BOOK_SCOPES = ["book:detail", "book:bulk"]


def _preset(
    name: str,
    display_name: str,
    description: str,
    *,
    scopes: list[str],
    rate_limit_per_minute: int,
    admin_config: dict[str, object],
    required_credentials: list[str] | None = None,
) -> PluginPreset:
    return PluginPreset(
        name=name,
        display_name=display_name,
        description=description,
        command="python",
        args=["-m", f"colophon_plugins.{name}"],
        admin_config=admin_config,
        credential_delivery="init_message",
        permissions=list(DEFAULT_PERMISSIONS),
        scopes=scopes,
        rate_limit_per_minute=rate_limit_per_minute,
        required_credentials=required_credentials or [],
    )


PRESETS: tuple[PluginPreset, ...] = (
    _preset(
        "echo",
        "Echo",
        "Offline, deterministic series and book metadata for trying Colophon out and for tests.",
        scopes=SERIES_SCOPES + BOOK_SCOPES,
        rate_limit_per_minute=0,
        admin_config={},
    ),
    _preset(
        "anilist",
        "AniList",
        "Manga series metadata from the AniList GraphQL API (no key needed).",
        scopes=SERIES_SCOPES,
        rate_limit_per_minute=30,
        admin_config={"baseUrl": "https://graphql.anilist.co"},
    ),
    _preset(
        "mangabaka",
        "MangaBaka",
        "Manga series metadata from MangaBaka; needs an API key.",
        scopes=SERIES_SCOPES,
        rate_limit_per_minute=60,
        admin_config={"baseUrl": "https://api.mangabaka.org"},
        required_credentials=["api_key"],
    ),
    _preset(
        "openlibrary",
        "Open Library",
        "Book metadata from Open Library, by ISBN or title.",
        scopes=BOOK_SCOPES,
        rate_limit_per_minute=60,
        admin_config={"baseUrl": "https://openlibrary.org"},
    ),
)
