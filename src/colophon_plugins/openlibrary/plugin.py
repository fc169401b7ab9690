"""openlibrary: book metadata from the Open Library API (plugins.md §11.4)."""

from __future__ import annotations

import re
from typing import Any

from colophon_plugins.openlibrary import mapping
from colophon_sdk import (
    BookGet,
    BookMatch,
    BookMetadata,
    BookProvider,
    BookSearch,
    ConfigField,
    HttpSettings,
    InvalidParamsError,
    Manifest,
    MatchResult,
    MetadataPlugin,
    NotFoundError,
    PluginContext,
    SearchPage,
    best_match,
)

__version__ = "1.0.0"
DEFAULT_BASE_URL = "https://openlibrary.org"
DEFAULT_COVERS_BASE_URL = "https://covers.openlibrary.org"
DEFAULT_MAX_EDITIONS = 5
MAX_AUTHORS = 5
ISBN_CONFIDENCE = 0.99
TITLE_CONFIDENCE_CAP = 0.85
SEARCH_FIELDS = "key,title,subtitle,author_name,first_publish_year,cover_i,isbn,edition_count"
EDITION_ID = re.compile(r"^OL\d+M$")
WORK_ID = re.compile(r"^OL\d+W$")


def covers_base(ctx: PluginContext) -> str:
    return str(ctx.admin_config.get("coversBaseUrl") or DEFAULT_COVERS_BASE_URL).rstrip("/")


async def _json_object(ctx: PluginContext, path: str, params: dict[str, Any] | None = None) -> Any:
    body = await ctx.http.get_json(path, params)
    return body if isinstance(body, dict) else {}


async def author_names(ctx: PluginContext, refs: list[Any]) -> list[str]:
    names = []
    for ref in refs[:MAX_AUTHORS]:
        key = (ref.get("author") or ref).get("key") if isinstance(ref, dict) else None
        if isinstance(key, str):
            author = await _json_object(ctx, f"{key}.json")
            if isinstance(author.get("name"), str):
                names.append(author["name"])
    return names


class OpenLibraryBooks(BookProvider):
    async def search(self, req: BookSearch, ctx: PluginContext) -> SearchPage:
        if req.isbn:
            return await self._search_isbn(req.isbn.replace("-", "").replace(" ", ""), ctx)
        page = int(req.cursor) if req.cursor and req.cursor.isdigit() else 1
        params: dict[str, Any] = {"limit": req.limit, "page": page, "fields": SEARCH_FIELDS}
        if req.author:
            params.update(title=req.query, author=req.author)
        else:
            params["q"] = req.query
        body = await _json_object(ctx, "/search.json", params)
        docs = [d for d in body.get("docs") or [] if isinstance(d, dict) and d.get("key")]
        found = body.get("numFound") or body.get("num_found") or 0
        more = isinstance(found, int) and found > page * req.limit
        return SearchPage(
            results=[mapping.search_doc_result(d, covers_base(ctx)) for d in docs],
            next_cursor=str(page + 1) if more else None,
        )

    async def _search_isbn(self, isbn: str, ctx: PluginContext) -> SearchPage:
        try:
            edition = await _json_object(ctx, f"/isbn/{isbn}.json")
        except NotFoundError:
            return SearchPage(results=[])  # an unknown ISBN is an empty result, not an error
        return SearchPage(results=[mapping.edition_result(edition, covers_base(ctx))])

    async def get(self, req: BookGet, ctx: PluginContext) -> BookMetadata:
        external_id = req.external_id.strip()
        if EDITION_ID.match(external_id):
            edition = await _json_object(ctx, f"/books/{external_id}.json")
            work_key = next((w.get("key") for w in edition.get("works") or []), None)
            work = await _json_object(ctx, f"{work_key}.json") if work_key else {}
            refs = edition.get("authors") or work.get("authors") or []
        elif WORK_ID.match(external_id):
            work = await _json_object(ctx, f"/works/{external_id}.json")
            edition = await self._pick_edition(external_id, ctx)
            refs = work.get("authors") or []
        else:
            raise InvalidParamsError(
                "externalId", "Invalid params: externalId must be an OL…M or OL…W id"
            )
        return mapping.book_metadata(
            external_id=external_id,
            edition=edition,
            work=work,
            authors=await author_names(ctx, refs),
            covers_base=covers_base(ctx),
        )

    async def _pick_edition(self, work_id: str, ctx: PluginContext) -> dict[str, Any]:
        limit = ctx.admin_config.get("maxEditions") or DEFAULT_MAX_EDITIONS
        body = await _json_object(ctx, f"/works/{work_id}/editions.json", {"limit": limit})
        entries = [e for e in body.get("entries") or [] if isinstance(e, dict)]
        with_isbn13 = [e for e in entries if e.get("isbn_13")]
        chosen = (with_isbn13 or entries or [{}])[0]
        return chosen

    async def match(self, req: BookMatch, ctx: PluginContext) -> MatchResult:
        if req.isbn:
            hits = await self.search(BookSearch(isbn=req.isbn), ctx)
            if hits.results:
                return MatchResult(match=hits.results[0], confidence=ISBN_CONFIDENCE)
        author = req.authors[0] if req.authors else None
        page = await self.search(BookSearch(query=req.title, author=author, limit=10), ctx)
        result = best_match(page.results, req.title, year=req.year)
        result.confidence = min(result.confidence, TITLE_CONFIDENCE_CAP)
        return result


async def set_user_agent(ctx: PluginContext) -> None:
    """Open Library asks clients to name a contact in the User-Agent."""
    contact = ctx.admin_config.get("contact")
    if contact:
        agent = ctx.http.headers["User-Agent"]
        ctx.http.headers["User-Agent"] = f"{agent} ({contact})"


plugin = MetadataPlugin(
    manifest=Manifest(
        name="openlibrary",
        display_name="Open Library",
        version=__version__,
        description="Book metadata from Open Library, by ISBN or title.",
        homepage="https://openlibrary.org",
        config_schema=[
            ConfigField("baseUrl", "API URL", type="url", default=DEFAULT_BASE_URL),
            ConfigField("coversBaseUrl", "Covers URL", type="url", default=DEFAULT_COVERS_BASE_URL),
            ConfigField("contact", "Contact e-mail", description="appended to the User-Agent"),
            ConfigField("maxEditions", "Editions to consider", type="number", default=5),
            ConfigField("timeoutS", "HTTP timeout (s)", type="number", default=15),
        ],
        search_uri_template="https://openlibrary.org/search?q=<title>",
    ),
    book=OpenLibraryBooks(),
    http=HttpSettings(default_base_url=DEFAULT_BASE_URL),
    on_initialize=set_user_agent,
)
