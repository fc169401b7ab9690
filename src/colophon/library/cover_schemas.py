"""Wire models of the cover API (platform §8.2 point 6)."""

from __future__ import annotations

import uuid

from colophon.wire import Instant, RequestModel, WireModel


class CoverDto(WireModel):
    """One stored cover row of a series or book (metadata §1.7)."""

    id: uuid.UUID
    source: str
    source_url: str | None
    format: str
    width: int
    height: int
    is_selected: bool
    created_at: Instant


class CoverList(WireModel):
    """Every cover row of one entity, newest first; never paginated (a handful per entity)."""

    items: list[CoverDto]
    next_cursor: str | None = None


class SelectCover(RequestModel):
    """`PUT …/covers/selected`: the cover to show, and whether to set the `cover` lock."""

    cover_id: uuid.UUID
    lock: bool = True
