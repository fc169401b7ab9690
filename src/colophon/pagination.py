"""Opaque cursors for paginated lists (platform §0: ``limit`` ≤ 200 + ``cursor``)."""

from __future__ import annotations

import base64
import json

from colophon.errors import FieldError, ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for; a malformed cursor is a 400 on ``query.cursor``."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded))["o"]
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed(FieldError("query.cursor", "invalid cursor")) from None
    if not isinstance(offset, int) or offset < 0:
        raise ValidationFailed(FieldError("query.cursor", "invalid cursor"))
    return offset


def next_cursor(offset: int, limit: int, returned: int, total: int | None = None) -> str | None:
    """The cursor of the following page, or None when this page was the last."""
    if returned < limit or (total is not None and offset + returned >= total):
        return None
    return encode_cursor(offset + returned)
