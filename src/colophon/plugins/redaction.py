"""Credential values of a plugin replaced by `[REDACTED]` in what it says (plugins.md §3.11)."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "[REDACTED]"
# Very short values would blank out ordinary words in logs; they are not worth hiding anyway.
MIN_SECRET_CHARS = 4


class Redactor:
    """Replaces every known secret value in a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_CHARS}
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text
