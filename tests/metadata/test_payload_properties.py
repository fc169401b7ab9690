"""Property tests of payload normalisation (metadata §3.6): whatever a provider sends, the
normaliser answers per field, never crashes, and its output is a fixed point."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colophon.metadata.catalog import BOOK_CATALOG, SERIES_CATALOG, Catalog
from colophon.metadata.payloads import (
    NormalisedPayload,
    normalise_book_payload,
    normalise_series_payload,
)
from colophon.metadata.search_results import normalise_match_reply
from colophon.metadata.text import name_key, normalise_text
from colophon.metadata.values import (
    AlternateTitle,
    Author,
    BookAward,
    ExternalId,
    ExternalLink,
    ExternalRating,
    FieldValue,
)

ENTRY_KEYS = [
    "name", "role", "sortName", "title", "language", "titleType", "source", "score",
    "voteCount", "url", "label", "linkType", "externalId", "year", "category", "won",
]  # fmt: skip
PAYLOAD_KEYS = sorted({*SERIES_CATALOG.keys, *BOOK_CATALOG.keys, "isbn", "externalUrl"})

# Text that exercises the rules: whitespace runs, case, combining marks, URL and tag shapes.
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            " Action ", "action", "ACTION", "Cafe\u0301", "Completed", "graphic novel", "PT-br",
            "en", "zh-hant-tw", "Story", "Writer", "https://x.org/a.png", "ftp://x", "AniList",
            "plugin:x", "api:MAL", "978-0-13-468599-1", "0-306-40615-x", "", "   ", "a\u00a0b",
            "ǰ", "Straße", "İstanbul",
        ]
    ),
)  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
entries = st.dictionaries(st.sampled_from(ENTRY_KEYS), scalars, max_size=6)
json_values = st.one_of(
    scalars,
    entries,
    st.lists(st.one_of(scalars, entries), max_size=6),
)
raw_payloads = st.dictionaries(st.sampled_from(PAYLOAD_KEYS), json_values, max_size=12).map(
    lambda fields: {**fields, "externalId": "id-1"}
)


def _entry_wire(value: object) -> object:
    if isinstance(value, AlternateTitle):
        return {"title": value.title, "language": value.label}
    if isinstance(value, ExternalLink):
        return {"url": value.url, "label": value.source}
    if isinstance(value, Author | BookAward | ExternalId | ExternalRating):
        return value.to_json()
    return value


def to_wire(payload: NormalisedPayload) -> dict[str, Any]:
    """The normalised values written back as a provider would send them."""
    wire: dict[str, Any] = {"externalId": payload.external_id}
    for key, value in payload.values.items():
        wire[key] = [_entry_wire(v) for v in value] if isinstance(value, tuple) else value
        if isinstance(value, ExternalRating):
            wire[key] = value.to_json()
    return wire


# The first draw of full-Unicode text builds Hypothesis's character map, which can trip the
# input-speed health check on a fresh machine; that cost is not the code under test.
PROPERTY = settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])

Normaliser = Callable[[object], NormalisedPayload]
CASES: list[tuple[Normaliser, Catalog]] = [
    (normalise_series_payload, SERIES_CATALOG),
    (normalise_book_payload, BOOK_CATALOG),
]


@PROPERTY
@given(raw=raw_payloads)
def test_every_field_is_valid_invalid_or_absent_never_both(raw: dict[str, Any]) -> None:
    """§3.6: decisions are per field; values and invalid are disjoint catalog keys."""
    for normalise, catalog in CASES:
        payload = normalise(raw)
        assert set(payload.values).isdisjoint(payload.invalid)
        assert set(payload.values) | set(payload.invalid) <= set(catalog.keys) - {"titleSort"}
        assert all(detail for detail in payload.invalid.values())


@PROPERTY
@given(raw=raw_payloads)
def test_normalised_values_are_a_fixed_point(raw: dict[str, Any]) -> None:
    """Normalising the normalised values again changes nothing (no drift between runs)."""
    for normalise, _ in CASES:
        payload = normalise(raw)
        again = normalise(to_wire(payload))
        assert again.values == payload.values
        assert again.invalid == {}


@PROPERTY
@given(raw=raw_payloads)
def test_normalised_values_respect_their_rules(raw: dict[str, Any]) -> None:
    """N1, N8, N11, N12 invariants on whatever survives normalisation."""
    for normalise, _ in CASES:
        for key, value in normalise(raw).values.items():
            _check_value(key, value)


def _check_value(key: str, value: FieldValue) -> None:
    if isinstance(value, str) and key != "summary":
        assert value and normalise_text(value) == value
    if isinstance(value, float):
        assert math.isfinite(value)
    if key in ("genres", "tags", "subjects"):
        assert isinstance(value, tuple) and value
        keys = [name_key(name) for name in value if isinstance(name, str)]
        assert len(keys) == len(set(keys)) == len(value)
    if key == "externalIds":
        assert isinstance(value, tuple)
        assert all(isinstance(v, ExternalId) and v.source.startswith("api:") for v in value)
    if key == "externalRatings":
        assert isinstance(value, tuple)
        assert all(isinstance(v, ExternalRating) and 0 <= v.score <= 100 for v in value)
    if isinstance(value, tuple):
        assert len(value) > 0  # N7: an empty list is not provided


@PROPERTY
@given(
    raw=st.one_of(
        json_values,
        st.builds(lambda m, c: {"match": m, "confidence": c}, json_values, scalars),
    )
)
def test_match_confidence_is_null_or_within_0_and_1(raw: object) -> None:
    """§3.5: a confidence is clamped to 0..1, or null; a missing candidate has none."""
    outcome = normalise_match_reply(raw)
    if outcome.candidate is None:
        assert outcome.confidence is None
    if outcome.confidence is not None:
        assert 0.0 <= outcome.confidence <= 1.0
