"""Wire models: camelCase JSON on the outside, snake_case attributes on the inside."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

JsonValue: TypeAlias = Any
JsonObject: TypeAlias = dict[str, Any]


def format_instant(value: datetime) -> str:
    """RFC 3339 in UTC with milliseconds and ``Z`` (platform §0)."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Instant = Annotated[datetime, PlainSerializer(format_instant, return_type=str)]


class WireModel(BaseModel):
    """Base of response models: camelCase on the wire, populated by Python names."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class RequestModel(WireModel):
    """Base of request bodies: unknown keys are schema errors (422)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


T = TypeVar("T")


class Page(WireModel, Generic[T]):
    """One page of a cursor-paginated list."""

    items: list[T]
    next_cursor: str | None
