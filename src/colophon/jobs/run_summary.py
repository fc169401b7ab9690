"""A run's counters, status and messages (RUN-18..RUN-22), decided without I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from colophon.jobs.planner import Plan, SkipReason

MAX_ERRORS = 50


@dataclass
class RunCounters:
    """The live counts of one run; ``to_stored`` is the summary of §7.5 (snake_case)."""

    planned: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: dict[SkipReason, int] = field(default_factory=lambda: dict.fromkeys(SkipReason, 0))
    not_processed: int = 0
    items_changed: int = 0
    fields_changed: int = 0
    rate_limit_retries: int = 0
    plan_failure: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, plan: Plan) -> RunCounters:
        counters = cls(planned=len(plan.planned))
        for reason in (SkipReason.NO_EXTERNAL_ID, SkipReason.RECENTLY_SYNCED):
            counters.skipped[reason] = plan.skipped_count(reason)
        counters.plan_failure = plan.failure.value if plan.failure else None
        return counters

    @property
    def skipped_total(self) -> int:
        """K: the four skip counters."""
        return sum(self.skipped.values())

    @property
    def finished(self) -> int:
        """`current` of the progress events: succeeded + failed + run-time skipped."""
        runtime_skips = (
            self.skipped[SkipReason.NO_MATCH_CANDIDATE] + self.skipped[SkipReason.LOW_CONFIDENCE]
        )
        return self.succeeded + self.failed + runtime_skips

    def add_error(self, entity_type: str, entity_id: uuid.UUID, name: str, message: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                {
                    "entity_type": entity_type,
                    "entity_id": str(entity_id),
                    "name": name,
                    "message": message,
                }
            )

    def to_stored(self) -> dict[str, Any]:
        return {
            "planned": self.planned,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "skipped": {reason.value: count for reason, count in self.skipped.items()},
            "not_processed": self.not_processed,
            "items_changed": self.items_changed,
            "fields_changed": self.fields_changed,
            "rate_limit_retries": self.rate_limit_retries,
            "plan_failure": self.plan_failure,
            "errors": list(self.errors),
        }

    def progress_counts(self) -> dict[str, int]:
        """`counts` of `task.progress`: skipped includes the planner's skips (§7.6)."""
        return {"succeeded": self.succeeded, "failed": self.failed, "skipped": self.skipped_total}


def run_status(counters: RunCounters, *, cancelled: bool) -> str:
    """RUN-18 after processing (plan failures and handler errors are decided earlier)."""
    if cancelled:
        return "cancelled"
    if counters.failed and not counters.succeeded:
        return "failure"
    if counters.failed:
        return "partial"
    return "success"


def completed_message(counters: RunCounters, status: str) -> str:
    """RUN-21 for a run that processed its plan (or was cancelled while doing so)."""
    c = counters
    tail = f"({c.items_changed} changed, {c.failed} failed, {c.skipped_total} skipped)"
    if status == "cancelled":
        done = c.planned - c.not_processed
        return f"Cancelled after {done} of {c.planned} item(s) {tail}"
    return f"Refreshed {c.succeeded} of {c.planned} item(s) {tail}"


def nothing_planned_message(counters: RunCounters) -> str:
    return f"Nothing to refresh ({counters.skipped_total} skipped)"


def plan_failure_message(failure: str, provider: str) -> str:
    return f"Refresh aborted: {failure} (provider={provider})"


CANCELLED_BEFORE_START = "Cancelled before start"
WORKER_LOST = "Run failed: worker lost"
TASK_ENDED = "Run failed: task ended without finishing the run"
INTERNAL_ERROR = "Run failed: internal error"
