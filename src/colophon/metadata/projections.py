"""JSON projections of stored and proposed values, and the one comparator (metadata §4.3).

`before` and `after` in applier results and audit rows are these projections; the unchanged
gate, the preview and revert all compare them with `projections_equal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from colophon.metadata.catalog import Comparison, FieldSpec, WireType
from colophon.metadata.list_rules import award_key
from colophon.metadata.state import EntityState
from colophon.metadata.text import name_key
from colophon.metadata.values import (
    AlternateTitle,
    BookAward,
    ExternalId,
    ExternalLink,
    ExternalRating,
    FieldValue,
)
from colophon.wire import JsonObject, JsonValue


def sorted_by_name_key(names: Iterable[str]) -> list[str]:
    """Display names in NK order, the projection of genres, tags and subjects."""
    return sorted(names, key=name_key)


def pair_projection(titles: Iterable[AlternateTitle]) -> list[JsonObject]:
    """Alternate titles as `[{label, title}]` sorted by (label, title)."""
    return [t.to_json() for t in sorted(titles, key=lambda t: (t.label, t.title))]


def projection_sources(projection: JsonValue) -> list[str]:
    """The sources a by-source projection covers (a list of entries, or one rating)."""
    if projection is None:
        return []
    entries = projection if isinstance(projection, list) else [projection]
    return [str(entry["source"]) for entry in entries]


# --- stored side ---------------------------------------------------------------------------


def current_projection(
    spec: FieldSpec, state: EntityState, *, sources: Sequence[str] = ()
) -> JsonValue:
    """The stored value of `spec` as JSON; by-source fields are limited to `sources`."""
    if spec.comparison is Comparison.BY_SOURCE:
        return _stored_by_source(spec, state, sorted(set(sources)))
    if spec.comparison is Comparison.COVER:
        return state.plugin_cover_urls[0] if state.plugin_cover_urls else None
    if spec.comparison is Comparison.PAIR_SET:
        return pair_projection(state.alternate_titles)
    if spec.comparison is Comparison.NAME_KEY_SET:
        return sorted_by_name_key(_stored_names(spec, state))
    return state.columns[_column(spec)]


def _column(spec: FieldSpec) -> str:
    if spec.column is None:
        raise ValueError(f"{spec.key} has no metadata column")
    return spec.column


def _stored_names(spec: FieldSpec, state: EntityState) -> Sequence[str]:
    if spec.key == "genres":
        return state.genres
    if spec.key == "tags":
        return state.tags
    names: list[str] = state.columns[_column(spec)] or []
    return names


def _stored_by_source(spec: FieldSpec, state: EntityState, sources: list[str]) -> JsonValue:
    if spec.key == "externalIds":
        ids = state.external_ids
        return [ExternalId(s, ids[s].external_id).to_json() for s in sources if s in ids]
    if spec.key == "externalLinks":
        return [ExternalLink(s, state.links[s]).to_json() for s in sources if s in state.links]
    ratings = [
        ExternalRating(s, state.ratings[s].score, state.ratings[s].vote_count).to_json()
        for s in sources
        if s in state.ratings
    ]
    if spec.wire_type is WireType.EXTERNAL_RATING:
        return ratings[0] if ratings else None
    return ratings


# --- proposed side -------------------------------------------------------------------------


def proposed_projection(spec: FieldSpec, value: FieldValue, state: EntityState) -> JsonValue:
    """The payload value of `spec` as JSON, the `after` of a change."""
    if isinstance(value, ExternalRating):
        return _with_kept_votes(value, state).to_json()
    if not isinstance(value, tuple):
        return value
    if spec.comparison is Comparison.NAME_KEY_SET:
        return sorted_by_name_key(str(name) for name in value)
    if spec.comparison is Comparison.PAIR_SET:
        return pair_projection(v for v in value if isinstance(v, AlternateTitle))
    if spec.comparison is Comparison.BY_SOURCE:
        entries = [
            _with_kept_votes(v, state) if isinstance(v, ExternalRating) else v for v in value
        ]
        return [_entry_json(v) for v in sorted(entries, key=_source_of)]
    return [_entry_json(v) for v in value]


def _with_kept_votes(rating: ExternalRating, state: EntityState) -> ExternalRating:
    # A rating without voteCount keeps the stored vote_count (metadata §4.6), and its
    # `after` shows the count it keeps (§4.3).
    stored = state.ratings.get(rating.source)
    if rating.vote_count is not None or stored is None:
        return rating
    return ExternalRating(rating.source, rating.score, stored.vote_count)


def _source_of(entry: object) -> str:
    source: str = getattr(entry, "source", "")
    return source


def _entry_json(entry: object) -> JsonValue:
    to_json = getattr(entry, "to_json", None)
    return to_json() if to_json is not None else entry


# --- the comparator ------------------------------------------------------------------------


def projections_equal(spec: FieldSpec, current: JsonValue, proposed: JsonValue) -> bool:
    """True when `proposed` would change nothing over `current` (metadata §4.3 "equal when")."""
    kind = spec.comparison
    if kind is Comparison.NUMBER:
        return _numbers_equal(current, proposed)
    if kind is Comparison.NAME_KEY_SET:
        return {name_key(n) for n in current or []} == {name_key(n) for n in proposed or []}
    if kind is Comparison.PAIR_SET:
        return _pairs(current) == _pairs(proposed)
    if kind is Comparison.ORDERED_LIST:
        return _authors(current) == _authors(proposed)
    if kind is Comparison.VALUE_SET:
        return _value_set(spec, current) == _value_set(spec, proposed)
    if kind is Comparison.BY_SOURCE:
        return _by_source_equal(current, proposed)
    return bool(current == proposed)


def _numbers_equal(a: JsonValue, b: JsonValue) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return float(a) == float(b)


def _pairs(projection: JsonValue) -> set[tuple[str, str]]:
    return {(entry["label"], entry["title"]) for entry in projection or []}


def _authors(projection: JsonValue) -> list[tuple[str, str, str | None]]:
    return [(a["name"], a["role"], a.get("sortName")) for a in projection or []]


def _value_set(spec: FieldSpec, projection: JsonValue) -> set[Any]:
    if spec.wire_type is WireType.AWARDS:
        return {award_key(award_from_json(entry)) for entry in projection or []}
    return set(projection or [])


def award_from_json(entry: JsonObject) -> BookAward:
    """A stored award object back as a value."""
    return BookAward(entry["name"], entry.get("year"), entry.get("category"), bool(entry["won"]))


def _by_source_equal(current: JsonValue, proposed: JsonValue) -> bool:
    if proposed is None:
        return current is None
    stored = {entry["source"]: entry for entry in _entries(current)}
    return all(_entry_equal(stored.get(entry["source"]), entry) for entry in _entries(proposed))


def _entries(projection: JsonValue) -> list[JsonObject]:
    if projection is None:
        return []
    return list(projection) if isinstance(projection, list) else [projection]


def _entry_equal(stored: JsonObject | None, proposed: JsonObject) -> bool:
    if stored is None:
        return False
    if "score" in proposed:
        votes = proposed.get("voteCount")
        same_votes = votes is None or votes == stored.get("voteCount")
        return _numbers_equal(stored["score"], proposed["score"]) and same_votes
    return bool(stored == proposed)
