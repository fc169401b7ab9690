"""The fields a user edits by hand (metadata §7.2): parsers, projections and column writes.

The editable keys are exactly the lock keys without `cover`, so every edited field has a
lock to set. Values go through the provider normalisation of §3.6 (payloads.py), but an
empty result here means "clear", not "not provided".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from colophon.metadata import field_rules, list_rules
from colophon.metadata.catalog import Catalog, Comparison, Entity, catalog_for, snake_case
from colophon.metadata.payloads import BOOK_RULES, MAX_TEXT_CHARS, SERIES_RULES, FieldRule
from colophon.metadata.projections import pair_projection, projections_equal, sorted_by_name_key
from colophon.metadata.values import AlternateTitle, FieldValue
from colophon.wire import JsonValue

EditValue = FieldValue | None
Parser = Callable[[object], EditValue]

LIST_COMPARISONS = frozenset(
    {Comparison.NAME_KEY_SET, Comparison.PAIR_SET, Comparison.ORDERED_LIST, Comparison.VALUE_SET}
)
# Keys stored in their own tables rather than in a metadata-row column.
RELATED_KEYS = frozenset({"alternateTitles", "genres", "tags"})


@dataclass(frozen=True, slots=True)
class EditableField:
    """One PATCH key: how its raw JSON is parsed and how its value is compared."""

    key: str
    comparison: Comparison
    parse: Parser
    in_catalog: bool  # False for imprint, number, month and day (metadata §2.2)

    @property
    def column(self) -> str | None:
        """The metadata-row column, or None for alternate titles, genres and tags."""
        return None if self.key in RELATED_KEYS else snake_case(self.key)

    @property
    def lock_column(self) -> str:
        return f"{snake_case(self.key)}_lock"

    @property
    def is_list(self) -> bool:
        return self.comparison in LIST_COMPARISONS


@dataclass(frozen=True, slots=True)
class StoredLists:
    """The values of the related-table fields, read once per request."""

    alternate_titles: tuple[AlternateTitle, ...] = ()
    genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def _payload_rule(rules: Mapping[str, FieldRule], key: str) -> Parser:
    rule = rules[key]
    return lambda raw: rule({key: raw})


def _parse_alternate_titles(raw: object) -> EditValue:
    # The edit shape is [{label, title}]; the label takes the place of the payload's titleType
    # so the N10 rules (NT, lowercase, 50 characters, dedup) apply unchanged.
    if isinstance(raw, list):
        raw = [
            {"title": entry.get("title"), "titleType": entry.get("label")}
            if isinstance(entry, dict)
            else entry
            for entry in raw
        ]
    return list_rules.parse_alternate_titles(raw)


_text = partial(field_rules.parse_text, max_chars=MAX_TEXT_CHARS)

# Parsers of the keys that providers never send (titleSort is derived, the rest are PATCH-only).
_EXTRA_PARSERS: dict[str, tuple[Parser, Comparison]] = {
    "titleSort": (_text, Comparison.TEXT),
    "imprint": (_text, Comparison.TEXT),
    "number": (_text, Comparison.TEXT),
    "month": (partial(field_rules.parse_integer, low=1, high=12), Comparison.NUMBER),
    "day": (partial(field_rules.parse_integer, low=1, high=31), Comparison.NUMBER),
    "alternateTitles": (_parse_alternate_titles, Comparison.PAIR_SET),
}


def _editable(catalog: Catalog, rules: Mapping[str, FieldRule]) -> tuple[EditableField, ...]:
    fields = []
    for key in catalog.lock_keys:
        if key == "cover":
            continue  # the cover is chosen through the cover API (platform §8.2)
        in_catalog = catalog.has_field(key)
        if key in _EXTRA_PARSERS:
            parse, comparison = _EXTRA_PARSERS[key]
        else:
            parse, comparison = _payload_rule(rules, key), catalog.field(key).comparison
        fields.append(EditableField(key, comparison, parse, in_catalog))
    return tuple(fields)


_EDITABLE: dict[Entity, tuple[EditableField, ...]] = {
    Entity.SERIES: _editable(catalog_for(Entity.SERIES), SERIES_RULES),
    Entity.BOOK: _editable(catalog_for(Entity.BOOK), BOOK_RULES),
}


def editable_fields(entity: Entity) -> tuple[EditableField, ...]:
    """Every PATCH key of `entity`, in lock-key order."""
    return _EDITABLE[entity]


def find_editable(entity: Entity, key: str) -> EditableField | None:
    """The editable field named `key` (exact, case-sensitive), or None."""
    return next((f for f in _EDITABLE[entity] if f.key == key), None)


# --- projections (metadata §4.3) -----------------------------------------------------------


def stored_projection(
    field: EditableField, columns: Mapping[str, Any], lists: StoredLists
) -> JsonValue:
    """The stored value of `field` as its §4.3 projection (the audit row's `before`)."""
    if field.key == "alternateTitles":
        return pair_projection(lists.alternate_titles)
    if field.key == "genres":
        return sorted_by_name_key(lists.genres)
    if field.key == "tags":
        return sorted_by_name_key(lists.tags)
    value = columns[snake_case(field.key)]
    if field.comparison is Comparison.NAME_KEY_SET:
        return sorted_by_name_key(value or [])
    return value


def proposed_projection(field: EditableField, value: EditValue) -> JsonValue:
    """A parsed value as its §4.3 projection (the audit row's `after`)."""
    if field.comparison is Comparison.PAIR_SET:
        return pair_projection(titles_of(value))
    if field.comparison is Comparison.NAME_KEY_SET:
        return sorted_by_name_key(names_of(value))
    return column_form(field, value)


def column_form(field: EditableField, value: EditValue) -> Any:
    """A parsed value as stored in its column: tuples become JSON lists, empty lists `[]`."""
    if field.is_list:
        return [_entry_json(entry) for entry in _entries(value)]
    return value


def _entry_json(entry: object) -> JsonValue:
    to_json = getattr(entry, "to_json", None)
    return to_json() if to_json is not None else entry


def is_unchanged(entity: Entity, field: EditableField, before: JsonValue, after: JsonValue) -> bool:
    """The §4.3 comparator for catalog fields; plain equality for the PATCH-only columns."""
    if field.in_catalog:
        return projections_equal(catalog_for(entity).field(field.key), before, after)
    if field.comparison is Comparison.NUMBER and before is not None and after is not None:
        return float(before) == float(after)
    return bool(before == after)


def _entries(value: EditValue) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else ()


def names_of(value: EditValue) -> Sequence[str]:
    """The names of a parsed genres or tags value (empty when cleared)."""
    return [str(name) for name in _entries(value)]


def titles_of(value: EditValue) -> list[AlternateTitle]:
    """The entries of a parsed alternateTitles value (empty when cleared)."""
    return [v for v in _entries(value) if isinstance(v, AlternateTitle)]
