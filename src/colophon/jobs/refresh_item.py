"""One item's pipeline: match (re-match mode), get, apply (RUN-7..RUN-10, DRY-4).

Runs and dry-runs share this path, the dry-run stopping where the applier would write, so a
preview cannot drift from a run. Rate limits are raised to the caller, which alone knows
whether to retry (a run) or to report (a dry-run).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from colophon.errors import NotFound
from colophon.jobs.job_types import RefreshConfig
from colophon.jobs.planner import ItemRef, SkipReason
from colophon.metadata.apply import ApplyingPlugin, apply_book_metadata, apply_series_metadata
from colophon.metadata.catalog import Entity
from colophon.metadata.covers import CoverStore
from colophon.metadata.payloads import NormalisedPayload
from colophon.metadata.plan import ApplyResult
from colophon.metadata.search_results import MatchOutcome
from colophon.plugins import metadata_calls
from colophon.plugins.errors import PluginTimeout
from colophon.plugins.host import PluginHost
from colophon.runtime import Runtime

CALL_TIMEOUT_S = 60.0  # RUN-12: per plugin call; waiting for the limiter is not counted


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What became of one item: committed (or previewed), skipped at run time, or failed."""

    kind: Literal["succeeded", "skipped", "failed"]
    external_id: str | None = None
    match_confidence: float | None = None
    result: ApplyResult | None = None
    skip_reason: SkipReason | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class ItemPipeline:
    """Everything an item needs besides the item: plugin host, allow-lists, run identity."""

    runtime: Runtime
    host: PluginHost
    plugin: ApplyingPlugin
    config: RefreshConfig
    series_fields: frozenset[str]
    book_fields: frozenset[str]
    max_wait_s: float
    run_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    covers: CoverStore | None = None  # a run's; a dry run never downloads

    async def refresh(self, item: ItemRef, *, dry_run: bool) -> ItemOutcome:
        """Match when needed, get, apply; plugin rate limits propagate (PluginRateLimited)."""
        external_id, confidence = item.external_id, None
        if external_id is None:
            outcome = await self._match(item)
            confidence = outcome.confidence
            if outcome.candidate is None:
                return ItemOutcome("skipped", skip_reason=SkipReason.NO_MATCH_CANDIDATE)
            if outcome.threshold_score < self.config.min_match_confidence:
                return ItemOutcome(
                    "skipped", skip_reason=SkipReason.LOW_CONFIDENCE, match_confidence=confidence
                )
            external_id = outcome.candidate.external_id
        payload = await self._get(item, external_id)
        try:
            result = await self._apply(item, payload, dry_run=dry_run)
        except NotFound:
            return ItemOutcome(
                "failed",
                external_id=external_id,
                match_confidence=confidence,
                message=f"{item.entity.value} was deleted during the run",
            )
        return ItemOutcome(
            "succeeded", external_id=external_id, match_confidence=confidence, result=result
        )

    async def _match(self, item: ItemRef) -> MatchOutcome:
        hints, limits = item.match_hints(), self._limits()
        try:
            if item.entity is Entity.SERIES:
                author = hints.authors[0] if hints.authors else None
                return await metadata_calls.match_series(
                    self.host, hints.title, year=hints.year, author=author, **limits
                )
            return await metadata_calls.match_book(
                self.host,
                hints.title,
                authors=list(hints.authors),
                isbn=hints.isbn,
                year=hints.year,
                publisher=hints.publisher,
                **limits,
            )
        except PluginTimeout as exc:
            raise ItemTimeout() from exc

    async def _get(self, item: ItemRef, external_id: str) -> NormalisedPayload:
        try:
            if item.entity is Entity.SERIES:
                return await metadata_calls.get_series(self.host, external_id, **self._limits())
            return await metadata_calls.get_book(self.host, external_id, **self._limits())
        except PluginTimeout as exc:
            raise ItemTimeout() from exc

    async def _apply(
        self, item: ItemRef, payload: NormalisedPayload, *, dry_run: bool
    ) -> ApplyResult:
        db, covers = self.runtime.db, self.covers
        if item.entity is Entity.SERIES:
            return await apply_series_metadata(
                db,
                item.entity_id,
                self.plugin,
                payload,
                fields=self.series_fields,
                dry_run=dry_run,
                run_id=self.run_id,
                user_id=self.user_id,
                covers=covers,
            )
        return await apply_book_metadata(
            db,
            item.entity_id,
            self.plugin,
            payload,
            fields=self.book_fields,
            dry_run=dry_run,
            run_id=self.run_id,
            user_id=self.user_id,
            covers=covers,
        )

    def _limits(self) -> dict[str, float]:
        return {"timeout_s": CALL_TIMEOUT_S, "max_wait_s": self.max_wait_s}


class ItemTimeout(Exception):
    """A match or get call exceeded its 60 s (RUN-12)."""

    def __init__(self) -> None:
        super().__init__(f"plugin call timed out after {CALL_TIMEOUT_S:g}s")
