"""ISBN checks for values read from files: only checksummed ISBN-10/13 are kept (platform §8.2)."""

from __future__ import annotations

from colophon.metadata.list_rules import normalise_isbn

_PREFIXES = ("urn:isbn:", "isbn:")


def _is_valid_isbn10(isbn: str) -> bool:
    digits = [10 if ch == "X" else int(ch) for ch in isbn]
    if "X" in isbn[:9]:
        return False
    weights = range(10, 0, -1)
    return sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 == 0


def _is_valid_isbn13(isbn: str) -> bool:
    if not isbn.startswith(("978", "979")):
        return False  # another EAN-13 (a GTIN that is not a book number)
    total = sum(int(ch) * (3 if index % 2 else 1) for index, ch in enumerate(isbn))
    return total % 10 == 0


def valid_isbn(raw: str) -> str | None:
    """The compact ISBN (`978-0-13-468599-1` → `9780134685991`) when its checksum holds."""
    text = raw.strip()
    for prefix in _PREFIXES:
        if text.casefold().startswith(prefix):
            text = text[len(prefix) :]
            break
    isbn = normalise_isbn(text)
    if isbn is None:
        return None
    checks = _is_valid_isbn13 if len(isbn) == 13 else _is_valid_isbn10
    return isbn if checks(isbn) else None


def valid_isbns(candidates: list[str]) -> tuple[str, ...]:
    """The valid ISBNs among ``candidates``, in order, without duplicates."""
    found: dict[str, None] = {}
    for candidate in candidates:
        isbn = valid_isbn(candidate)
        if isbn is not None:
            found.setdefault(isbn)
    return tuple(found)
