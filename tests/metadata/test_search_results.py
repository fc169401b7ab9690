"""Search results and match replies (metadata §3.4, §3.5)."""

from __future__ import annotations

import pytest

from colophon.metadata.payloads import InvalidPayload
from colophon.metadata.search_results import (
    MatchOutcome,
    SearchResult,
    normalise_match_reply,
    normalise_search_reply,
)

BERSERK = {"externalId": "30002", "title": "Berserk", "relevanceScore": 0.93}


def test_results_missing_an_id_or_title_are_dropped_and_order_is_kept() -> None:
    page = normalise_search_reply(
        {
            "results": [
                {"externalId": "2", "title": " Vagabond "},
                {"externalId": "", "title": "No id"},
                {"externalId": "3"},
                {"externalId": 4, "title": "Numeric id"},
                "junk",
                {"externalId": "1", "title": "Berserk"},
            ],
            "nextCursor": "page-2",
        }
    )
    assert [(r.external_id, r.title) for r in page.results] == [("2", "Vagabond"), ("1", "Berserk")]
    assert page.next_cursor == "page-2"


def test_optional_result_keys_are_cleaned() -> None:
    page = normalise_search_reply(
        {
            "results": [
                {
                    "externalId": "1",
                    "title": "T",
                    "alternateTitles": ["A", " ", 3, "B"],
                    "year": "1989",
                    "coverUrl": "/relative.png",
                    "relevanceScore": 1.7,
                    "preview": ["not", "an", "object"],
                },
                {
                    "externalId": "2",
                    "title": "U",
                    "year": 1990,
                    "coverUrl": "https://x.org/c.jpg",
                    "relevanceScore": -0.2,
                    "preview": {"status": "ongoing", "bookCount": 3},
                },
                {"externalId": "3", "title": "V", "relevanceScore": "high", "year": True},
            ]
        }
    )
    first, second, third = page.results
    assert first == SearchResult("1", "T", ("A", "B"), None, None, 1.0, None)
    assert second == SearchResult(
        "2", "U", (), 1990, "https://x.org/c.jpg", 0.0, {"status": "ongoing", "bookCount": 3}
    )
    assert third.relevance_score is None and third.year is None
    assert page.next_cursor is None


@pytest.mark.parametrize("raw", [None, [], {"results": {}}, {"items": []}])
def test_a_reply_without_a_results_list_is_an_invalid_payload(raw: object) -> None:
    with pytest.raises(InvalidPayload):
        normalise_search_reply(raw)


def test_match_envelope_and_bare_result_are_both_accepted() -> None:
    """Checklist: replies `{match, confidence}` and bare SearchResult are both accepted."""
    candidate = SearchResult("30002", "Berserk", relevance_score=0.93)
    assert normalise_match_reply({"match": BERSERK, "confidence": 0.81}) == MatchOutcome(
        candidate, 0.81
    )
    assert normalise_match_reply(BERSERK) == MatchOutcome(candidate, 0.93)


def test_null_means_no_candidate() -> None:
    """Checklist: `null` means no candidate."""
    assert normalise_match_reply(None) == MatchOutcome(None, None)
    assert normalise_match_reply({"match": None, "confidence": 0.9}) == MatchOutcome(None, None)
    assert normalise_match_reply({"match": {"title": "no id"}}) == MatchOutcome(None, None)


def test_envelope_confidence_falls_back_to_the_relevance_score_and_is_clamped() -> None:
    assert normalise_match_reply({"match": BERSERK}).confidence == 0.93
    assert normalise_match_reply({"match": BERSERK, "confidence": 3}).confidence == 1.0
    no_score = normalise_match_reply({"match": {"externalId": "1", "title": "T"}})
    assert no_score.confidence is None and no_score.threshold_score == 0.0
    assert normalise_match_reply({"match": BERSERK, "confidence": "sure"}).confidence is None


def test_alternatives_are_ignored() -> None:
    outcome = normalise_match_reply(
        {"match": BERSERK, "confidence": 0.5, "alternatives": [{"externalId": "9", "title": "X"}]}
    )
    assert outcome.candidate is not None and outcome.candidate.external_id == "30002"
