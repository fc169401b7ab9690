"""Wire models of the jobs API (library-jobs §8, §9, §10): requests in, DTOs out."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr, field_validator

from colophon.jobs.job_types import WIRE_NAMES_ONLY, JobConfigIn
from colophon.wire import Instant, JsonValue, RequestModel, WireModel

NOT_NULL = "Input should not be null"

RunTrigger = Literal["schedule", "manual"]
RunOutcome = Literal["success", "partial", "failure", "cancelled"]
ActiveRunStatus = Literal["pending", "running"]
RunStatus = Literal[ActiveRunStatus, RunOutcome]
RevertSkipCode = Literal["entity_missing", "locked", "changed_since", "not_revertible"]


class CreateJob(RequestModel):
    """POST /libraries/{id}/jobs (API-1)."""

    model_config = WIRE_NAMES_ONLY

    name: StrictStr | None = None
    enabled: StrictBool = False
    cron_schedule: StrictStr
    timezone: StrictStr | None = None
    config: JobConfigIn


class PatchJob(RequestModel):
    """PATCH: absent keeps; `null` clears `name` (auto-name) and `timezone` only (API-2)."""

    model_config = WIRE_NAMES_ONLY

    name: StrictStr | None = None
    enabled: StrictBool | None = None
    cron_schedule: StrictStr | None = None
    timezone: StrictStr | None = None
    config: JobConfigIn | None = None

    @field_validator("enabled", "cron_schedule", "config", mode="before")
    @classmethod
    def _refuse_null(cls, value: object) -> object:
        if value is None:
            raise ValueError(NOT_NULL)
        return value


class SavedDryRun(RequestModel):
    """POST /jobs/{jobId}/dry-run (DRY-1)."""

    model_config = WIRE_NAMES_ONLY

    config_override: JobConfigIn | None = None
    sample_size: StrictInt = 5


class UnsavedDryRun(RequestModel):
    """POST /jobs/dry-run: a create body whose other keys are optional, plus `sampleSize`."""

    model_config = WIRE_NAMES_ONLY

    name: StrictStr | None = None
    enabled: StrictBool = False
    cron_schedule: StrictStr | None = None
    timezone: StrictStr | None = None
    config: JobConfigIn
    sample_size: StrictInt = 5


class ActiveRunDto(WireModel):
    run_id: uuid.UUID
    task_id: uuid.UUID | None
    status: ActiveRunStatus


class LibraryJobDto(WireModel):
    """§10.1; every key is always present."""

    id: uuid.UUID
    library_id: uuid.UUID
    name: str
    enabled: bool
    cron_schedule: str
    timezone: str | None
    effective_timezone: str
    config: dict[str, Any] | None
    next_run_at: Instant | None
    last_run_at: Instant | None
    last_run_status: RunOutcome | None
    last_run_message: str | None
    active_run: ActiveRunDto | None
    created_at: Instant
    updated_at: Instant


class JobList(WireModel):
    jobs: list[LibraryJobDto]


class RunStartedDto(WireModel):
    """202 of run-now and revert: the task and the run it concerns."""

    task_id: uuid.UUID
    run_id: uuid.UUID


class FieldGroupDto(WireModel):
    id: str
    label: str
    fields: list[str]


class CronPreviewDto(WireModel):
    expression: str
    timezone: str
    description: str
    next_runs: list[str]


class SkippedCountsDto(WireModel):
    """The four skip counters of a run summary: two from the planner, two at run time."""

    no_external_id: int
    recently_synced: int
    no_match_candidate: int
    low_confidence: int


class RunErrorDto(WireModel):
    entity_type: Literal["series", "book"]
    entity_id: uuid.UUID
    name: str
    message: str


class RunSummaryDto(WireModel):
    """The run summary of §7.5 (RUN-20); every key is always present."""

    planned: int
    succeeded: int
    failed: int
    skipped: SkippedCountsDto
    not_processed: int
    items_changed: int
    fields_changed: int
    rate_limit_retries: int
    plan_failure: str | None
    errors: list[RunErrorDto]


class RevertSkipDto(WireModel):
    entity_type: Literal["series", "book"]
    entity_id: uuid.UUID
    field: str
    reason: RevertSkipCode
    message: str


class RevertSummaryDto(WireModel):
    """REV-3: the result of the last revert attempt of a run."""

    restored: int
    skipped: int
    failed: int
    skipped_by_reason: dict[RevertSkipCode, int]
    skipped_items: list[RevertSkipDto]


class RunDto(WireModel):
    """HIST-3."""

    id: uuid.UUID
    job_id: uuid.UUID
    library_id: uuid.UUID
    task_id: uuid.UUID | None
    trigger: RunTrigger
    status: RunStatus
    scheduled_for: Instant | None
    requested_by: uuid.UUID | None
    created_at: Instant
    started_at: Instant | None
    finished_at: Instant | None
    message: str | None
    summary: RunSummaryDto | None
    config: dict[str, Any] | None
    change_count: int
    reverted_at: Instant | None
    reverted_by: uuid.UUID | None
    revert_summary: RevertSummaryDto | None


class RunPage(WireModel):
    items: list[RunDto]
    next_cursor: str | None


class ChangeDto(WireModel):
    id: int
    entity_type: Literal["series", "book"]
    entity_id: uuid.UUID
    entity_name: str | None
    field: str
    before: JsonValue
    after: JsonValue
    source: str
    user_id: uuid.UUID | None
    created_at: Instant


class ChangePage(WireModel):
    items: list[ChangeDto]
    next_cursor: str | None


class RunDetailDto(RunDto):
    changes: ChangePage


class FieldChangeDto(WireModel):
    field: str
    before: JsonValue
    after: JsonValue


class SkippedFieldDto(WireModel):
    field: str
    reason: str


class DryRunItemDto(WireModel):
    entity_type: Literal["series", "book"]
    entity_id: uuid.UUID
    series_id: uuid.UUID
    name: str
    status: Literal["would_change", "no_change", "skipped", "error"]
    external_id: str | None
    match_confidence: float | None
    changes: list[FieldChangeDto] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    skipped: list[SkippedFieldDto] = Field(default_factory=list)
    reason: str | None = None


class SkippedItemDto(WireModel):
    entity_type: Literal["series", "book"]
    entity_id: uuid.UUID
    name: str
    reason: str
    last_synced_at: Instant | None


class DryRunDto(WireModel):
    """DRY-5's response, also on a plan failure."""

    job_id: uuid.UUID | None
    config: dict[str, Any]
    total_items: int
    total_eligible: int
    est_skipped_no_id: int
    est_skipped_recently_synced: int
    plan_failure: str | None
    sample_size: int
    sample: list[DryRunItemDto]
    skipped_sample: list[SkippedItemDto]
