"""NT, NK and the search title (metadata §0, §1.2)."""

from __future__ import annotations

from colophon.metadata.text import (
    compute_search_title,
    name_key,
    normalise_summary,
    normalise_text,
)


def test_a_title_write_computes_the_search_title() -> None:
    """Checklist: `Ōkami Kage` → `okami kage`."""
    assert compute_search_title("Ōkami Kage") == "okami kage"


def test_the_search_title_of_no_title_is_empty() -> None:
    assert compute_search_title(None) == ""


def test_the_search_title_folds_compatibility_forms_and_whitespace() -> None:
    assert (
        compute_search_title("  \uff22\uff45\uff52\uff53\uff45\uff52\uff4b\u3000Deluxe ")
        == "berserk deluxe"
    )
    assert compute_search_title("Straße") == "strasse"


def test_nt_is_nfc_trimmed_and_collapsed() -> None:
    assert normalise_text("  a \t\n b\u00a0 c ") == "a b c"
    assert normalise_text("e\u0301") == "\u00e9"


def test_summary_keeps_line_breaks() -> None:
    assert normalise_summary("  one\n\ntwo  ") == "one\n\ntwo"


def test_nk_is_the_casefolded_nt() -> None:
    assert name_key(" ACTION ") == name_key("action") == "action"
