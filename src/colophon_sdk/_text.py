"""Provider HTML descriptions as plain text (plugins.md §11: ``<br>`` → newline, tags stripped)."""

from __future__ import annotations

import html
import re

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</p\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(value: str | None) -> str | None:
    """Plain text of an HTML fragment, entities unescaped; None or blank gives None."""
    if value is None:
        return None
    text = _BREAK.sub("\n", value)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(_TAG.sub("", text))
    text = _BLANK_RUNS.sub("\n\n", text.replace("\r\n", "\n")).strip()
    return text or None
