"""Config forms and the allow-list (library-jobs §3), as pure functions."""

from __future__ import annotations

from colophon.jobs.job_types import RefreshConfig, Scope, refresh_config_from_stored


def test_filter_is_the_union_of_groups_and_extra_fields() -> None:
    """CFG-9: [ratings, status] + extra language."""
    config = RefreshConfig(
        provider="plugin:echo", field_groups=("ratings", "status"), extra_fields=("language",)
    )
    assert config.series_fields() == {"rating", "externalRatings", "status", "year", "language"}
    assert config.book_fields() == frozenset()  # series_only writes no books


def test_stored_rows_are_read_leniently() -> None:
    """CFG-4: missing keys take their defaults, unknown keys are ignored."""
    config = refresh_config_from_stored(
        {"type": "metadata_refresh", "provider": "plugin:x", "scope": "books_only", "new": 1}
    )
    assert config.scope is Scope.BOOKS_ONLY
    assert config.book_field_groups == ("descriptive", "publication")
    assert config.field_groups == ()
    assert (config.min_match_confidence, config.max_concurrency) == (0.8, 4)
    assert config.to_stored()["type"] == "metadata_refresh"
