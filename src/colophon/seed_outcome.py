"""How the seed reports each entry of every section (platform §7 step 4)."""

from __future__ import annotations

from collections.abc import Sequence


def seed_outcome(*, created: bool, changed: Sequence[str]) -> str:
    """`created`, `updated (<fields>)` or `unchanged`."""
    if created:
        return "created"
    return f"updated ({', '.join(changed)})" if changed else "unchanged"
