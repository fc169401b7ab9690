"""Text normalisation for every metadata writer: NT, NK and the search title (metadata §0, §1.2)."""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE_RUN = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """NT: Unicode NFC, outer whitespace trimmed, inner whitespace runs collapsed to one space."""
    return _WHITESPACE_RUN.sub(" ", unicodedata.normalize("NFC", value)).strip()


def normalise_summary(value: str) -> str:
    """NT for `summary`: NFC and trim only, so the provider's line breaks survive."""
    return unicodedata.normalize("NFC", value).strip()


def name_key(value: str) -> str:
    """NK: the casefolded NT, used to compare names (genres, tags, authors, sources)."""
    return normalise_text(value).casefold()


def compute_search_title(title: str | None) -> str:
    """The indexed search key: accents stripped, NT, casefolded (`Ōkami Kage` → `okami kage`)."""
    if title is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", title)
    without_marks = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return normalise_text(without_marks).casefold()
