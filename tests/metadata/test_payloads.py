"""Provider payload normalisation, rules N1 to N14 (metadata §3.2, §3.3, §3.6)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from colophon.metadata.payloads import (
    InvalidPayload,
    NormalisedPayload,
    normalise_book_payload,
    normalise_series_payload,
)
from colophon.metadata.values import (
    AlternateTitle,
    Author,
    BookAward,
    ExternalId,
    ExternalLink,
    ExternalRating,
)


def series(**fields: object) -> NormalisedPayload:
    return normalise_series_payload({"externalId": "42", **fields})


def book(**fields: object) -> NormalisedPayload:
    return normalise_book_payload({"externalId": "b-1", **fields})


# --- payload level -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [None, [], "x", {}, {"externalId": None}, {"externalId": 42}, {"externalId": "  "}]
)
def test_a_payload_without_external_id_fails_the_call(raw: object) -> None:
    """Checklist: `provider returned an invalid payload: externalId is required`."""
    for normalise in (normalise_series_payload, normalise_book_payload):
        with pytest.raises(InvalidPayload) as caught:
            normalise(raw)
        assert str(caught.value) == "provider returned an invalid payload: externalId is required"


def test_external_id_and_url_are_kept_for_provenance() -> None:
    payload = normalise_series_payload(
        {"externalId": " 42 ", "externalUrl": "https://example.org/s/42"}
    )
    assert payload.external_id == "42"
    assert payload.external_url == "https://example.org/s/42"


def test_a_bad_external_url_becomes_null() -> None:
    """N6: a bad externalUrl becomes null; the payload is still used."""
    assert series(externalUrl="ftp://example.org/x").external_url is None
    assert series(externalUrl=17).external_url is None


def test_unknown_and_ignored_keys_are_not_provided() -> None:
    payload = series(artists=["A"], bannerUrl="https://x.org/b.png", foo=1, titleSort="T")
    assert payload.values == {}
    assert payload.invalid == {}


def test_book_ignored_keys_are_not_provided() -> None:
    payload = book(rating={"source": "x", "score": 50}, externalLinks=[], pageCount=3)
    assert payload.values == {} and payload.invalid == {}


def test_values_follow_catalog_order() -> None:
    payload = series(publisher="P", title="T", year=2001)
    assert list(payload.values) == ["title", "year", "publisher"]


# --- N1, N2: strings and types ---------------------------------------------------------


def test_a_title_is_trimmed_and_blank_is_not_provided() -> None:
    """Checklist: title `"  Berserk  "` applies as `"Berserk"`; `"   "` counts as not provided."""
    assert series(title="  Berserk  ").values == {"title": "Berserk"}
    blank = series(title="   ")
    assert "title" not in blank.values and "title" not in blank.invalid


def test_internal_whitespace_collapses_except_in_summary() -> None:
    payload = series(title="Vagabond \n  Vol", summary="  Line one\n\nLine  two  ")
    assert payload.values["title"] == "Vagabond Vol"
    assert payload.values["summary"] == "Line one\n\nLine  two"


def test_text_is_nfc() -> None:
    assert series(publisher="Cafe\u0301").values["publisher"] == "Caf\u00e9"


def test_over_the_length_limit_is_invalid() -> None:
    """N1: `too long (max <n> characters)`."""
    assert series(title="x" * 1001).invalid == {"title": "too long (max 1000 characters)"}
    assert series(title="x" * 1000).values["title"] == "x" * 1000
    assert series(summary="s" * 65536).invalid == {"summary": "too long (max 65535 characters)"}


def test_null_is_not_provided() -> None:
    payload = series(title=None, year=None, genres=None, rating=None)
    assert payload.values == {} and payload.invalid == {}


@pytest.mark.parametrize(
    ("field", "value", "detail"),
    [
        ("title", 12, "expected string"),
        ("year", True, "expected integer"),
        ("year", "2001", "expected integer"),
        ("totalChapterCount", False, "expected number"),
        ("genres", "Action", "expected list"),
        ("authors", {"name": "x"}, "expected list"),
        ("rating", [50], "expected object"),
        ("status", 3, "expected string"),
    ],
)
def test_a_wrong_json_type_makes_only_its_field_invalid(
    field: str, value: object, detail: str
) -> None:
    """N2, checklist: `year: true` skips with `Invalid value: expected integer`."""
    payload = series(**{field: value, "publisher": "Kodansha"})
    assert payload.invalid == {field: detail}
    assert payload.values == {"publisher": "Kodansha"}


# --- N3: numbers ---------------------------------------------------------------------------


def test_volume_must_be_a_whole_number() -> None:
    """Checklist: `volume: 1.5` → `not a whole number: 1.5`; `volume: 7.0` is stored as 7."""
    assert book(volume=1.5).invalid == {"volume": "not a whole number: 1.5"}
    stored = book(volume=7.0).values["volume"]
    assert stored == 7 and type(stored) is int


def test_an_integral_float_is_accepted_for_integers() -> None:
    assert series(totalVolumeCount=14.0).values["totalVolumeCount"] == 14


def test_number_fields_are_floats() -> None:
    value = series(totalChapterCount=109).values["totalChapterCount"]
    assert value == 109.0 and type(value) is float
    assert book(chapter=10.5).values["chapter"] == 10.5


def test_a_non_finite_number_is_invalid() -> None:
    assert series(year=float("inf")).invalid == {"year": "not a finite number"}
    assert book(chapter=float("nan")).invalid == {"chapter": "not a finite number"}


@pytest.mark.parametrize(
    ("make", "field", "value", "detail"),
    [
        (series, "year", 0, "out of range 1..9999: 0"),
        (series, "year", 10000, "out of range 1..9999: 10000"),
        (series, "totalVolumeCount", -1, "out of range 0..100000: -1"),
        (series, "totalChapterCount", 100000.5, "out of range 0..100000: 100000.5"),
        (series, "ageRating", 100, "out of range 0..99: 100"),
        (book, "originalYear", -10000, "out of range -9999..9999: -10000"),
        (book, "seriesTotal", 100001, "out of range 0..100000: 100001"),
    ],
)
def test_out_of_range_values_are_invalid(
    make: Callable[..., NormalisedPayload], field: str, value: object, detail: str
) -> None:
    """N3: `out of range <min>..<max>: <value>`."""
    assert make(**{field: value}).invalid == {field: detail}


def test_original_year_may_be_negative() -> None:
    assert book(originalYear=-500).values["originalYear"] == -500


# --- N4: enums -----------------------------------------------------------------------------


def test_status_completed_is_stored_as_ended() -> None:
    """Checklist: status `Completed` is stored as `ended`."""
    assert series(status="Completed").values["status"] == "ended"
    assert series(status=" Cancelled ").values["status"] == "abandoned"
    assert series(status="canceled").values["status"] == "abandoned"


def test_an_unknown_status_skips_only_status() -> None:
    """Checklist: `finished` → `unknown status 'finished'`, while the other fields apply."""
    payload = series(status="finished", title="Berserk", year=1989)
    assert payload.invalid == {"status": "unknown status 'finished'"}
    assert payload.values == {"title": "Berserk", "year": 1989}


def test_enum_spaces_and_hyphens_become_underscores() -> None:
    assert book(bookType="Graphic Novel").values["bookType"] == "graphic_novel"
    assert book(bookType="one-shot").values["bookType"] == "oneshot"
    assert book(bookType="Art Book").values["bookType"] == "artbook"
    assert book(bookType="graphicnovel").values["bookType"] == "graphic_novel"
    assert book(bookType="light novel").invalid == {"bookType": "unknown book type 'light_novel'"}


def test_reading_direction() -> None:
    assert series(readingDirection="RTL").values["readingDirection"] == "rtl"
    assert series(readingDirection="up").invalid == {
        "readingDirection": "unknown reading direction 'up'"
    }


# --- N5: language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("PT-br", "pt-BR"), ("EN", "en"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419")],
)
def test_language_tags_are_canonically_cased(raw: str, stored: str) -> None:
    """Checklist: language `PT-br` is stored as `pt-BR`."""
    assert series(language=raw).values["language"] == stored


@pytest.mark.parametrize("raw", ["english!", "e", "en-", "en-abcdefghi", "en-" + "-ab" * 12])
def test_malformed_language_tags_are_invalid(raw: str) -> None:
    """Checklist: `english!` is invalid."""
    assert series(language=raw).invalid == {"language": f"invalid language tag '{raw}'"}


def test_a_language_tag_over_35_characters_is_invalid() -> None:
    tag = "en" + "-abcdefgh" * 4  # matches the pattern, 38 characters
    assert series(language=tag).invalid == {"language": f"invalid language tag '{tag}'"}


# --- N6: URLs ------------------------------------------------------------------------------


def test_cover_url_must_be_absolute_http() -> None:
    assert series(coverUrl=" https://x.org/c.png ").values["coverUrl"] == "https://x.org/c.png"
    assert series(coverUrl="/c.png").invalid == {"coverUrl": "invalid URL '/c.png'"}
    assert series(coverUrl="javascript:alert(1)").invalid == {
        "coverUrl": "invalid URL 'javascript:alert(1)'"
    }
    long_url = "https://x.org/" + "a" * 2040
    assert series(coverUrl=long_url).invalid == {"coverUrl": f"invalid URL '{long_url}'"}


# --- N7, N8: lists and names -------------------------------------------------------------


def test_genres_are_deduplicated_by_name_key() -> None:
    """Checklist: `["Action", "action ", "", "Drama"]` normalise to `["Action", "Drama"]`."""
    assert series(genres=["Action", "action ", "", "Drama"]).values["genres"] == (
        "Action",
        "Drama",
    )


def test_name_lists_drop_wrong_types_and_long_entries() -> None:
    payload = book(tags=[1, None, "x" * 101, " Sci  Fi "], subjects=["", 3])
    assert payload.values == {"tags": ("Sci Fi",)}  # subjects left empty: not provided
    assert payload.invalid == {}


# --- N9: authors -----------------------------------------------------------------------------


def test_a_bare_string_author_becomes_an_author_for_series_and_books() -> None:
    """Checklist: `"Jane Doe"` becomes `{name: "Jane Doe", role: "author"}`."""
    expected = (Author("Jane Doe", "author"),)
    assert series(authors=["Jane Doe"]).values["authors"] == expected
    assert book(authors=["Jane Doe"]).values["authors"] == expected
    assert expected[0].to_json() == {"name": "Jane Doe", "role": "author"}


def test_an_unknown_author_role_invalidates_authors() -> None:
    """Checklist: role `Story` skips `authors` with `unknown author role 'story'`."""
    payload = series(authors=["Jane Doe", {"name": "Kentaro Miura", "role": "Story"}])
    assert payload.invalid == {"authors": "unknown author role 'story'"}


def test_authors_keep_order_sort_names_and_drop_duplicates() -> None:
    raw = [
        {"name": " Kentaro  Miura ", "role": "Writer", "sortName": "Miura, Kentaro"},
        {"name": "kentaro miura", "role": "writer"},
        {"name": "Kentaro Miura", "role": "Cover Artist", "sortName": "  "},
        {"role": "editor"},
        {"name": "x" * 501},
        42,
    ]
    assert series(authors=raw).values["authors"] == (
        Author("Kentaro Miura", "writer", "Miura, Kentaro"),
        Author("Kentaro Miura", "cover_artist"),
    )


# --- N10: alternate titles ---------------------------------------------------------------


def test_alternate_title_labels() -> None:
    raw = [
        {"title": "ベルセルク", "language": "JA"},
        {"title": "Beruseruku", "titleType": "Romaji"},
        {"title": "Berserk"},
        {"title": "Berserk", "language": "en"},
        {"title": "Berserk", "language": "EN"},
        {"title": "  "},
        "bare",
    ]
    assert series(alternateTitles=raw).values["alternateTitles"] == (
        AlternateTitle("ja", "ベルセルク"),
        AlternateTitle("romaji", "Beruseruku"),
        AlternateTitle("alternate", "Berserk"),
        AlternateTitle("en", "Berserk"),
    )


def test_two_alternate_titles_may_share_a_label() -> None:
    raw = [{"title": "A", "language": "en"}, {"title": "B", "language": "en"}]
    assert series(alternateTitles=raw).values["alternateTitles"] == (
        AlternateTitle("en", "A"),
        AlternateTitle("en", "B"),
    )


def test_labels_are_cut_to_50_characters() -> None:
    raw = [{"title": "A", "titleType": "t" * 80}]
    assert series(alternateTitles=raw).values["alternateTitles"] == (AlternateTitle("t" * 50, "A"),)


# --- N11: by-source lists ----------------------------------------------------------------


def test_external_id_sources_get_the_api_prefix() -> None:
    """Checklist: `AniList` → `api:anilist`; a payload source `plugin:x` is dropped."""
    raw = [
        {"source": "AniList", "externalId": " 30002 "},
        {"source": "plugin:x", "externalId": "1"},
        {"source": "api:MyAnimeList", "externalId": "2"},
        {"source": "anilist", "externalId": "other"},
        {"source": "bad source", "externalId": "3"},
        {"source": "mu", "externalId": "  "},
        {"source": "mu2", "externalId": "x" * 501},
        {"source": "num", "externalId": 5},
    ]
    assert series(externalIds=raw).values["externalIds"] == (
        ExternalId("api:anilist", "30002"),
        ExternalId("api:myanimelist", "2"),
    )


def test_only_plugin_sources_leave_external_ids_not_provided() -> None:
    payload = book(externalIds=[{"source": "plugin:x", "externalId": "1"}])
    assert "externalIds" not in payload.values and "externalIds" not in payload.invalid


def test_links_are_keyed_by_the_name_key_of_their_label() -> None:
    raw = [
        {"url": "https://mangabaka.dev/1", "label": "MangaBaka", "linkType": "provider"},
        {"url": "https://other.example/1", "label": "mangabaka "},
        {"url": "not a url", "label": "Official"},
        {"url": "https://x.org", "label": ""},
    ]
    assert series(externalLinks=raw).values["externalLinks"] == (
        ExternalLink("mangabaka", "https://mangabaka.dev/1"),
    )


# --- N12: ratings --------------------------------------------------------------------------


def test_an_out_of_range_rating_is_invalid() -> None:
    """Checklist: a rating score of 120 skips `rating` with `out of range 0..100: 120`."""
    payload = series(rating={"source": "AniList", "score": 120}, year=2000)
    assert payload.invalid == {"rating": "out of range 0..100: 120"}
    assert payload.values == {"year": 2000}


def test_a_score_of_9_1_is_not_rescaled() -> None:
    """Checklist: a score of 9.1 is stored as 9.1, not rescaled."""
    assert series(rating={"source": "MU", "score": 9.1}).values["rating"] == ExternalRating(
        "mu", 9.1, None
    )


def test_an_external_rating_with_the_source_of_rating_is_dropped() -> None:
    """Checklist: an externalRatings entry with the same source as `rating` is dropped."""
    payload = series(
        rating={"source": "AniList", "score": 85, "voteCount": 1000},
        externalRatings=[
            {"source": "anilist", "score": 10},
            {"source": "MAL", "score": 88.5, "voteCount": 12.0},
            {"source": "mal", "score": 1},
        ],
    )
    assert payload.values["rating"] == ExternalRating("anilist", 85.0, 1000)
    assert payload.values["externalRatings"] == (ExternalRating("mal", 88.5, 12),)


def test_any_out_of_range_external_rating_invalidates_the_field() -> None:
    payload = series(
        externalRatings=[{"source": "a", "score": 50}, {"source": "b", "score": float("inf")}]
    )
    assert payload.invalid == {"externalRatings": "out of range 0..100: Infinity"}


def test_a_bad_vote_count_is_dropped_from_its_entry() -> None:
    for bad in (-1, 2.5, True, "10"):
        rating = series(rating={"source": "a", "score": 50, "voteCount": bad}).values["rating"]
        assert rating == ExternalRating("a", 50.0, None)


def test_a_rating_without_source_or_score_is_not_provided() -> None:
    assert series(rating={"score": 50}).values == {}
    assert series(rating={"source": "a", "score": "50"}).values == {}


# --- N13: isbns ----------------------------------------------------------------------------


def test_isbn_joins_isbns_first_and_duplicates_go() -> None:
    """Checklist: `isbn: "978-0-13-468599-1"` with `isbns: ["9780134685991"]`."""
    payload = book(isbn="978-0-13-468599-1", isbns=["9780134685991"])
    assert payload.values["isbns"] == ("9780134685991",)


def test_isbn_shapes() -> None:
    payload = book(isbns=["0-306-40615-x", "12345", "978 0 13 468599 1", 9780134685991, ""])
    assert payload.values["isbns"] == ("030640615X", "9780134685991")


def test_isbns_that_is_not_a_list_is_invalid() -> None:
    assert book(isbns="9780134685991").invalid == {"isbns": "expected list"}


# --- N14: awards ---------------------------------------------------------------------------


def test_awards() -> None:
    raw = [
        {"name": " Hugo  Award ", "year": 2016, "category": "Best Novel", "won": True},
        {"name": "hugo award", "year": 2016.0, "category": "best novel", "won": True},
        {"name": "Hugo Award", "year": 2016, "category": "Best Novel"},
        {"name": "Nebula", "year": "2015", "category": "  "},
        {"year": 2000},
    ]
    assert book(awards=raw).values["awards"] == (
        BookAward("Hugo Award", 2016, "Best Novel", True),
        BookAward("Hugo Award", 2016, "Best Novel", False),
        BookAward("Nebula", None, None, False),
    )
    assert BookAward("Nebula").to_json() == {"name": "Nebula", "won": False}
