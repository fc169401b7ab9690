"""colophon_sdk: write Colophon (and Codex-protocol) metadata plugins in Python.

A plugin is a ``Manifest``, one or two providers and ``MetadataPlugin(...).run()``; see
plugins.md §10. This package never imports ``colophon``.
"""

from ._errors import (
    ApiError,
    AuthError,
    ConfigError,
    InvalidParamsError,
    MethodNotFoundError,
    NotFoundError,
    PluginError,
    RateLimitError,
)
from ._http import ProviderHttp, parse_retry_after
from ._log import PluginLogger
from ._manifest import PROTOCOL_VERSION, ConfigField, CredentialSpec, Manifest
from ._matching import best_match, normalize_title, similarity
from ._plugin import (
    BookProvider,
    HttpSettings,
    MetadataPlugin,
    PluginContext,
    SeriesProvider,
)
from ._storage import Storage
from ._text import html_to_text
from ._types import (
    AlternateTitle,
    Author,
    BookAward,
    BookCover,
    BookGet,
    BookMatch,
    BookMetadata,
    BookSearch,
    ExternalId,
    ExternalLink,
    MatchResult,
    Preview,
    Rating,
    SearchPage,
    SearchResult,
    SeriesGet,
    SeriesMatch,
    SeriesMetadata,
    SeriesSearch,
)

__all__ = [
    "PROTOCOL_VERSION",
    "AlternateTitle",
    "ApiError",
    "AuthError",
    "Author",
    "BookAward",
    "BookCover",
    "BookGet",
    "BookMatch",
    "BookMetadata",
    "BookProvider",
    "BookSearch",
    "ConfigError",
    "ConfigField",
    "CredentialSpec",
    "ExternalId",
    "ExternalLink",
    "HttpSettings",
    "InvalidParamsError",
    "Manifest",
    "MatchResult",
    "MetadataPlugin",
    "MethodNotFoundError",
    "NotFoundError",
    "PluginContext",
    "PluginError",
    "PluginLogger",
    "Preview",
    "ProviderHttp",
    "RateLimitError",
    "Rating",
    "SearchPage",
    "SearchResult",
    "SeriesGet",
    "SeriesMatch",
    "SeriesMetadata",
    "SeriesProvider",
    "SeriesSearch",
    "Storage",
    "best_match",
    "html_to_text",
    "normalize_title",
    "parse_retry_after",
    "similarity",
]
