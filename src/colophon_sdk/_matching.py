"""Title similarity and best-candidate selection for ``match`` handlers (plugins.md §10)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence

from ._types import MatchResult, SearchResult

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_ALTERNATIVES_KEPT = 4
_SAME_YEAR_BONUS = 0.05
_FAR_YEAR_PENALTY = 0.15


def normalize_title(title: str) -> str:
    """NFKD, accents stripped, casefolded, punctuation removed, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", title)
    unaccented = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = _PUNCTUATION.sub(" ", unaccented.casefold()).replace("_", " ")
    return _SPACES.sub(" ", cleaned).strip()


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two titles after ``normalize_title``."""
    return difflib.SequenceMatcher(None, normalize_title(a), normalize_title(b)).ratio()


def _score(result: SearchResult, title: str, year: int | None) -> float:
    score = max(
        similarity(candidate, title) for candidate in [result.title, *result.alternate_titles]
    )
    if year is not None and result.year is not None:
        if result.year == year:
            score += _SAME_YEAR_BONUS
        elif abs(result.year - year) > 1:
            score -= _FAR_YEAR_PENALTY
    return min(1.0, max(0.0, score))


def best_match(results: Sequence[SearchResult], title: str, year: int | None = None) -> MatchResult:
    """The best-scoring result as ``match`` with its score, the next four as alternatives."""
    if not results:
        return MatchResult(match=None, confidence=0.0)
    ranked = sorted(results, key=lambda r: _score(r, title, year), reverse=True)
    best = ranked[0]
    return MatchResult(
        match=best,
        confidence=round(_score(best, title, year), 4),
        alternatives=ranked[1 : 1 + _ALTERNATIVES_KEPT],
    )
